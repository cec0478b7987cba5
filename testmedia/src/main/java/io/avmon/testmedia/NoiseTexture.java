package io.avmon.testmedia;

import java.util.SplittableRandom;

/**
 * A tileable, photograph-like colour texture: multi-octave value noise (cells from 128 down to 2 pixels, amplitude
 * halving per octave) for luma, lower-frequency noise for chroma, with a per-texture colour cast. Built once per
 * clip and then sampled with pan and zoom, so each frame costs one table lookup per sample.
 */
final class NoiseTexture {
    static final int SIZE = 1024;
    static final int MASK = SIZE - 1;
    static final int CHROMA_SIZE = SIZE / 2;
    static final int CHROMA_MASK = CHROMA_SIZE - 1;

    /** Luma, SIZE x SIZE, limited-range codes about 20..235. */
    final byte[] luma;
    /** Cb and Cr, CHROMA_SIZE x CHROMA_SIZE. */
    final byte[] cb;

    final byte[] cr;
    final double lumaMean;

    NoiseTexture(long seed, int cbCast, int crCast) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] y = fractalNoise(SIZE, new int[] {128, 64, 32, 16, 8, 4, 2}, random);
        float[] u = fractalNoise(CHROMA_SIZE, new int[] {128, 64, 32}, random);
        float[] v = fractalNoise(CHROMA_SIZE, new int[] {128, 64, 32}, random);
        luma = new byte[SIZE * SIZE];
        double sum = 0;
        float[] range = minMax(y);
        for (int i = 0; i < y.length; i++) {
            // Stretch to 20..235 with a mild S-curve so there are bright highlights and dark shadows.
            double n = (y[i] - range[0]) / (range[1] - range[0]);
            n = n * n * (3 - 2 * n);
            int code = (int) Math.round(20 + 215 * n);
            luma[i] = (byte) code;
            sum += code;
        }
        lumaMean = sum / luma.length;
        cb = toChroma(u, cbCast, 45);
        cr = toChroma(v, crCast, 45);
    }

    private static byte[] toChroma(float[] noise, int cast, int swing) {
        float[] range = minMax(noise);
        byte[] out = new byte[noise.length];
        for (int i = 0; i < noise.length; i++) {
            double n = (noise[i] - range[0]) / (range[1] - range[0]) * 2 - 1;
            out[i] = (byte) clamp((int) Math.round(128 + cast + swing * n), 16, 240);
        }
        return out;
    }

    /** Tileable value noise: a random lattice per octave, period dividing size, smoothstep-interpolated. */
    private static float[] fractalNoise(int size, int[] cellSizes, SplittableRandom random) {
        float[] out = new float[size * size];
        float amplitude = 1f;
        for (int cell : cellSizes) {
            int lattice = size / cell;
            float[] values = new float[lattice * lattice];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble();
            }
            float[] weights = new float[cell];
            for (int i = 0; i < cell; i++) {
                float f = (float) i / cell;
                weights[i] = f * f * (3 - 2 * f);
            }
            for (int py = 0; py < size; py++) {
                int ly = py / cell;
                int ly1 = (ly + 1) % lattice;
                float wy = weights[py % cell];
                int row = py * size;
                for (int px = 0; px < size; px++) {
                    int lx = px / cell;
                    int lx1 = (lx + 1) % lattice;
                    float wx = weights[px % cell];
                    float top =
                            values[ly * lattice + lx] + (values[ly * lattice + lx1] - values[ly * lattice + lx]) * wx;
                    float bottom = values[ly1 * lattice + lx]
                            + (values[ly1 * lattice + lx1] - values[ly1 * lattice + lx]) * wx;
                    out[row + px] += amplitude * (top + (bottom - top) * wy);
                }
            }
            amplitude *= 0.62f;
        }
        return out;
    }

    private static float[] minMax(float[] values) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new float[] {min, max};
    }

    static int clamp(int value, int min, int max) {
        return value < min ? min : Math.min(value, max);
    }
}
