package io.avmon.job.detect;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Small statistics over the converter's area-averaged 8-bit thumbnails, without allocating. */
final class Thumbnail {
    private Thumbnail() {}

    /** True when {@code plane} holds exactly {@code cells} samples. */
    static boolean isComplete(ByteBuffer plane, int cells) {
        return plane != null && cells > 0 && plane.remaining() == cells;
    }

    /**
     * Fills {@code histogram} (256 bins, cleared first) with the plane's values, or with |value - centre| when
     * {@code centre >= 0}. Returns the number of samples.
     */
    static int histogram(ByteBuffer plane, int[] histogram, int centre) {
        Arrays.fill(histogram, 0);
        int base = plane.position();
        int n = plane.remaining();
        for (int i = 0; i < n; i++) {
            int v = plane.get(base + i) & 0xFF;
            histogram[centre >= 0 ? Math.abs(v - centre) : v]++;
        }
        return n;
    }

    /** The value at quantile {@code q} (0-1) of a histogram holding {@code count} samples. */
    static int quantile(int[] histogram, int count, double q) {
        long rank = Math.min(count - 1, Math.max(0, (long) Math.floor(q * (count - 1))));
        long seen = 0;
        for (int v = 0; v < histogram.length; v++) {
            seen += histogram[v];
            if (seen > rank) {
                return v;
            }
        }
        return histogram.length - 1;
    }

    /** Mean absolute difference between a plane and a reference copy of equal size, in levels. */
    static double meanAbsoluteDifference(ByteBuffer plane, byte[] reference) {
        int base = plane.position();
        long sum = 0;
        for (int i = 0; i < reference.length; i++) {
            sum += Math.abs((plane.get(base + i) & 0xFF) - (reference[i] & 0xFF));
        }
        return (double) sum / reference.length;
    }

    /** Copies the plane into {@code target} (same length), leaving the plane's position untouched. */
    static void copy(ByteBuffer plane, byte[] target) {
        plane.duplicate().get(target);
    }
}
