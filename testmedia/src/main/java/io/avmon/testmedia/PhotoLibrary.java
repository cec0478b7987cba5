package io.avmon.testmedia;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The pictures {@link VideoKind#PHOTO_PAN} pans over: by default {@value #GENERATED_COUNT} photographs the project
 * paints itself ({@link LandscapePicture}), the same on every machine, so clips and the figures measured on them do
 * not depend on what a machine has installed. A run may name a directory of its own JPEG and PNG files with the
 * system property {@value #DIRECTORY_PROPERTY} instead; {@link #describe()} says which a run used.
 */
public final class PhotoLibrary {
    public static final String DIRECTORY_PROPERTY = "avmon.photos";
    /** How many generated photographs there are: a different one for each of a clip's segments. */
    static final int GENERATED_COUNT = 12;

    private static final Map<String, PhotoTexture> TEXTURES = new ConcurrentHashMap<>();
    private static volatile List<Path> files;

    private PhotoLibrary() {}

    /** The photographs of {@value #DIRECTORY_PROPERTY}, sorted by name; empty when it is not set. */
    public static List<Path> files() {
        List<Path> found = files;
        if (found == null) {
            String configured = System.getProperty(DIRECTORY_PROPERTY);
            found = configured == null ? List.of() : list(Path.of(configured));
            files = found;
        }
        return found;
    }

    /** One line for a report: which photographs PHOTO_PAN showed. */
    public static String describe() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured == null) {
            return GENERATED_COUNT + " generated landscape photographs (LandscapePicture, the same on every machine)";
        }
        List<Path> found = files();
        if (found.isEmpty()) {
            return "no photographs found in " + configured + " (-D" + DIRECTORY_PROPERTY + "): PHOTO_PAN painted the "
                    + "procedural texture instead";
        }
        return String.format(
                Locale.ROOT, "%d photographs from %s (-D%s)", found.size(), configured, DIRECTORY_PROPERTY);
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> {
                        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Photograph {@code index} (modulo the number there are), scaled so a {@code frameWidth} x {@code frameHeight} view
     * can pan and zoom over it, as limited-range BT.709 Y'CbCr; null when a configured directory has none, or the file
     * cannot be read.
     */
    static PhotoTexture texture(long index, int frameWidth, int frameHeight) {
        if (System.getProperty(DIRECTORY_PROPERTY) == null) {
            int picture = (int) Math.floorMod(index, (long) GENERATED_COUNT);
            return TEXTURES.computeIfAbsent(
                    "generated-" + picture + "@" + frameWidth + "x" + frameHeight,
                    key -> PhotoTexture.generate(picture, frameWidth, frameHeight));
        }
        List<Path> found = files();
        if (found.isEmpty()) {
            return null;
        }
        Path file = found.get((int) Math.floorMod(index, found.size()));
        return TEXTURES.computeIfAbsent(
                file + "@" + frameWidth + "x" + frameHeight, key -> PhotoTexture.load(file, frameWidth, frameHeight));
    }

    /** A photograph as Y'CbCr 4:2:0 planes, {@link #MARGIN} times the frame in each direction (cropped to fit). */
    static final class PhotoTexture {
        /** How much larger than the frame the photograph is: room for a zoom out to 1.3 and a pan. */
        static final double MARGIN = 1.5;

        final int width;
        final int height;
        final byte[] luma;
        final byte[] cb;
        final byte[] cr;

        private PhotoTexture(int width, int height, byte[] luma, byte[] cb, byte[] cr) {
            this.width = width;
            this.height = height;
            this.luma = luma;
            this.cb = cb;
            this.cr = cr;
        }

        static PhotoTexture load(Path file, int frameWidth, int frameHeight) {
            BufferedImage photo;
            try {
                photo = ImageIO.read(file.toFile());
            } catch (IOException e) {
                return null;
            }
            if (photo == null) {
                return null;
            }
            int width = textureSize(frameWidth);
            int height = textureSize(frameHeight);
            // Cover the texture with the photograph's centre, keeping its aspect ratio.
            double scale = Math.max((double) width / photo.getWidth(), (double) height / photo.getHeight());
            int drawWidth = (int) Math.ceil(photo.getWidth() * scale);
            int drawHeight = (int) Math.ceil(photo.getHeight() * scale);
            BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.drawImage(photo, (width - drawWidth) / 2, (height - drawHeight) / 2, drawWidth, drawHeight, null);
            } finally {
                g.dispose();
            }
            return fromRgb(scaled.getRGB(0, 0, width, height, null, 0, width), width, height);
        }

        /** Generated photograph {@code picture}, painted at the texture's size. */
        static PhotoTexture generate(int picture, int frameWidth, int frameHeight) {
            int width = textureSize(frameWidth);
            int height = textureSize(frameHeight);
            return fromRgb(LandscapePicture.paint(picture, width, height), width, height);
        }

        private static int textureSize(int frameSize) {
            return (int) Math.ceil(frameSize * MARGIN) & ~1;
        }

        private static PhotoTexture fromRgb(int[] rgb, int width, int height) {
            byte[] luma = new byte[width * height];
            double[] cbSum = new double[(width / 2) * (height / 2)];
            double[] crSum = new double[cbSum.length];
            double[] pixel = new double[3];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int p = rgb[y * width + x];
                    pixel[0] = ((p >> 16) & 0xFF) / 255.0;
                    pixel[1] = ((p >> 8) & 0xFF) / 255.0;
                    pixel[2] = (p & 0xFF) / 255.0;
                    double[] yCbCr = TestCard.limitedRangeYCbCr(pixel, TestCard.KR_709, TestCard.KB_709);
                    luma[y * width + x] = (byte) Math.round(yCbCr[0]);
                    int c = (y / 2) * (width / 2) + x / 2;
                    cbSum[c] += yCbCr[1];
                    crSum[c] += yCbCr[2];
                }
            }
            byte[] cb = new byte[cbSum.length];
            byte[] cr = new byte[crSum.length];
            for (int i = 0; i < cb.length; i++) {
                cb[i] = (byte) Math.round(cbSum[i] / 4);
                cr[i] = (byte) Math.round(crSum[i] / 4);
            }
            return new PhotoTexture(width, height, luma, cb, cr);
        }
    }
}
