package io.avmon.job.audio;

/**
 * One stream's BS.1770-4 / EBU R128 meter, fed one 100 ms block at a time: a Flink POJO kept as keyed state.
 * Its size is fixed whatever the programme length (about 3.3 KB):
 * <ul>
 *   <li>a ring of the last 30 blocks' channel-weighted mean squares, for momentary (4 blocks) and short-term
 *       (30 blocks) loudness;</li>
 *   <li>a histogram of momentary loudness in 0.1 LU bins from -70 to +5 LUFS, for gated integrated loudness.
 *       BS.1770's gating blocks are 400 ms with 75% overlap, i.e. exactly the momentary value after each 100 ms
 *       block. A bin stands for its centre (a multiple of 0.1 LU), so each block's level is off by at most
 *       0.05 LU and so is the integrated value: inside EBU Tech 3341's ±0.1 LU. Louder than +5 LUFS (only
 *       possible with surrounds near full scale) counts in the top bin.</li>
 * </ul>
 * Integrated loudness is over everything the meter has seen since the stream (or the state) began.
 */
public class LoudnessMeter {
    public static final double HISTOGRAM_FLOOR_LUFS = Bs1770.ABSOLUTE_GATE_LUFS;
    public static final double HISTOGRAM_CEILING_LUFS = 5.0;
    public static final double BIN_LU = 0.1;
    public static final int BINS = (int) Math.round((HISTOGRAM_CEILING_LUFS - HISTOGRAM_FLOOR_LUFS) / BIN_LU) + 1;

    /** Weighted mean square of each bin's centre level, so integrating needs no pow per record. */
    private static final double[] BIN_MEAN_SQUARE = new double[BINS];

    static {
        for (int bin = 0; bin < BINS; bin++) {
            BIN_MEAN_SQUARE[bin] = Bs1770.weightedMeanSquare(binCentreLufs(bin));
        }
    }

    /** Channel-weighted mean square of the last {@link Bs1770#SHORT_TERM_BLOCKS} blocks, as a ring. */
    public double[] blockMeanSquares = new double[Bs1770.SHORT_TERM_BLOCKS];
    /** Blocks fed so far (the next ring slot is this modulo the ring length). */
    public long blocks;
    /** Gating blocks (momentary values above the absolute gate) per 0.1 LU bin. */
    public int[] gatingHistogram = new int[BINS];

    public LoudnessMeter() {}

    /** Feeds one block's Σ G·z ({@link Bs1770#weightedMeanSquare(java.util.List)}). */
    public void add(double weightedMeanSquare) {
        blockMeanSquares[(int) (blocks % blockMeanSquares.length)] = weightedMeanSquare;
        blocks++;
        double momentary = momentaryLufs();
        if (momentary > Bs1770.ABSOLUTE_GATE_LUFS) {
            gatingHistogram[bin(momentary)]++;
        }
    }

    /** Loudness of the last 400 ms, LUFS; NaN before 4 blocks, -infinity for digital silence. */
    public double momentaryLufs() {
        return Bs1770.loudness(Bs1770.recentMean(blockMeanSquares, blocks, Bs1770.MOMENTARY_BLOCKS));
    }

    /** Loudness of the last 3 s, LUFS; NaN before 30 blocks, -infinity for digital silence. */
    public double shortTermLufs() {
        return Bs1770.loudness(Bs1770.recentMean(blockMeanSquares, blocks, Bs1770.SHORT_TERM_BLOCKS));
    }

    /**
     * BS.1770-4 gated integrated loudness, LUFS: the mean of the gating blocks above the absolute gate gives a
     * level; the relative gate sits 10 LU below it; the result is the mean of the blocks above both gates.
     * NaN while no block has passed the absolute gate (silence has no loudness).
     */
    public double integratedLufs() {
        double sum = 0;
        long count = 0;
        for (int bin = 0; bin < BINS; bin++) {
            int n = gatingHistogram[bin];
            if (n != 0) {
                sum += n * BIN_MEAN_SQUARE[bin];
                count += n;
            }
        }
        if (count == 0) {
            return Double.NaN;
        }
        double relativeGateLufs = Bs1770.loudness(sum / count) + Bs1770.RELATIVE_GATE_LU;
        sum = 0;
        count = 0;
        for (int bin = 0; bin < BINS; bin++) {
            int n = gatingHistogram[bin];
            if (n != 0 && binCentreLufs(bin) > relativeGateLufs) {
                sum += n * BIN_MEAN_SQUARE[bin];
                count += n;
            }
        }
        return count == 0 ? Double.NaN : Bs1770.loudness(sum / count);
    }

    static int bin(double lufs) {
        long bin = Math.round((lufs - HISTOGRAM_FLOOR_LUFS) / BIN_LU);
        return (int) Math.max(0, Math.min(BINS - 1, bin));
    }

    static double binCentreLufs(int bin) {
        return HISTOGRAM_FLOOR_LUFS + bin * BIN_LU;
    }
}
