package io.avmon.job.health;

import io.avmon.job.audio.Bs1770;

/** Running totals of one stream's 10 s health window: a Flink POJO. */
public class HealthAccumulator {
    /** Blocks in BS.1770's short-term (3 s) window at 100 ms per block. */
    public static final int SHORT_TERM_BLOCKS = Bs1770.SHORT_TERM_BLOCKS;

    public int videoFrames;
    public long firstVideoMediaUs = Long.MAX_VALUE;
    public long lastVideoMediaUs = Long.MIN_VALUE;
    public int blackFrames;
    public int frozenFrames;
    public int decodeErrorFrames;
    public int audioBlocks;
    public double silentSeconds;
    /** Channel-weighted K-weighted mean square of the last {@link #SHORT_TERM_BLOCKS} blocks, as a ring. */
    public double[] weightedMeanSquares = new double[SHORT_TERM_BLOCKS];
    /** Blocks written to the ring so far (the next slot is this modulo its length). */
    public int loudnessBlocks;

    public int openDefects;
    public long openDefectTypes;

    public HealthAccumulator() {}
}
