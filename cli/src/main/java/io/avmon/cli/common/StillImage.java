package io.avmon.cli.common;

import io.avmon.schema.Still;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * A defect's {@link Still} (the converter's 32x18 Y'CbCr thumbnail) as a small PNG an operator can look at: in a
 * chat message, a ticket or a browser, as a {@code data:image/png;base64,...} URI that needs no image store.
 *
 * <p>The thumbnail carries no colour matrix, so this one follows what players assume of untagged video: BT.709 for
 * pictures of 720 lines or more, BT.601 below. The picture is upscaled {@value #SCALE}x bilinearly (a 32x18 block
 * mosaic reads worse than a soft picture), to the source's aspect ratio with square pixels assumed.
 */
public final class StillImage {

    /** Output height per thumbnail row: 18 rows become 72, large enough to recognise a scene, a slate or bars. */
    public static final int SCALE = 4;

    /** Pictures this tall or taller are HD, whose colours are BT.709 (ITU-R BT.709); shorter ones SD, BT.601. */
    static final int HD_MIN_LINES = 720;

    private static final String DATA_URI_PREFIX = "data:image/png;base64,";

    /** Luma weights (kr, kb) of the two matrices. */
    private static final double[] BT709 = {0.2126, 0.0722};

    private static final double[] BT601 = {0.299, 0.114};

    private StillImage() {}

    /**
     * The still as a PNG data URI.
     *
     * @throws IllegalArgumentException when its planes do not hold the samples its size says
     */
    public static String dataUri(Still still) {
        return DATA_URI_PREFIX + Base64.getEncoder().encodeToString(png(still));
    }

    static byte[] png(Still still) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            if (!ImageIO.write(image(still), "png", out)) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a PNG in memory", e);
        }
        return out.toByteArray();
    }

    /** The still in RGB, upscaled. */
    static BufferedImage image(Still still) {
        int width = still.getWidth();
        int height = still.getHeight();
        int chromaWidth = width / 2;
        int chromaHeight = height / 2;
        byte[] luma = plane(still.getLuma(), width, height, "luma");
        byte[] cb = plane(still.getCb(), chromaWidth, chromaHeight, "Cb");
        byte[] cr = plane(still.getCr(), chromaWidth, chromaHeight, "Cr");
        double[] matrix = still.getSourceHeight() >= HD_MIN_LINES ? BT709 : BT601;
        double kr = matrix[0];
        double kb = matrix[1];
        // Limited range: luma 16-235 and chroma 16-240 around 128; full range: 0-255 for both.
        double lumaBlack = still.getFullRange() ? 0 : 16;
        double lumaSpan = still.getFullRange() ? 255 : 219;
        double chromaSpan = still.getFullRange() ? 255 : 224;

        int outHeight = height * SCALE;
        int outWidth = still.getSourceWidth() > 0 && still.getSourceHeight() > 0
                ? Math.max(1, (int) Math.round((double) outHeight * still.getSourceWidth() / still.getSourceHeight()))
                : width * SCALE;
        BufferedImage image = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_RGB);
        for (int oy = 0; oy < outHeight; oy++) {
            double v = (oy + 0.5) / outHeight;
            for (int ox = 0; ox < outWidth; ox++) {
                double u = (ox + 0.5) / outWidth;
                double y = (bilinear(luma, width, height, u, v) - lumaBlack) / lumaSpan;
                double pb = (bilinear(cb, chromaWidth, chromaHeight, u, v) - 128) / chromaSpan;
                double pr = (bilinear(cr, chromaWidth, chromaHeight, u, v) - 128) / chromaSpan;
                double r = y + 2 * (1 - kr) * pr;
                double b = y + 2 * (1 - kb) * pb;
                double g = (y - kr * r - kb * b) / (1 - kr - kb);
                image.setRGB(ox, oy, level(r) << 16 | level(g) << 8 | level(b));
            }
        }
        return image;
    }

    /** The plane's sample at normalised (u, v), interpolated between the four nearest sample centres. */
    private static double bilinear(byte[] plane, int width, int height, double u, double v) {
        double x = Math.max(0, Math.min(width - 1, u * width - 0.5));
        double y = Math.max(0, Math.min(height - 1, v * height - 0.5));
        int x0 = (int) x;
        int y0 = (int) y;
        int x1 = Math.min(width - 1, x0 + 1);
        int y1 = Math.min(height - 1, y0 + 1);
        double fx = x - x0;
        double fy = y - y0;
        double top = sample(plane, width, x0, y0) * (1 - fx) + sample(plane, width, x1, y0) * fx;
        double bottom = sample(plane, width, x0, y1) * (1 - fx) + sample(plane, width, x1, y1) * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static int sample(byte[] plane, int width, int x, int y) {
        return plane[y * width + x] & 0xFF;
    }

    private static int level(double value) {
        return (int) Math.round(Math.max(0, Math.min(1, value)) * 255);
    }

    private static byte[] plane(ByteBuffer samples, int width, int height, String name) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("still has no picture: " + name + " plane " + width + "x" + height);
        }
        if (samples == null || samples.remaining() != width * height) {
            throw new IllegalArgumentException("still's " + name + " plane holds "
                    + (samples == null ? 0 : samples.remaining()) + " samples, not " + width + "x" + height);
        }
        byte[] bytes = new byte[width * height];
        samples.duplicate().get(bytes);
        return bytes;
    }
}
