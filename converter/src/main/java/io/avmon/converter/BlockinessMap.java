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
    private int width = -1;
    private int height = -1;
    private int[] cellRowOffset = new int[0];
    /**
     * Per cell column, where its samples end: {@code verticalEdgeEnd[c]} is the first block-boundary column (8, 16, ...)
     * past cell column c, {@code horizontalSampleEnd[c]} the first sampled column (every 2nd) past it. Sums then run
     * over each cell's stretch of a row in locals: adding into the cell arrays sample by sample chained every add
     * through memory, and cost more than the arithmetic.
     */
    private final int[] verticalEdgeEnd = new int[GRID];

    private final int[] horizontalSampleEnd = new int[GRID];

    /** Measures one picture; returns the whole picture's blockiness and keeps the cells' for {@link #cells()}. */
    double measure(byte[] luma, int w, int h) {
        if (w != width || h != height) {
            resize(w, h);
        }
        Arrays.fill(boundary, 0);
        Arrays.fill(inner, 0);
        Arrays.fill(count, 0);
        // Vertical block edges (columns 8k-1|8k), on every 2nd row.
        for (int y = 0; y < h; y += STEP) {
            int row = y * w;
            int cells = cellRowOffset[y];
            int x = 8;
            for (int c = 0; c < GRID; c++) {
                int end = verticalEdgeEnd[c];
                int start = x;
                int boundarySum = 0;
                int innerSum = 0;
                for (; x < end; x += 8) {
                    boundarySum += Math.abs((luma[row + x] & 0xFF) - (luma[row + x - 1] & 0xFF));
                    innerSum += Math.abs((luma[row + x + 4] & 0xFF) - (luma[row + x + 3] & 0xFF));
                }
                boundary[cells + c] += boundarySum;
                inner[cells + c] += innerSum;
                count[cells + c] += (x - start) / 8;
            }
        }
        // Horizontal block edges (rows 8k-1|8k), on every 2nd column.
        for (int y = 8; y + 4 < h; y += 8) {
            int row = y * w;
            int above = row - w;
            int mid = row + 4 * w;
            int midAbove = row + 3 * w;
            int cells = cellRowOffset[y];
            int x = 0;
            for (int c = 0; c < GRID; c++) {
                int end = horizontalSampleEnd[c];
                int start = x;
                int boundarySum = 0;
                int innerSum = 0;
                for (; x < end; x += STEP) {
                    boundarySum += Math.abs((luma[row + x] & 0xFF) - (luma[above + x] & 0xFF));
                    innerSum += Math.abs((luma[mid + x] & 0xFF) - (luma[midAbove + x] & 0xFF));
                }
                boundary[cells + c] += boundarySum;
                inner[cells + c] += innerSum;
                count[cells + c] += (x - start) / STEP;
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

    /** Cell of each row, and where each cell column's samples end; once per picture size. */
    private void resize(int w, int h) {
        width = w;
        height = h;
        cellRowOffset = new int[h];
        for (int y = 0; y < h; y++) {
            cellRowOffset[y] = (y * GRID / h) * GRID;
        }
        // Sample x lies in cell column x * GRID / w; a column's samples end where the next column's begin.
        int edge = 8;
        int sample = 0;
        for (int c = 0; c < GRID; c++) {
            while (edge + 4 < w && edge * GRID / w <= c) {
                edge += 8;
            }
            verticalEdgeEnd[c] = edge;
            while (sample < w && sample * GRID / w <= c) {
                sample += STEP;
            }
            horizontalSampleEnd[c] = sample;
        }
    }

    /** The last picture's cells, row-major from the top left, each encoded as {@link #CELL_SCALE} times its blockiness. */
    byte[] cells() {
        return encodeCells(boundary, inner, count);
    }

    /** Each cell's blockiness from its sums, encoded as {@link #CELL_SCALE} times it. */
    static byte[] encodeCells(long[] boundary, long[] inner, long[] count) {
        byte[] encoded = new byte[GRID * GRID];
        for (int cell = 0; cell < encoded.length; cell++) {
            encoded[cell] =
                    (byte) Math.min(255, Math.round(ratio(boundary[cell], inner[cell], count[cell]) * CELL_SCALE));
        }
        return encoded;
    }

    static double ratio(long boundary, long inner, long count) {
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
