package io.avmon.converter;

import java.util.Arrays;

/**
 * Blockiness of the whole picture and of each cell of a {@value #GRID}x{@value #GRID} grid, in one pass: the mean
 * |luma gradient| across the 8x8 block boundaries (columns 8k-1|8k on every 2nd row, rows 8k-1|8k on every 2nd
 * column) over the mean |gradient| at mid-block (offsets 3|4). About 1 means no blocking; a flat area reports 1.
 * The grid says how much of the picture a burst of blocking covers, which the whole-picture figure cannot.
 * Sums are reused from frame to frame; only the cells' 16-byte encoding is allocated.
 */
final class BlockinessMap {
    static final int GRID = 4;
    /** A cell's byte is its blockiness times this, rounded and capped at 255 (so 0-7.97 in steps of 1/32). */
    static final double CELL_SCALE = 32;

    private static final int STEP = VideoFeatureExtractor.STEP;
    /** Below this mean gradient (in levels) an area is too flat to say anything about blocking. */
    private static final double FLAT_GRADIENT = 0.05;

    private final long[] boundary = new long[GRID * GRID];
    private final long[] inner = new long[GRID * GRID];
    private final long[] count = new long[GRID * GRID];
    private int[] cellColumn = new int[0];
    private int[] cellRowOffset = new int[0];

    /** Measures one picture; returns the whole picture's blockiness and keeps the cells' for {@link #cells()}. */
    double measure(byte[] luma, int w, int h) {
        if (cellColumn.length != w || cellRowOffset.length != h) {
            cellColumn = new int[w];
            for (int x = 0; x < w; x++) {
                cellColumn[x] = x * GRID / w;
            }
            cellRowOffset = new int[h];
            for (int y = 0; y < h; y++) {
                cellRowOffset[y] = (y * GRID / h) * GRID;
            }
        }
        Arrays.fill(boundary, 0);
        Arrays.fill(inner, 0);
        Arrays.fill(count, 0);
        for (int y = 0; y < h; y += STEP) {
            int row = y * w;
            int cells = cellRowOffset[y];
            for (int x = 8; x + 4 < w; x += 8) {
                int cell = cells + cellColumn[x];
                boundary[cell] += Math.abs((luma[row + x] & 0xFF) - (luma[row + x - 1] & 0xFF));
                inner[cell] += Math.abs((luma[row + x + 4] & 0xFF) - (luma[row + x + 3] & 0xFF));
                count[cell]++;
            }
        }
        for (int y = 8; y + 4 < h; y += 8) {
            int row = y * w;
            int above = row - w;
            int mid = row + 4 * w;
            int midAbove = row + 3 * w;
            int cells = cellRowOffset[y];
            for (int x = 0; x < w; x += STEP) {
                int cell = cells + cellColumn[x];
                boundary[cell] += Math.abs((luma[row + x] & 0xFF) - (luma[above + x] & 0xFF));
                inner[cell] += Math.abs((luma[mid + x] & 0xFF) - (luma[midAbove + x] & 0xFF));
                count[cell]++;
            }
        }
        long b = 0;
        long i = 0;
        long n = 0;
        for (int cell = 0; cell < GRID * GRID; cell++) {
            b += boundary[cell];
            i += inner[cell];
            n += count[cell];
        }
        return ratio(b, i, n);
    }

    /** The last picture's cells, row-major from the top left, each encoded as {@link #CELL_SCALE} times its blockiness. */
    byte[] cells() {
        byte[] encoded = new byte[GRID * GRID];
        for (int cell = 0; cell < encoded.length; cell++) {
            encoded[cell] =
                    (byte) Math.min(255, Math.round(ratio(boundary[cell], inner[cell], count[cell]) * CELL_SCALE));
        }
        return encoded;
    }

    private static double ratio(long boundary, long inner, long count) {
        if (count == 0) {
            return 1;
        }
        double boundaryMean = (double) boundary / count;
        double innerMean = (double) inner / count;
        if (boundaryMean < FLAT_GRADIENT && innerMean < FLAT_GRADIENT) {
            return 1;
        }
        return boundaryMean / Math.max(innerMean, FLAT_GRADIENT);
    }
}
