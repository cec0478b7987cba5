package io.avmon.benchmarks.soak;

/**
 * When each of N channels is on air in the accelerated soak: every channel plays sessions of {@code sessionUs},
 * one every {@code cycleUs}, and is silent in between (its encoder crashed: no ENDED). The channels' cycles are
 * staggered evenly, so about {@code channels * sessionUs / cycleUs} are live at any moment and sessions start at
 * a steady rate instead of all at once.
 *
 * @param channels  the distinct stream ids; each reappears under its own id
 * @param sessionUs how long a session sends records
 * @param cycleUs   from one session's start to the channel's next
 */
record ChurnSchedule(int channels, long sessionUs, long cycleUs) {

    ChurnSchedule {
        if (channels < 1 || sessionUs <= 0 || cycleUs <= sessionUs) {
            throw new IllegalArgumentException("channels >= 1 and 0 < session < cycle");
        }
    }

    /** How long a channel is silent between its sessions. */
    long gapUs() {
        return cycleUs - sessionUs;
    }

    /** Channels live at once, on average. */
    double liveChannels() {
        return channels * (double) sessionUs / cycleUs;
    }

    /** When the channel's first session starts. */
    long offsetUs(int channel) {
        return channel * cycleUs / channels;
    }

    /**
     * The session of {@code channel} that has records in [fromUs, toUs), or -1 if it has none there. The gap
     * between sessions is longer than any step, so at most one session can.
     */
    long sessionIn(int channel, long fromUs, long toUs) {
        long offset = offsetUs(channel);
        if (toUs <= offset) {
            return -1;
        }
        long session = (toUs - 1 - offset) / cycleUs;
        return fromUs < sessionStartUs(channel, session) + sessionUs ? session : -1;
    }

    long sessionStartUs(int channel, long session) {
        return offsetUs(channel) + session * cycleUs;
    }
}
