package io.avmon.testmedia;

import java.util.SplittableRandom;

/**
 * A landscape photograph the project paints itself, so {@link VideoKind#PHOTO_PAN} shows the same pictures on every
 * machine: a sky with soft clouds over three ridges that recede into haze, the content of the nature photographs the
 * accuracy corpus was first measured on. Unlike MOTION's {@link NoiseTexture}, which is one texture everywhere, it has
 * what a photograph has: a smooth sky, occluding edges along the ridges, and textured ground whose contrast grows
 * towards the camera. The ground's texture keeps {@value #GROUND_PERSISTENCE} of its amplitude per octave, down to
 * detail of 2 pixels, near the scale invariance of natural images (about equal energy per octave, Field 1987); the
 * ridges' outlines are rougher at large scale than small (half the amplitude per octave), as mountains are.
 *
 * <p>All arithmetic is plain Java on a seeded {@link SplittableRandom}, so a seed paints the same pixels on every
 * machine and JDK.
 */
final class LandscapePicture {
    /** Ground texture and ridges: lattice cells from 256 down to 2 pixels. */
    private static final int[] DETAIL_CELLS = {256, 128, 64, 32, 16, 8, 4, 2};
    /** Clouds: soft, nothing finer than 8 pixels. */
    private static final int[] CLOUD_CELLS = {512, 256, 128, 64, 32, 16, 8};
    /** Share of the ground texture's amplitude kept from one octave to the next finer one. */
    static final double GROUND_PERSISTENCE = 0.8;
    /** The same for the ridges' outlines and the clouds. */
    private static final double OUTLINE_PERSISTENCE = 0.5;
    /** How far each ridge reads the ground texture from the others, pixels, so the layers do not repeat one another. */
    private static final int LAYER_OFFSET_X = 211;

    private static final int LAYER_OFFSET_Y = 97;

    /**
     * Scenes, each as RGB 0-1: zenith and horizon of the sky, then the dark and light of the ground's material (far
     * ridges take the horizon's haze over it). Summer hills, dunes, rock under overcast, autumn at dusk.
     */
    private static final double[][][] SCENES = {
        {{0.20, 0.42, 0.78}, {0.72, 0.82, 0.92}, {0.08, 0.22, 0.06}, {0.45, 0.62, 0.25}},
        {{0.28, 0.50, 0.85}, {0.85, 0.85, 0.88}, {0.45, 0.30, 0.15}, {0.92, 0.75, 0.50}},
        {{0.55, 0.58, 0.62}, {0.80, 0.80, 0.80}, {0.18, 0.18, 0.20}, {0.62, 0.60, 0.56}},
        {{0.25, 0.20, 0.45}, {0.95, 0.62, 0.38}, {0.20, 0.08, 0.04}, {0.80, 0.45, 0.15}},
    };
    /** Per ridge, far to near: haze towards the horizon colour, and the texture's contrast. */
    private static final double[] HAZE = {0.6, 0.3, 0.0};

    private static final double[] CONTRAST = {1.2, 2.0, 3.0};

    private LandscapePicture() {}

    /** Picture {@code seed}, {@code width} x {@code height}, as packed 0xRRGGBB. */
    static int[] paint(long seed, int width, int height) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        double[][] scene = SCENES[(int) Math.floorMod(seed, SCENES.length)];
        int groundWidth = width + LAYER_OFFSET_X * (HAZE.length - 1);
        float[] ground = fractal(
                groundWidth, height + LAYER_OFFSET_Y * (HAZE.length - 1), DETAIL_CELLS, GROUND_PERSISTENCE, random);
        float[] clouds = fractal(width, height, CLOUD_CELLS, OUTLINE_PERSISTENCE, random);
        double[][] ridges = new double[HAZE.length][];
        for (int layer = 0; layer < ridges.length; layer++) {
            float[] profile = fractal(width, 1, DETAIL_CELLS, OUTLINE_PERSISTENCE, random);
            double base = height * (0.30 + 0.17 * layer + 0.1 * random.nextDouble());
            double swing = height * (0.35 - 0.08 * layer);
            ridges[layer] = new double[width];
            for (int x = 0; x < width; x++) {
                ridges[layer][x] = base + swing * (profile[x] - 0.5);
            }
        }
        int[] packed = new int[width * height];
        double[] pixel = new double[3];
        for (int y = 0; y < height; y++) {
            double up = (double) y / height;
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                // Sky: zenith to horizon, clouds where the soft noise is high.
                double cloud = smoothstep(0.52, 0.72, clouds[i]) * 0.85;
                for (int c = 0; c < 3; c++) {
                    double sky = scene[0][c] + (scene[1][c] - scene[0][c]) * Math.min(1, up * 1.6);
                    pixel[c] = sky + (0.96 - sky) * cloud;
                }
                // Ridges far to near; each covers what lies below its outline, its edge anti-aliased over a pixel.
                for (int layer = 0; layer < ridges.length; layer++) {
                    double coverage = Math.min(1, Math.max(0, y + 0.5 - ridges[layer][x]));
                    if (coverage == 0) {
                        continue;
                    }
                    double texture = ground[(y + LAYER_OFFSET_Y * layer) * groundWidth + x + LAYER_OFFSET_X * layer];
                    double shade = Math.min(1, Math.max(0, 0.5 + CONTRAST[layer] * (texture - 0.5)));
                    for (int c = 0; c < 3; c++) {
                        double material = scene[2][c] + (scene[3][c] - scene[2][c]) * shade;
                        double hazy = material + (scene[1][c] - material) * HAZE[layer];
                        pixel[c] += coverage * (hazy - pixel[c]);
                    }
                }
                packed[i] = channel(pixel[0]) << 16 | channel(pixel[1]) << 8 | channel(pixel[2]);
            }
        }
        return packed;
    }

    /** Value noise over {@code cells}, keeping {@code persistence} of the amplitude per octave, normalised to 0-1. */
    private static float[] fractal(int width, int height, int[] cells, double persistence, SplittableRandom random) {
        float[] out = new float[width * height];
        double amplitude = 1;
        double total = 0;
        for (int cell : cells) {
            int latticeWidth = width / cell + 2;
            int latticeHeight = height / cell + 2;
            float[] lattice = new float[latticeWidth * latticeHeight];
            for (int i = 0; i < lattice.length; i++) {
                lattice[i] = (float) random.nextDouble();
            }
            for (int y = 0; y < height; y++) {
                int ly = y / cell;
                double wy = smoothstep(0, 1, (double) (y % cell) / cell);
                for (int x = 0; x < width; x++) {
                    int lx = x / cell;
                    double wx = smoothstep(0, 1, (double) (x % cell) / cell);
                    int at = ly * latticeWidth + lx;
                    double top = lattice[at] + (lattice[at + 1] - lattice[at]) * wx;
                    double bottom = lattice[at + latticeWidth]
                            + (lattice[at + latticeWidth + 1] - lattice[at + latticeWidth]) * wx;
                    out[y * width + x] += (float) (amplitude * (top + (bottom - top) * wy));
                }
            }
            total += amplitude;
            amplitude *= persistence;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= (float) total;
        }
        return out;
    }

    private static double smoothstep(double from, double to, double value) {
        double t = Math.min(1, Math.max(0, (value - from) / (to - from)));
        return t * t * (3 - 2 * t);
    }

    private static int channel(double value) {
        return (int) Math.round(Math.min(1, Math.max(0, value)) * 255);
    }
}
