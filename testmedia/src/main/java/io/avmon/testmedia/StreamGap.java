package io.avmon.testmedia;

/**
 * A stretch with no video and no audio at all, as a feed that stalls and resumes leaves in a recording: the TS
 * packets of both tracks are removed from the first key frame at or after {@code atSeconds} to the first key frame at
 * or after {@code atSeconds + durationSeconds} (whole closed GOPs, so nothing after the gap refers to what is gone),
 * and the timestamps after the gap are kept. MPEG-TS output only.
 */
public record StreamGap(double atSeconds, double durationSeconds) {
    public StreamGap {
        if (!(atSeconds > 0) || !(durationSeconds > 0)) {
            throw new IllegalArgumentException(
                    "a gap needs a time > 0 and a positive duration: " + atSeconds + ", " + durationSeconds);
        }
    }
}
