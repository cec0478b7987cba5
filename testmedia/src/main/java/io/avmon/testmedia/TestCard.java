package io.avmon.testmedia;

/**
 * Still pictures drawn in RGB and painted as limited-range BT.709 Y'CbCr 4:2:0: colour bars after SMPTE EG 1 and
 * EBU Tech 3325 (100/75), and a colourful graphic that is not bars.
 */
public final class TestCard {
    private TestCard() {}

    /** An RGB picture, 0-1 per primary, at normalised (x, y) in [0,1). */
    public interface Rgb {
        double[] at(double x, double y);
    }

    // The bar colours, 0-1 per primary (75% amplitude, as in 100/75 and SMPTE bars). Shared with the job's
    // detector tests, which draw their own pictures in them; never modify the arrays.
    public static final double[] GREY75 = {0.75, 0.75, 0.75};
    public static final double[] YELLOW = {0.75, 0.75, 0};
    public static final double[] CYAN = {0, 0.75, 0.75};
    public static final double[] GREEN = {0, 0.75, 0};
    public static final double[] MAGENTA = {0.75, 0, 0.75};
    public static final double[] RED = {0.75, 0, 0};
    public static final double[] BLUE = {0, 0, 0.75};
    public static final double[] BLACK = {0, 0, 0};
    public static final double[] WHITE = {1, 1, 1};
    public static final double[][] SEVEN_BARS = {GREY75, YELLOW, CYAN, GREEN, MAGENTA, RED, BLUE};

    /** BT.709 luma weights (kr, kb). */
    public static final double KR_709 = 0.2126;

    public static final double KB_709 = 0.0722;

    /**
     * An RGB colour (0-1 per primary) as limited-range 8-bit Y', Cb, Cr (16-235, 16-240) for the matrix with luma
     * weights {@code kr} and {@code kb}, unrounded.
     */
    public static double[] limitedRangeYCbCr(double[] rgb, double kr, double kb) {
        double luma = kr * rgb[0] + (1 - kr - kb) * rgb[1] + kb * rgb[2];
        return new double[] {
            16 + 219 * luma, 128 + 224 * (rgb[2] - luma) / (2 * (1 - kb)), 128 + 224 * (rgb[0] - luma) / (2 * (1 - kr))
        };
    }

    /** SMPTE EG 1: seven 75% bars over 67% of the height, reverse castellations, then -I, white, +Q, black, PLUGE. */
    public static final Rgb SMPTE = (x, y) -> {
        int bar = Math.min(6, (int) (x * 7));
        if (y < 0.67) return SEVEN_BARS[bar];
        if (y < 0.75) return bar % 2 == 1 ? BLACK : SEVEN_BARS[6 - bar];
        if (x < 5 / 28.0) return new double[] {0, 0.25, 0.42};
        if (x < 10 / 28.0) return WHITE;
        if (x < 15 / 28.0) return new double[] {0.25, 0, 0.42};
        if (x > 0.75 && x < 0.79) return new double[] {0.04, 0.04, 0.04};
        return BLACK;
    };

    /** EBU 100/75: white at 100%, then the six colours and black at 75%, full height. */
    public static final Rgb EBU = (x, y) -> {
        double[][] bars = {WHITE, YELLOW, CYAN, GREEN, MAGENTA, RED, BLUE, BLACK};
        return bars[Math.min(7, (int) (x * 8))];
    };

    /** ARIB STD-B28 (SMPTE RP 219) HD bars: 40% grey pillars of 1/8 width, seven 75% bars between, over 7/12 height. */
    public static final Rgb ARIB = (x, y) -> {
        double[] pillar = {0.4, 0.4, 0.4};
        if (x < 1 / 8.0 || x >= 7 / 8.0) {
            if (y < 7 / 12.0) return pillar;
            return y < 8 / 12.0 ? (x < 0.5 ? new double[] {0, 1, 1} : new double[] {0, 0, 1}) : BLACK;
        }
        int bar = Math.min(6, (int) ((x - 1 / 8.0) / (0.75 / 7)));
        if (y < 7 / 12.0) return SEVEN_BARS[bar];
        if (y < 8 / 12.0) return WHITE;
        if (y < 9 / 12.0) return new double[] {x, x, x};
        return BLACK;
    };

    /** A station graphic: saturated stripes in rainbow (hue-wheel) order over a navy strip for a ticker. */
    static final Rgb RAINBOW = (x, y) -> {
        if (y >= SlideTicker.TOP) return new double[] {0.05, 0.05, 0.3};
        double[][] stripes = {RED, {0.75, 0.4, 0}, YELLOW, GREEN, CYAN, BLUE, {0.45, 0, 0.75}};
        return stripes[Math.min(6, (int) (x * 7))];
    };

    /** The ticker of the rainbow slide: white blocks crawling right to left in the bottom strip. */
    static final class SlideTicker {
        static final double TOP = 0.9;
        static final int BLOCK = 16;
        static final int PIXELS_PER_FRAME = 2;

        private SlideTicker() {}
    }

    /** Paints {@code rgb} into a YUV 4:2:0 frame (Y, then Cb, then Cr, limited range, BT.709). */
    static void paint(byte[] frame, int width, int height, Rgb rgb) {
        int chromaWidth = width / 2;
        int lumaSize = width * height;
        int chromaSize = chromaWidth * (height / 2);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double[] yCbCr = limitedRangeYCbCr(rgb.at((x + 0.5) / width, (y + 0.5) / height), KR_709, KB_709);
                frame[y * width + x] = (byte) Math.round(yCbCr[0]);
            }
        }
        for (int y = 0; y < height / 2; y++) {
            for (int x = 0; x < chromaWidth; x++) {
                // The chroma sample covers a 2x2 block of luma: average the four.
                double cb = 0;
                double cr = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        double[] yCbCr = limitedRangeYCbCr(
                                rgb.at((2 * x + dx + 0.5) / width, (2 * y + dy + 0.5) / height), KR_709, KB_709);
                        cb += yCbCr[1];
                        cr += yCbCr[2];
                    }
                }
                frame[lumaSize + y * chromaWidth + x] = (byte) Math.round(cb / 4);
                frame[lumaSize + chromaSize + y * chromaWidth + x] = (byte) Math.round(cr / 4);
            }
        }
    }
}
