package io.avmon.converter;

import io.avmon.schema.PictureType;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reduces a decoded picture to a {@link VideoFrameFeatures} record. One pass over the luma plane on a grid of every
 * 2nd row and every 2nd column (a quarter of the samples) gives mean, standard deviation, min, max, the black share,
 * the difference to the previous frame and the 32x18 thumbnail; at 640x360 that is still 57,600 samples per frame,
 * and it is what the tests measure against. Min and max are those of the grid, so a single odd pixel can be missed.
 * Blockiness ({@link BlockinessMap}) compares luma gradients across the 8x8 grid with gradients in mid-block, for the
 * whole picture and for a 4x4 grid of cells; {@link NoiseEstimate} reads the picture's noise from the grid. Buffers are reused; per frame only the record, its three thumbnail
 * arrays and the 16 bytes of the blockiness grid are allocated.
 */
final class VideoFeatureExtractor {
    static final int THUMB_WIDTH = 32;
    static final int THUMB_HEIGHT = 18;
    static final int CHROMA_THUMB_WIDTH = THUMB_WIDTH / 2;
    static final int CHROMA_THUMB_HEIGHT = THUMB_HEIGHT / 2;
    /** Statistics grid step: every 2nd row and column. */
    static final int STEP = 2;
    /** blackdetect's pix_th=0.10: 16 + 0.10 * 219 = 37.9 in limited range, 0.10 * 255 = 25.5 in full range (truncated, as ffmpeg does). */
    static final int BLACK_THRESHOLD_LIMITED = (int) (16 + 0.10 * (235 - 16));

    static final int BLACK_THRESHOLD_FULL = (int) (0.10 * 255);
    /** Decode-error bit added when the AVFrame is flagged corrupt. */
    static final int CORRUPT_FLAG = 0x100;
    /**
     * Decode-error bit added when the video decoder logged an error (AV_LOG_ERROR) since the previous picture, having
     * flagged nothing: damage it concealed silently, or pictures it dropped ({@link DecoderErrorLog}).
     */
    static final int DECODER_LOGGED_FLAG = 0x200;

    private final String streamId;
    /** FFmpeg's name of the video codec, the same String in every frame; null when the input does not say. */
    private final String codec;

    private final BlockinessMap blockinessMap = new BlockinessMap();
    private final NoiseEstimate noiseEstimate = new NoiseEstimate();
    private long sequence;
    private int gridWidth = -1;
    private int gridHeight = -1;
    private byte[] previousGrid = new byte[0];
    /** The grid being filled; swapped with {@code previousGrid} once the frame is sampled. */
    private byte[] currentGrid = new byte[0];

    private final LumaRowStatistics rowStatistics = LumaRowStatistics.create();
    private boolean havePrevious;
    /** The last key frame's grid, for {@code keyFrameDifference}. */
    private byte[] keyGrid = new byte[0];

    private boolean haveKey;
    // Thumbnail bins as runs of grid samples, worked out once per picture size: the hot loops then sum each run
    // into a local, with no per-sample bin lookup, counter or division.
    private int[] lumaColumnStarts = new int[0];
    private int[] lumaRowStarts = new int[0];
    private final long[] lumaThumbSum = new long[THUMB_WIDTH * THUMB_HEIGHT];
    private final int[] lumaThumbCount = new int[THUMB_WIDTH * THUMB_HEIGHT];
    private int chromaWidth = -1;
    private int chromaHeight = -1;
    private int chromaStep;
    private int[] chromaColumnStarts = new int[0];
    private int[] chromaRowStarts = new int[0];
    private final long[] chromaThumbSum = new long[CHROMA_THUMB_WIDTH * CHROMA_THUMB_HEIGHT];
    private final int[] chromaThumbCount = new int[CHROMA_THUMB_WIDTH * CHROMA_THUMB_HEIGHT];

    VideoFeatureExtractor(String streamId, String codec) {
        this.codec = codec;
        this.streamId = streamId;
    }

    /** Forgets the previous frame (after a reopen), so the next frame has no frameDifference. */
    void resetPrevious() {
        havePrevious = false;
    }

    VideoFrameFeatures extract(
            DecodedPicture picture, long mediaTimeUs, boolean keyFrame, int pictType, int decodeErrorFlags) {
        int w = picture.width;
        int h = picture.height;
        byte[] luma = picture.luma;
        int gw = (w + STEP - 1) / STEP;
        int gh = (h + STEP - 1) / STEP;
        if (gw != gridWidth || gh != gridHeight) {
            gridWidth = gw;
            gridHeight = gh;
            previousGrid = new byte[gw * gh];
            currentGrid = new byte[gw * gh];
            havePrevious = false;
            keyGrid = new byte[gw * gh];
            haveKey = false;
            lumaColumnStarts = binStarts(gw, STEP, w, THUMB_WIDTH);
            lumaRowStarts = binStarts(gh, STEP, h, THUMB_HEIGHT);
            binCounts(lumaRowStarts, lumaColumnStarts, lumaThumbCount);
        }
        int blackThreshold = picture.fullRange ? BLACK_THRESHOLD_FULL : BLACK_THRESHOLD_LIMITED;
        Arrays.fill(lumaThumbSum, 0);

        long sum = 0;
        byte[] grid = currentGrid;
        int[] columnStarts = lumaColumnStarts;
        LumaRowStatistics statistics = rowStatistics;
        statistics.reset();
        for (int by = 0; by < THUMB_HEIGHT; by++) {
            int binRow = by * THUMB_WIDTH;
            for (int gy = lumaRowStarts[by]; gy < lumaRowStarts[by + 1]; gy++) {
                int row = gy * STEP * w;
                int gridRow = gy * gw;
                // Gather the row's grid samples and sum them into the thumbnail bins; the statistics then run over
                // the gathered row, contiguous as the Vector API needs it.
                for (int bx = 0; bx < THUMB_WIDTH; bx++) {
                    int runSum = 0;
                    int end = columnStarts[bx + 1];
                    for (int gx = columnStarts[bx]; gx < end; gx++) {
                        int v = luma[row + gx * STEP] & 0xFF;
                        runSum += v;
                        grid[gridRow + gx] = (byte) v;
                    }
                    sum += runSum;
                    lumaThumbSum[binRow + bx] += runSum;
                }
                statistics.add(grid, previousGrid, gridRow, gridRow + gw, blackThreshold);
            }
        }
        // This frame's grid becomes the previous one; the noise and the key-frame difference read it there.
        currentGrid = previousGrid;
        previousGrid = grid;
        long sumSquares = statistics.sumSquares;
        long differenceSum = statistics.differenceSum;
        int min = statistics.min;
        int max = statistics.max;
        int black = statistics.black;
        int samples = gw * gh;
        double mean = (double) sum / samples;
        double variance = Math.max(0, (double) sumSquares / samples - mean * mean);

        VideoFrameFeatures features = new VideoFrameFeatures();
        features.setStreamId(streamId);
        features.setCodec(codec);
        features.setSequence(sequence++);
        features.setMediaTimeUs(mediaTimeUs);
        features.setIngestTimeMs(System.currentTimeMillis());
        features.setWidth(w);
        features.setHeight(h);
        PictureType type = pictureType(pictType);
        features.setKeyFrame(keyFrame);
        features.setPictureType(type);
        features.setDecodeErrorFlags(decodeErrorFlags);
        features.setFullRange(picture.fullRange);
        features.setLumaMean((float) mean);
        features.setLumaStdDev((float) Math.sqrt(variance));
        features.setLumaMin(min);
        features.setLumaMax(max);
        features.setBlackPixelShare((float) black / samples);
        features.setFrameDifference(havePrevious ? (float) ((double) differenceSum / samples) : null);
        // Every intra picture, not only the flagged key frames: x264 codes a scene cut inside a GOP as an I picture
        // that is no IDR, and the freeze detector counts it as a key frame, so the difference must be to it.
        boolean intra = keyFrame || type == PictureType.I;
        features.setKeyFrameDifference(intra ? keyFrameDifference(samples) : null);
        features.setBlockiness((float) blockinessMap.measure(luma, w, h));
        features.setBlockinessGrid(ByteBuffer.wrap(blockinessMap.cells()));
        double noise = noiseEstimate.measure(previousGrid, gw, gh);
        features.setNoiseLevel(Double.isNaN(noise) ? null : (float) noise);
        features.setThumbWidth(THUMB_WIDTH);
        features.setThumbHeight(THUMB_HEIGHT);
        features.setThumbLuma(ByteBuffer.wrap(averages(lumaThumbSum, lumaThumbCount, 16)));
        features.setThumbCb(ByteBuffer.wrap(chromaThumbnail(picture.cb, picture.chromaWidth, picture.chromaHeight)));
        features.setThumbCr(ByteBuffer.wrap(chromaThumbnail(picture.cr, picture.chromaWidth, picture.chromaHeight)));
        havePrevious = true;
        return features;
    }

    /**
     * Mean |difference| of this key frame's grid (in {@code previousGrid} by now) to the last key frame's, which it
     * then replaces; null for the first. Two key frames coded from one unchanged source picture decode alike, while
     * a live still scene's key frames each carry fresh sensor noise, which low-rate P pictures code away.
     */
    private Float keyFrameDifference(int samples) {
        Float difference = null;
        if (haveKey) {
            long sum = 0;
            for (int i = 0; i < samples; i++) {
                sum += Math.abs((previousGrid[i] & 0xFF) - (keyGrid[i] & 0xFF));
            }
            difference = (float) ((double) sum / samples);
        }
        System.arraycopy(previousGrid, 0, keyGrid, 0, samples);
        haveKey = true;
        return difference;
    }

    private byte[] chromaThumbnail(byte[] plane, int cw, int ch) {
        if (cw != chromaWidth || ch != chromaHeight) {
            chromaWidth = cw;
            chromaHeight = ch;
            chromaStep = cw >= 8 * CHROMA_THUMB_WIDTH * 2 ? STEP : 1;
            chromaColumnStarts = binStarts((cw + chromaStep - 1) / chromaStep, chromaStep, cw, CHROMA_THUMB_WIDTH);
            chromaRowStarts = binStarts((ch + chromaStep - 1) / chromaStep, chromaStep, ch, CHROMA_THUMB_HEIGHT);
            binCounts(chromaRowStarts, chromaColumnStarts, chromaThumbCount);
        }
        Arrays.fill(chromaThumbSum, 0);
        int step = chromaStep;
        for (int by = 0; by < CHROMA_THUMB_HEIGHT; by++) {
            for (int sy = chromaRowStarts[by]; sy < chromaRowStarts[by + 1]; sy++) {
                int row = sy * step * cw;
                for (int bx = 0; bx < CHROMA_THUMB_WIDTH; bx++) {
                    int runSum = 0;
                    int end = chromaColumnStarts[bx + 1];
                    for (int sx = chromaColumnStarts[bx]; sx < end; sx++) {
                        runSum += plane[row + sx * step] & 0xFF;
                    }
                    chromaThumbSum[by * CHROMA_THUMB_WIDTH + bx] += runSum;
                }
            }
        }
        return averages(chromaThumbSum, chromaThumbCount, 128);
    }

    /**
     * Along one axis of {@code pixels}, sampled every {@code step}-th pixel ({@code samples} samples), the first
     * sample of each of {@code bins} equal bins; sample i belongs to bin i * step * bins / pixels. A bin no sample
     * falls in (pictures narrower than the thumbnail) starts where the next one does, and stays empty.
     */
    static int[] binStarts(int samples, int step, int pixels, int bins) {
        int[] starts = new int[bins + 1];
        int i = 0;
        for (int b = 0; b < bins; b++) {
            while (i < samples && (long) i * step * bins / pixels < b) {
                i++;
            }
            starts[b] = i;
        }
        starts[bins] = samples;
        return starts;
    }

    private static void binCounts(int[] rowStarts, int[] columnStarts, int[] counts) {
        int width = columnStarts.length - 1;
        for (int by = 0; by < rowStarts.length - 1; by++) {
            for (int bx = 0; bx < width; bx++) {
                counts[by * width + bx] =
                        (rowStarts[by + 1] - rowStarts[by]) * (columnStarts[bx + 1] - columnStarts[bx]);
            }
        }
    }

    private static byte[] averages(long[] sums, int[] counts, int empty) {
        byte[] out = new byte[sums.length];
        for (int i = 0; i < sums.length; i++) {
            out[i] = (byte) (counts[i] == 0 ? empty : (sums[i] + counts[i] / 2) / counts[i]);
        }
        return out;
    }

    /** FFmpeg's AVPictureType (NONE, I, P, B, S, SI, SP, BI) maps onto the schema's enum by position. */
    static PictureType pictureType(int avPictType) {
        PictureType[] values = PictureType.values();
        return avPictType >= 0 && avPictType < values.length ? values[avPictType] : PictureType.UNKNOWN;
    }
}
