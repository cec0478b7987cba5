package io.avmon.converter;

import java.util.Arrays;

/**
 * A picture's noise, in 8-bit levels (a standard deviation), from the luma grid the extractor samples (every 2nd row
 * and column): the median of |3x3 Laplacian| (1 -2 1 / -2 4 -2 / 1 -2 1), over every 2nd grid row, scaled so that
 * white noise of sigma s reads s (the kernel's gain is 6, and a normal variable's median |x| is 0.6745 sigma). The
 * Laplacian cancels flat areas and linear gradients; the median keeps edges and texture, which cover less than half of
 * most pictures, from counting as noise (Immerkaer's mean of the same kernel reads a textured photograph as noisy).
 *
 * <p>The median is read from a histogram of the integer |Laplacian| values and interpolated within its bin, so a
 * picture whose noise the encoder removed reads a fraction of a level rather than 0 or 0.25. One pass, no allocation
 * after the first picture; at 640x360 grid samples it reads 115,000 of them.
 */
final class NoiseEstimate {
    /** |Laplacian| of 8-bit samples is at most 16 x 255. */
    static final int MAX_RESPONSE = 16 * 255;

    private static final double SCALE = 1.0 / (0.6745 * 6);
    private final int[] histogram = new int[MAX_RESPONSE + 1];
    /**
     * A second histogram for every other sample, added into the first at the end: flat areas give runs of equal
     * responses, and incrementing one bin back to back waits on the previous store each time.
     */
    private final int[] oddHistogram = new int[MAX_RESPONSE + 1];
    /** The kernel's column pass over the current row triplet: above - 2 row + below, per column. */
    private int[] columnResponse = new int[0];

    /** Noise of the {@code width} x {@code height} grid, or NaN when it is too small for the kernel. */
    double measure(byte[] grid, int width, int height) {
        if (width < 3 || height < 3) {
            return Double.NaN;
        }
        if (columnResponse.length != width) {
            columnResponse = new int[width];
        }
        Arrays.fill(histogram, 0);
        Arrays.fill(oddHistogram, 0);
        int[] column = columnResponse;
        int count = 0;
        for (int y = 1; y < height - 1; y += 2) {
            int above = (y - 1) * width;
            int row = y * width;
            int below = (y + 1) * width;
            // The kernel is (1 -2 1) down times (1 -2 1) across: the column pass first, then the row pass over it,
            // six reads a sample instead of nine, in the same integers.
            for (int x = 0; x < width; x++) {
                column[x] = (grid[above + x] & 0xFF) - 2 * (grid[row + x] & 0xFF) + (grid[below + x] & 0xFF);
            }
            int x = 1;
            for (; x + 1 < width - 1; x += 2) {
                histogram[Math.abs(column[x - 1] - 2 * column[x] + column[x + 1])]++;
                oddHistogram[Math.abs(column[x] - 2 * column[x + 1] + column[x + 2])]++;
            }
            if (x < width - 1) {
                histogram[Math.abs(column[x - 1] - 2 * column[x] + column[x + 1])]++;
            }
            count += width - 2;
        }
        for (int v = 0; v <= MAX_RESPONSE; v++) {
            histogram[v] += oddHistogram[v];
        }
        return median(histogram, count);
    }

    /** The noise the median of {@code count} |responses} in {@code histogram} reads, interpolated within its bin. */
    static double median(int[] histogram, int count) {
        // Bin v holds the values in [v - 0.5, v + 0.5).
        double half = count / 2.0;
        int below = 0;
        for (int v = 0; v <= MAX_RESPONSE; v++) {
            if (below + histogram[v] >= half) {
                double within = (half - below) / histogram[v];
                return Math.max(0, v - 0.5 + within) * SCALE;
            }
            below += histogram[v];
        }
        return Double.NaN;
    }
}
