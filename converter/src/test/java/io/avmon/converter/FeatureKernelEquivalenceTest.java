package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.FieldOrder;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuned kernels give exactly the features of their plain formulation: the per-sample loops below, as the
 * converter ran them before it was tuned for speed. Pictures come from generated clips (H.264, interlaced MPEG-2,
 * a size off the 8x8 and 16x16 grids) and from random planes of odd and tiny sizes, which no encoder writes.
 */
class FeatureKernelEquivalenceTest {
    private static final int STEP = VideoFeatureExtractor.STEP;

    @TempDir
    Path dir;

    @Test
    void decodedPicturesGiveTheSameBlockinessLumaStatisticsAndNoiseAsThePlainLoops() throws Exception {
        List<ClipSpec> specs = List.of(
                clip(1280, 720).container("mpegts", ClipSpec.H264, "aac").build(),
                clip(720, 576).interlaced(FieldOrder.TOP_FIRST).build(),
                clip(642, 362).build());
        int pictures = 0;
        for (ClipSpec spec : specs) {
            Path file = ClipWriter.write(spec, dir.resolve(spec.width() + "x" + spec.height() + ".ts"))
                    .file();
            VideoFeatureExtractor extractor = new VideoFeatureExtractor("test", null);
            byte[] previous = null;
            for (DecodedPicture picture : pictures(file)) {
                assertSameFeatures(picture.luma, spec.width(), spec.height());
                assertSameLumaStatistics(extractor, picture, previous);
                previous = picture.luma;
                pictures++;
            }
        }
        assertThat(pictures).as("pictures compared").isGreaterThan(100);
    }

    @Test
    void oddAndTinyPicturesGiveTheSameBlockinessLumaStatisticsAndNoiseAsThePlainLoops() {
        SplittableRandom random = new SplittableRandom(7);
        int[][] sizes = {
            {1921, 1081}, {1279, 719}, {721, 577}, {33, 17}, {13, 13}, {12, 12}, {8, 8}, {7, 5}, {3, 3}, {1, 1}
        };
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            byte[] luma = new byte[w * h];
            for (int i = 0; i < luma.length; i++) {
                // Smooth texture, noise, and flat runs (black bars), so every branch is met.
                int flat = (i / w) % 37 < 5 ? 16 : -1;
                luma[i] = (byte) (flat >= 0 ? flat : 60 + (i % w) / 9 + random.nextInt(0, 40));
            }
            assertSameFeatures(luma, w, h);
            VideoFeatureExtractor extractor = new VideoFeatureExtractor("test", null);
            DecodedPicture first = picture(luma, w, h);
            DecodedPicture second = picture(luma.clone(), w, h);
            for (int i = 0; i < second.luma.length; i += 3) {
                second.luma[i] = (byte) random.nextInt(0, 256);
            }
            assertSameLumaStatistics(extractor, first, null);
            assertSameLumaStatistics(extractor, second, first.luma);
        }
    }

    @Test
    void theVectorKernelCountsAsTheScalarOneOnRowsOfEveryLength() {
        LumaRowStatistics vector = LumaRowStatistics.create();
        assertThat(vector.kernel())
                .as("the tests run with the Vector API module")
                .startsWith("Vector API");
        LumaRowStatistics scalar = new LumaRowStatistics();
        SplittableRandom random = new SplittableRandom(11);
        // Up to past a flush of the 16-bit difference lanes (128 steps of 64 samples), and extremes that fill them.
        int[] lengths = {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 200, 959, 960, 1921, 8191, 8192, 8193, 20000};
        for (int length : lengths) {
            for (int content = 0; content < 3; content++) {
                byte[] current = new byte[length + 5];
                byte[] previous = new byte[length + 5];
                for (int i = 0; i < current.length; i++) {
                    current[i] = (byte) (content == 0 ? random.nextInt(256) : content == 1 ? 255 : 0);
                    previous[i] = (byte) (content == 0 ? random.nextInt(256) : content == 1 ? 0 : 255);
                }
                for (int threshold : new int[] {0, 25, 37, 255}) {
                    vector.reset();
                    scalar.reset();
                    vector.add(current, previous, 5, length + 5, threshold);
                    scalar.add(current, previous, 5, length + 5, threshold);
                    // Twice, as rows add up within a picture.
                    vector.add(current, previous, 3, Math.max(3, length), threshold);
                    scalar.add(current, previous, 3, Math.max(3, length), threshold);
                    assertThat(new long[] {vector.sumSquares, vector.differenceSum, vector.min, vector.max, vector.black
                            })
                            .as("length %d, content %d, threshold %d", length, content, threshold)
                            .containsExactly(
                                    scalar.sumSquares, scalar.differenceSum, scalar.min, scalar.max, scalar.black);
                }
            }
        }
    }

    private static ClipSpec.Builder clip(int width, int height) {
        return ClipSpec.builder()
                .size(width, height)
                .seed(3)
                .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                .segment(1, VideoKind.DARK_SCENE, AudioContent.PROGRAMME);
    }

    private static DecodedPicture picture(byte[] luma, int w, int h) {
        DecodedPicture picture = new DecodedPicture();
        picture.width = w;
        picture.height = h;
        picture.chromaWidth = (w + 1) / 2;
        picture.chromaHeight = (h + 1) / 2;
        picture.luma = luma;
        picture.cb = new byte[picture.chromaWidth * picture.chromaHeight];
        picture.cr = picture.cb;
        return picture;
    }

    private static List<DecodedPicture> pictures(Path file) throws Exception {
        List<DecodedPicture> pictures = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toString())) {
            grabber.setImageMode(FrameGrabber.ImageMode.RAW);
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                DecodedPicture picture = new DecodedPicture();
                picture.load((AVFrame) frame.opaque);
                pictures.add(picture);
            }
        }
        return pictures;
    }

    private static void assertSameFeatures(byte[] luma, int w, int h) {
        BlockinessMap map = new BlockinessMap();
        long[][] sums = plainBlockinessSums(luma, w, h);
        long[] boundary = sums[0];
        long[] inner = sums[1];
        long[] count = sums[2];
        double whole = BlockinessMap.ratio(sum(boundary), sum(inner), sum(count));
        assertThat(map.measure(luma, w, h)).as("blockiness of %dx%d", w, h).isEqualTo(whole);
        assertThat(map.cells())
                .as("blockiness cells of %dx%d", w, h)
                .isEqualTo(BlockinessMap.encodeCells(boundary, inner, count));

        // The noise kernel: the Vector API form counts the same |Laplacian|s as the scalar one, row by row.
        int gw = (w + STEP - 1) / STEP;
        int gh = (h + STEP - 1) / STEP;
        byte[] grid = new byte[gw * gh];
        for (int gy = 0; gy < gh; gy++) {
            for (int gx = 0; gx < gw; gx++) {
                grid[gy * gw + gx] = luma[gy * STEP * w + gx * STEP];
            }
        }
        LaplacianRows vector = LaplacianRows.create();
        assertThat(vector).as("the tests run with the Vector API module").isInstanceOf(VectorLaplacianRows.class);
        for (int y = 1; y < gh - 1; y += 2) {
            int[] expected = new int[16 * 255 + 1];
            int[] actual = new int[16 * 255 + 1];
            new LaplacianRows().count(grid, (y - 1) * gw, y * gw, (y + 1) * gw, gw, expected);
            vector.count(grid, (y - 1) * gw, y * gw, (y + 1) * gw, gw, actual);
            assertThat(actual)
                    .as("|Laplacian| counts of %dx%d, grid row %d", w, h, y)
                    .isEqualTo(expected);
        }
    }

    /**
     * Mean, deviation, min, max, black share, difference and luma thumbnail of the extractor's record against the
     * same figures worked out sample by sample on the 2x2 grid, each sample's thumbnail bin by division.
     */
    private static void assertSameLumaStatistics(
            VideoFeatureExtractor extractor, DecodedPicture picture, byte[] previousLuma) {
        VideoFrameFeatures record = extractor.extract(picture, 0, false, 0, 0);
        int w = picture.width;
        int h = picture.height;
        int threshold = VideoFeatureExtractor.BLACK_THRESHOLD_LIMITED;
        int bins = VideoFeatureExtractor.THUMB_WIDTH * VideoFeatureExtractor.THUMB_HEIGHT;
        long[] binSums = new long[bins];
        int[] binCounts = new int[bins];
        long sum = 0;
        long squares = 0;
        long difference = 0;
        int min = 255;
        int max = 0;
        int black = 0;
        int samples = 0;
        for (int y = 0; y < h; y += STEP) {
            for (int x = 0; x < w; x += STEP) {
                int v = picture.luma[y * w + x] & 0xFF;
                sum += v;
                squares += v * v;
                min = Math.min(min, v);
                max = Math.max(max, v);
                black += v <= threshold ? 1 : 0;
                difference += previousLuma == null ? 0 : Math.abs(v - (previousLuma[y * w + x] & 0xFF));
                int bin = (y * VideoFeatureExtractor.THUMB_HEIGHT / h) * VideoFeatureExtractor.THUMB_WIDTH
                        + x * VideoFeatureExtractor.THUMB_WIDTH / w;
                binSums[bin] += v;
                binCounts[bin]++;
                samples++;
            }
        }
        double mean = (double) sum / samples;
        byte[] thumbnail = new byte[bins];
        for (int i = 0; i < bins; i++) {
            thumbnail[i] = (byte) (binCounts[i] == 0 ? 16 : (binSums[i] + binCounts[i] / 2) / binCounts[i]);
        }
        String size = w + "x" + h;
        assertThat(record.getLumaMean()).as("mean of %s", size).isEqualTo((float) mean);
        assertThat(record.getLumaStdDev()).as("deviation of %s", size).isEqualTo((float)
                Math.sqrt(Math.max(0, (double) squares / samples - mean * mean)));
        assertThat(new int[] {record.getLumaMin(), record.getLumaMax()})
                .as("min, max of %s", size)
                .containsExactly(min, max);
        assertThat(record.getBlackPixelShare()).as("black of %s", size).isEqualTo((float) black / samples);
        assertThat(record.getFrameDifference())
                .as("difference of %s", size)
                .isEqualTo(previousLuma == null ? null : (float) ((double) difference / samples));
        assertThat(record.getThumbLuma().array()).as("thumbnail of %s", size).isEqualTo(thumbnail);
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    /** Boundary, inner and count sums per cell, one array add per sample. */
    private static long[][] plainBlockinessSums(byte[] luma, int w, int h) {
        int grid = BlockinessMap.GRID;
        long[] boundary = new long[grid * grid];
        long[] inner = new long[grid * grid];
        long[] count = new long[grid * grid];
        for (int y = 0; y < h; y += STEP) {
            for (int x = 8; x + 4 < w; x += 8) {
                int cell = (y * grid / h) * grid + x * grid / w;
                boundary[cell] += Math.abs((luma[y * w + x] & 0xFF) - (luma[y * w + x - 1] & 0xFF));
                inner[cell] += Math.abs((luma[y * w + x + 4] & 0xFF) - (luma[y * w + x + 3] & 0xFF));
                count[cell]++;
            }
        }
        for (int y = 8; y + 4 < h; y += 8) {
            for (int x = 0; x < w; x += STEP) {
                int cell = (y * grid / h) * grid + x * grid / w;
                boundary[cell] += Math.abs((luma[y * w + x] & 0xFF) - (luma[(y - 1) * w + x] & 0xFF));
                inner[cell] += Math.abs((luma[(y + 4) * w + x] & 0xFF) - (luma[(y + 3) * w + x] & 0xFF));
                count[cell]++;
            }
        }
        return new long[][] {boundary, inner, count};
    }
}
