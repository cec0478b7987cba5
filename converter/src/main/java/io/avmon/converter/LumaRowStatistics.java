package io.avmon.converter;

/**
 * Sum of squares, min, max, black count and |difference| to the previous frame, of a picture's luma grid, added up
 * row by row. This is the scalar kernel; {@link #create()} returns the Vector API one ({@code VectorLumaRowStatistics},
 * about thirty times faster at 1080p) when the JVM runs with {@code --add-modules jdk.incubator.vector}, as the
 * launcher starts it. Both give the same integers. Reused from frame to frame: {@link #reset()} before each picture.
 */
class LumaRowStatistics {
    long sumSquares;
    long differenceSum;
    int min;
    int max;
    int black;

    /** The Vector API kernel when its incubator module is in the boot layer, else this scalar one. */
    static LumaRowStatistics create() {
        return VectorKernels.pick(LumaRowStatistics.class, "VectorLumaRowStatistics", LumaRowStatistics::new);
    }

    /** Which kernel this is, for benchmark reports. */
    String kernel() {
        return "scalar";
    }

    void reset() {
        sumSquares = 0;
        differenceSum = 0;
        min = 255;
        max = 0;
        black = 0;
    }

    /**
     * Adds the samples {@code from} (inclusive) to {@code to} of {@code current}, compared with the same samples of
     * {@code previous}; a sample is black at or below {@code blackThreshold}.
     */
    void add(byte[] current, byte[] previous, int from, int to, int blackThreshold) {
        long squares = 0;
        long difference = 0;
        int low = min;
        int high = max;
        int blackSamples = 0;
        for (int i = from; i < to; i++) {
            int v = current[i] & 0xFF;
            squares += v * v;
            low = Math.min(low, v);
            high = Math.max(high, v);
            if (v <= blackThreshold) {
                blackSamples++;
            }
            difference += Math.abs(v - (previous[i] & 0xFF));
        }
        sumSquares += squares;
        differenceSum += difference;
        min = low;
        max = high;
        black += blackSamples;
    }
}
