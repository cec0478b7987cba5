package io.avmon.job;

import static io.avmon.testmedia.TestCard.BLACK;
import static io.avmon.testmedia.TestCard.BLUE;
import static io.avmon.testmedia.TestCard.CYAN;
import static io.avmon.testmedia.TestCard.GREEN;
import static io.avmon.testmedia.TestCard.RED;
import static io.avmon.testmedia.TestCard.SEVEN_BARS;
import static io.avmon.testmedia.TestCard.WHITE;
import static io.avmon.testmedia.TestCard.YELLOW;

import io.avmon.testmedia.TestCard;
import io.avmon.testmedia.TestCard.Rgb;
import java.util.Random;

/**
 * Pictures drawn in RGB, converted to limited-range Y'CbCr (BT.709 unless told) and area-averaged to the converter's
 * thumbnails, as the converter would see them: bars straddling a thumbnail column come out as blends. Colour bars
 * after SMPTE EG 1, EBU Tech 3325 (100/75) and ARIB STD-B28 / SMPTE RP 219, and colourful pictures that are not bars.
 */
public final class TestPatterns {
    private TestPatterns() {}

    /** The bar patterns the clips carry, so the detector is tested on the very pictures the end-to-end tests encode. */
    public static final Rgb SMPTE = TestCard.SMPTE;

    public static final Rgb EBU = TestCard.EBU;
    public static final Rgb ARIB = TestCard.ARIB;

    /** {@code pattern} pillarboxed at 4:3 in a 16:9 frame (black pillars of 1/8 width each side). */
    public static Rgb pillarboxed(Rgb pattern) {
        return (x, y) -> x < 0.125 || x >= 0.875 ? BLACK : pattern.at((x - 0.125) / 0.75, y);
    }

    /** {@code pattern} with a white channel logo in the top right corner (6% x 10% of the picture). */
    public static Rgb withLogo(Rgb pattern) {
        return (x, y) -> x >= 0.88 && x < 0.94 && y >= 0.05 && y < 0.15 ? WHITE : pattern.at(x, y);
    }

    /** A static graphic with saturated stripes in hue-wheel (rainbow) order: red, orange, yellow, green, cyan, blue, violet. */
    public static final Rgb RAINBOW_STRIPES = (x, y) -> {
        double[][] stripes = {RED, {0.75, 0.4, 0}, YELLOW, GREEN, CYAN, BLUE, {0.45, 0, 0.75}};
        return stripes[Math.min(6, (int) (x * 7))];
    };

    /** A static slide: a navy background with a 3 x 4 grid of saturated panels in random colours and a white title bar. */
    public static Rgb colourfulSlide(long seed) {
        Random random = new Random(seed);
        double[][] panels = new double[12][];
        for (int i = 0; i < panels.length; i++) {
            panels[i] = SEVEN_BARS[1 + random.nextInt(6)];
        }
        return (x, y) -> {
            if (y < 0.15) return y > 0.05 && y < 0.10 && x > 0.1 && x < 0.7 ? WHITE : new double[] {0.05, 0.05, 0.3};
            double px = (x * 4) % 1;
            double py = ((y - 0.15) / 0.85 * 3) % 1;
            if (px < 0.08 || px > 0.92 || py < 0.08 || py > 0.92) return new double[] {0.05, 0.05, 0.3};
            return panels[Math.min(2, (int) ((y - 0.15) / 0.85 * 3)) * 4 + Math.min(3, (int) (x * 4))];
        };
    }

    /** Saturated colour blobs drifting over a colourful gradient at time {@code t} seconds: a colourful moving scene. */
    public static Rgb colourfulMotion(double t) {
        return (x, y) -> {
            double r = 0.5 + 0.45 * Math.sin(6 * x + 1.3 * t);
            double g = 0.5 + 0.45 * Math.sin(5 * y + 4 * x - 0.9 * t + 2);
            double b = 0.5 + 0.45 * Math.sin(7 * (x + y) + 0.7 * t + 4);
            return new double[] {r, g, b};
        };
    }

    /** The picture's thumbnails and frame measures, with {@code frameDifference} as given. */
    public static Features.Picture picture(Rgb rgb, float frameDifference) {
        return picture(rgb, frameDifference, TestCard.KR_709, TestCard.KB_709);
    }

    /** As {@link #picture(Rgb, float)} with the luma weights kr, kb of the matrix (BT.601: 0.299, 0.114). */
    public static Features.Picture picture(Rgb rgb, float frameDifference, double kr, double kb) {
        int sw = 320;
        int sh = 180;
        double[] ySum = new double[Features.CELLS];
        double[] cbSum = new double[Features.CHROMA_CELLS];
        double[] crSum = new double[Features.CHROMA_CELLS];
        int black = 0;
        double lumaSum = 0;
        double lumaSq = 0;
        for (int sy = 0; sy < sh; sy++) {
            for (int sx = 0; sx < sw; sx++) {
                double[] yCbCr = TestCard.limitedRangeYCbCr(rgb.at((sx + 0.5) / sw, (sy + 0.5) / sh), kr, kb);
                double luma = yCbCr[0];
                double cb = yCbCr[1];
                double cr = yCbCr[2];
                ySum[(sy * Features.THUMB_H / sh) * Features.THUMB_W + sx * Features.THUMB_W / sw] += luma;
                int chroma = (sy * Features.THUMB_H / 2 / sh) * (Features.THUMB_W / 2) + sx * Features.THUMB_W / 2 / sw;
                cbSum[chroma] += cb;
                crSum[chroma] += cr;
                if (luma <= 16 + 0.1 * 219) black++;
                lumaSum += luma;
                lumaSq += luma * luma;
            }
        }
        int n = sw * sh;
        byte[] y = new byte[Features.CELLS];
        byte[] cb = new byte[Features.CHROMA_CELLS];
        byte[] cr = new byte[Features.CHROMA_CELLS];
        double perLuma = (double) n / Features.CELLS;
        double perChroma = (double) n / Features.CHROMA_CELLS;
        for (int i = 0; i < y.length; i++) y[i] = (byte) Math.round(ySum[i] / perLuma);
        for (int i = 0; i < cb.length; i++) {
            cb[i] = (byte) Math.round(cbSum[i] / perChroma);
            cr[i] = (byte) Math.round(crSum[i] / perChroma);
        }
        double mean = lumaSum / n;
        return new Features.Picture((float) black / n, frameDifference, y, cb, cr, false, (float) mean, (float)
                Math.sqrt(Math.max(0, lumaSq / n - mean * mean)));
    }
}
