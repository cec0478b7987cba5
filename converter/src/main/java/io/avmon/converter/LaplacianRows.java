package io.avmon.converter;

/**
 * {@link NoiseEstimate}'s kernel: the |3x3 Laplacian| (1 -2 1 / -2 4 -2 / 1 -2 1) at each inner sample of one grid row,
 * counted into a histogram. This is the scalar form; {@link #create()} returns the Vector API one
 * ({@code VectorLaplacianRows}) when the JVM has the module. A histogram ignores order, so the vector form may count
 * the samples in any order.
 */
class LaplacianRows {
    static LaplacianRows create() {
        return VectorKernels.pick(LaplacianRows.class, "VectorLaplacianRows", LaplacianRows::new);
    }

    /** Counts the responses of row {@code row} (between {@code above} and {@code below}), each a row's start in grid. */
    void count(byte[] grid, int above, int row, int below, int width, int[] histogram) {
        countFrom(1, grid, above, row, below, width, histogram);
    }

    /** The responses from column {@code first} to {@code width - 2}. */
    final void countFrom(int first, byte[] grid, int above, int row, int below, int width, int[] histogram) {
        for (int x = first; x < width - 1; x++) {
            int response = (grid[above + x - 1] & 0xFF)
                    - 2 * (grid[above + x] & 0xFF)
                    + (grid[above + x + 1] & 0xFF)
                    - 2 * (grid[row + x - 1] & 0xFF)
                    + 4 * (grid[row + x] & 0xFF)
                    - 2 * (grid[row + x + 1] & 0xFF)
                    + (grid[below + x - 1] & 0xFF)
                    - 2 * (grid[below + x] & 0xFF)
                    + (grid[below + x + 1] & 0xFF);
            histogram[Math.abs(response)]++;
        }
    }
}
