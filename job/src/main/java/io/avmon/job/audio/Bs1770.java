package io.avmon.job.audio;

import io.avmon.schema.ChannelLevels;
import java.util.List;

/**
 * ITU-R BS.1770-4 loudness from the converter's 100 ms blocks, whose channels carry the K-weighted mean square
 * already. Shared by the LoudnessDetector and the StreamHealth window, so both read the same number.
 *
 * <p>Loudness of a stretch = -0.691 + 10 log10(Σ_ch G_ch · z_ch), z_ch the channel's K-weighted mean square over
 * the stretch, G = 1.0 for L, R, C, 1.41 for surrounds, 0 for LFE. Because every block has the same length,
 * z over n blocks is the mean of the blocks' z, so momentary (400 ms) and short-term (3 s) loudness are means of
 * the last 4 and 30 block sums (EBU Tech 3341: both updated every 100 ms).
 */
public final class Bs1770 {
    private Bs1770() {}

    /** Momentary loudness: 400 ms of 100 ms blocks (EBU Tech 3341). Also BS.1770's gating block. */
    public static final int MOMENTARY_BLOCKS = 4;
    /** Short-term loudness: 3 s of 100 ms blocks (EBU Tech 3341). */
    public static final int SHORT_TERM_BLOCKS = 30;
    /** BS.1770-4 absolute gate: gating blocks at or below it never count, and such audio has no loudness. */
    public static final double ABSOLUTE_GATE_LUFS = -70.0;
    /** BS.1770-4 relative gate, below the absolute-gated loudness. */
    public static final double RELATIVE_GATE_LU = -10.0;
    /** The K-weighting filter's gain at 1 kHz, which BS.1770 takes off so a 1 kHz tone reads its own level. */
    private static final double K_WEIGHTING_OFFSET_DB = -0.691;

    /** BS.1770 weight of channel {@code index} of {@code count}: LFE 0, surrounds 1.41, the rest 1. */
    public static double channelWeight(int index, int count) {
        if (ChannelLayout.isLfe(index, count)) return 0.0;
        if (ChannelLayout.isSurround(index, count)) return 1.41;
        return 1.0;
    }

    /** Σ_ch G_ch · kWeightedMeanSquare of one block. */
    public static double weightedMeanSquare(List<ChannelLevels> channels) {
        double sum = 0;
        int count = channels.size();
        for (int c = 0; c < count; c++) {
            sum += channelWeight(c, count) * channels.get(c).getKWeightedMeanSquare();
        }
        return sum;
    }

    /** Loudness in LUFS of a channel-weighted mean square; -infinity for digital silence. */
    public static double loudness(double weightedMeanSquare) {
        return K_WEIGHTING_OFFSET_DB + 10 * Math.log10(weightedMeanSquare);
    }

    /** The channel-weighted mean square that reads {@code lufs}: the inverse of {@link #loudness}. */
    public static double weightedMeanSquare(double lufs) {
        return Math.pow(10, (lufs - K_WEIGHTING_OFFSET_DB) / 10);
    }

    /**
     * Mean of the newest {@code blocks} entries of a ring written {@code written} times (slot {@code i % length}).
     * NaN when fewer than {@code blocks} have been written or the ring is too short.
     */
    public static double recentMean(double[] ring, long written, int blocks) {
        if (blocks <= 0 || written < blocks || blocks > ring.length) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 1; i <= blocks; i++) {
            sum += ring[(int) ((written - i) % ring.length)];
        }
        return sum / blocks;
    }
}
