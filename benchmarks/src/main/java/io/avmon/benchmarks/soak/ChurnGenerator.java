package io.avmon.benchmarks.soak;

import io.avmon.benchmarks.capacity.FeatureTemplate;
import io.avmon.benchmarks.capacity.LoadGenerator;
import io.avmon.benchmarks.capacity.StreamPlayback;
import io.avmon.converter.FeatureSink;
import java.util.Random;

/**
 * Feature records of channels that appear, run and vanish on a {@link ChurnSchedule}, as a fleet of converters
 * whose encoders crash and come back: a session starts a fresh {@link StreamPlayback} of the channel's template
 * from a random point (a restarted encoder's clock and sequence start anew), sends records for the session's
 * length, then stops without ENDED. A share of the channels plays the template with black picture, so some
 * sessions vanish with a defect open, which the job must close and forget too.
 *
 * <p>{@link #step} is called from one thread ({@link LoadGenerator#paceLive}); the counters are read by the
 * sampler's thread.
 */
final class ChurnGenerator {
    private final ChurnSchedule schedule;
    private final FeatureTemplate[] templates;
    private final StreamPlayback[] playing;
    private final long[] playingSession;
    private final Random random;
    private volatile int liveChannels;
    private volatile long sessionsStarted;

    ChurnGenerator(
            ChurnSchedule schedule,
            FeatureTemplate clean,
            FeatureTemplate withBlack,
            double defectiveShare,
            long seed) {
        this.schedule = schedule;
        this.random = new Random(seed);
        int channels = schedule.channels();
        templates = new FeatureTemplate[channels];
        int defective = (int) Math.round(channels * defectiveShare);
        for (int i = 0; i < channels; i++) {
            templates[i] = i < defective ? withBlack : clean;
        }
        playing = new StreamPlayback[channels];
        playingSession = new long[channels];
    }

    /** Every live channel's records of [elapsedUs, elapsedUs + STEP_US) since {@code startMs}; returns how many. */
    long step(FeatureSink sink, long startMs, long elapsedUs) {
        long toUs = elapsedUs + LoadGenerator.STEP_US;
        long records = 0;
        int live = 0;
        for (int channel = 0; channel < playing.length; channel++) {
            long session = schedule.sessionIn(channel, elapsedUs, toUs);
            if (session < 0) {
                playing[channel] = null;
                continue;
            }
            if (playing[channel] == null || playingSession[channel] != session) {
                FeatureTemplate template = templates[channel];
                // On the frame grid (40 ms), so video and audio start together as a converter's first output does.
                long phaseUs = (random.nextLong(template.durationUs()) / 40_000) * 40_000;
                playing[channel] = new StreamPlayback(String.format("soak-%05d", channel), template, phaseUs);
                playingSession[channel] = session;
                sessionsStarted++;
            }
            long sessionStartUs = schedule.sessionStartUs(channel, session);
            long sessionEndUs = Math.min(toUs, sessionStartUs + schedule.sessionUs());
            records += playing[channel].sendUntil(sink, startMs + sessionStartUs / 1000, sessionEndUs - sessionStartUs);
            live++;
        }
        liveChannels = live;
        return records;
    }

    int liveChannels() {
        return liveChannels;
    }

    long sessionsStarted() {
        return sessionsStarted;
    }
}
