package io.avmon.job.detect;

import io.avmon.job.audio.Bs1770;
import io.avmon.job.audio.LoudnessMeter;

/**
 * A stream's loudness state (a Flink POJO): the meter, and since when the sound has been above or below the bounds.
 * Short-term loudness averages 3 s, so it crosses a bound up to 3 s after the programme did; the momentary (400 ms)
 * reading crosses within 400 ms and dates the violation's start.
 *
 * <p>A run starts at a block whose momentary reading is outside a bound, and lasts while the loudness of the sound
 * since then (from that block's momentary window, at most the short-term window back) stays outside it. Not while
 * each momentary reading does: programme's momentary loudness falls between phrases, and a loud passage with a
 * pause before its short-term reading crossed would otherwise be dated from after the pause, up to 3 s late. A lone
 * loud word in programme within the bounds still ends its run within a second or so, once the sound after it has
 * pulled the loudness since it back inside.
 */
public class LoudnessWatch extends ExpiringState {
    public static final long NONE = Long.MIN_VALUE;

    public LoudnessMeter meter = new LoudnessMeter();
    /** Media µs of the first block of the current run above the upper bound; NONE outside one. */
    public long aboveSinceUs = NONE;
    /** The meter's block count once that block was fed. */
    public long aboveSinceBlock;
    /** Media µs of the first block of the current run below the lower bound (digital silence included); NONE outside one. */
    public long belowSinceUs = NONE;
    /** The meter's block count once that block was fed. */
    public long belowSinceBlock;

    public LoudnessWatch() {}

    /** Follows the meter, just fed the block at {@code blockUs}, against the bounds. */
    void follow(long blockUs, double minLufs, double maxLufs) {
        double momentary = meter.momentaryLufs();
        if (aboveSinceUs != NONE && !(loudnessSince(aboveSinceBlock) > maxLufs)) {
            aboveSinceUs = NONE;
        }
        if (aboveSinceUs == NONE && momentary > maxLufs) {
            aboveSinceUs = blockUs;
            aboveSinceBlock = meter.blocks;
        }
        // Digital silence reads -infinity, below any bound; NaN (under 400 ms of sound) starts no run.
        if (belowSinceUs != NONE && !(loudnessSince(belowSinceBlock) < minLufs)) {
            belowSinceUs = NONE;
        }
        if (belowSinceUs == NONE && momentary < minLufs) {
            belowSinceUs = blockUs;
            belowSinceBlock = meter.blocks;
        }
    }

    /**
     * Loudness of the sound since the run that began once the meter had {@code sinceBlock} blocks: its first block's
     * momentary window and every block after, at most the short-term window.
     */
    private double loudnessSince(long sinceBlock) {
        long blocks = meter.blocks - sinceBlock + Bs1770.MOMENTARY_BLOCKS;
        return Bs1770.loudness(Bs1770.recentMean(
                meter.blockMeanSquares, meter.blocks, (int) Math.min(blocks, Bs1770.SHORT_TERM_BLOCKS)));
    }

    /**
     * Where a violation shown by the short-term reading at {@code nowUs} began: the start of the run on the same
     * side, but no earlier than the short-term window reaches back; {@code nowUs} without such a run.
     */
    long violationStartUs(boolean aboveBound, long nowUs, long windowUs) {
        long since = aboveBound ? aboveSinceUs : belowSinceUs;
        return since == NONE ? nowUs : Math.max(since, nowUs - windowUs);
    }
}
