package io.avmon.job.detect;

import io.avmon.job.audio.LoudnessMeter;

/**
 * A stream's loudness state (a Flink POJO): the meter, and since when the momentary (400 ms) loudness has stayed
 * above or below the bounds. Short-term loudness averages 3 s, so it crosses a bound up to 3 s after the programme
 * did; the momentary reading crosses within 400 ms and dates the violation's start.
 */
public class LoudnessWatch extends ExpiringState {
    public static final long NONE = Long.MIN_VALUE;

    public LoudnessMeter meter = new LoudnessMeter();
    /** Media µs of the first block of the current run of momentary readings above the upper bound; NONE outside one. */
    public long aboveSinceUs = NONE;
    /** The same below the lower bound (digital silence included). */
    public long belowSinceUs = NONE;

    public LoudnessWatch() {}

    /** Follows the momentary reading of the block at {@code blockUs} against the bounds. */
    void follow(double momentaryLufs, long blockUs, double minLufs, double maxLufs) {
        boolean above = momentaryLufs > maxLufs;
        boolean below = momentaryLufs < minLufs || momentaryLufs == Double.NEGATIVE_INFINITY;
        aboveSinceUs = above ? (aboveSinceUs == NONE ? blockUs : aboveSinceUs) : NONE;
        belowSinceUs = below ? (belowSinceUs == NONE ? blockUs : belowSinceUs) : NONE;
    }

    /**
     * Where a violation shown by the short-term reading at {@code nowUs} began: the start of the momentary run on the
     * same side, but no earlier than the short-term window reaches back; {@code nowUs} without such a run.
     */
    long violationStartUs(boolean aboveBound, long nowUs, long windowUs) {
        long since = aboveBound ? aboveSinceUs : belowSinceUs;
        return since == NONE ? nowUs : Math.max(since, nowUs - windowUs);
    }
}
