package io.avmon.converter;

import io.avmon.schema.PictureType;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;

/**
 * Reduces a decoded picture to a {@link VideoFrameFeatures} record. One pass over the luma plane on a grid of every
 * 2nd row and every 2nd column (a quarter of the samples) gives mean, standard deviation, min, max, the black share,
 * the difference to the previous frame and the 32x18 thumbnail; at 640x360 that is still 57,600 samples per frame,
 * and it is what the tests measure against. Min and max are those of the grid, so a single odd pixel can be missed.
 * Blockiness compares luma gradients across the 8x8 grid with gradients in mid-block (offset 4), horizontally on
 * every 2nd row and vertically on every 2nd column. Buffers are reused; per frame only the record and its three
 * thumbnail arrays are allocated.
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
    /** Below this mean gradient (in levels) a frame is too flat to say anything about blocking. */
    private static final double FLAT_GRADIENT = 0.05;

    private final String streamId;
    private long sequence;
    private int gridWidth = -1;
    private int gridHeight = -1;
    private byte[] previousGrid = new byte[0];
    private boolean havePrevious;
    private int[] lumaBinX = new int[0];
    private int[] lumaBinY = new int[0];
    private final long[] lumaThumbSum = new long[THUMB_WIDTH * THUMB_HEIGHT];
    private final int[] lumaThumbCount = new int[THUMB_WIDTH * THUMB_HEIGHT];
    private final long[] chromaThumbSum = new long[CHROMA_THUMB_WIDTH * CHROMA_THUMB_HEIGHT];
    private final int[] chromaThumbCount = new int[CHROMA_THUMB_WIDTH * CHROMA_THUMB_HEIGHT];

    VideoFeatureExtractor(String streamId) {
        this.streamId = streamId;
    }

    /** Forgets the previous frame (after a reopen), so the next frame has no frameDifference. */
    void resetPrevious() {
        havePrevious = false;
    }

    VideoFrameFeatures extract(DecodedPicture picture, long mediaTimeUs, boolean keyFrame, int pictType,
                               int decodeErrorFlags) {
        int w = picture.width;
        int h = picture.height;
        byte[] luma = picture.luma;
        int gw = (w + STEP - 1) / STEP;
        int gh = (h + STEP - 1) / STEP;
        if (gw != gridWidth || gh != gridHeight) {
            gridWidth = gw;
            gridHeight = gh;
            previousGrid = new byte[gw * gh];
            havePrevious = false;
            lumaBinX = new int[gw];
            lumaBinY = new int[gh];
            for (int gx = 0; gx < gw; gx++) {
                lumaBinX[gx] = gx * STEP * THUMB_WIDTH / w;
            }
            for (int gy = 0; gy < gh; gy++) {
                lumaBinY[gy] = gy * STEP * THUMB_HEIGHT / h * THUMB_WIDTH;
            }
        }
        int blackThreshold = picture.fullRange ? BLACK_THRESHOLD_FULL : BLACK_THRESHOLD_LIMITED;
        java.util.Arrays.fill(lumaThumbSum, 0);
        java.util.Arrays.fill(lumaThumbCount, 0);

        long sum = 0;
        long sumSquares = 0;
        long differenceSum = 0;
        int min = 255;
        int max = 0;
        int black = 0;
        byte[] previous = previousGrid;
        int g = 0;
        for (int gy = 0; gy < gh; gy++) {
            int row = gy * STEP * w;
            int binRow = lumaBinY[gy];
            for (int gx = 0; gx < gw; gx++, g++) {
                int v = luma[row + gx * STEP] & 0xFF;
                sum += v;
                sumSquares += v * v;
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
                if (v <= blackThreshold) {
                    black++;
                }
                differenceSum += Math.abs(v - (previous[g] & 0xFF));
                previous[g] = (byte) v;
                int bin = binRow + lumaBinX[gx];
                lumaThumbSum[bin] += v;
                lumaThumbCount[bin]++;
            }
        }
        int samples = gw * gh;
        double mean = (double) sum / samples;
        double variance = Math.max(0, (double) sumSquares / samples - mean * mean);

        VideoFrameFeatures features = new VideoFrameFeatures();
        features.setStreamId(streamId);
        features.setSequence(sequence++);
        features.setMediaTimeUs(mediaTimeUs);
        features.setIngestTimeMs(System.currentTimeMillis());
        features.setWidth(w);
        features.setHeight(h);
        features.setKeyFrame(keyFrame);
        features.setPictureType(pictureType(pictType));
        features.setDecodeErrorFlags(decodeErrorFlags);
        features.setFullRange(picture.fullRange);
        features.setLumaMean((float) mean);
        features.setLumaStdDev((float) Math.sqrt(variance));
        features.setLumaMin(min);
        features.setLumaMax(max);
        features.setBlackPixelShare((float) black / samples);
        features.setFrameDifference(havePrevious ? (float) ((double) differenceSum / samples) : null);
        features.setBlockiness((float) blockiness(luma, w, h));
        features.setThumbWidth(THUMB_WIDTH);
        features.setThumbHeight(THUMB_HEIGHT);
        features.setThumbLuma(ByteBuffer.wrap(averages(lumaThumbSum, lumaThumbCount, 16)));
        features.setThumbCb(ByteBuffer.wrap(chromaThumbnail(picture.cb, picture.chromaWidth, picture.chromaHeight)));
        features.setThumbCr(ByteBuffer.wrap(chromaThumbnail(picture.cr, picture.chromaWidth, picture.chromaHeight)));
        havePrevious = true;
        return features;
    }

    /**
     * Mean |gradient| across 8x8 block boundaries over mean |gradient| at mid-block (between offsets 3 and 4),
     * horizontally (columns 8k-1|8k) on every 2nd row and vertically (rows 8k-1|8k) on every 2nd column.
     * About 1 means no blocking; a flat picture reports 1.
     */
    static double blockiness(byte[] luma, int w, int h) {
        long boundary = 0;
        long inner = 0;
        long count = 0;
        for (int y = 0; y < h; y += STEP) {
            int row = y * w;
            for (int x = 8; x + 4 < w; x += 8) {
                boundary += Math.abs((luma[row + x] & 0xFF) - (luma[row + x - 1] & 0xFF));
                inner += Math.abs((luma[row + x + 4] & 0xFF) - (luma[row + x + 3] & 0xFF));
                count++;
            }
        }
        for (int y = 8; y + 4 < h; y += 8) {
            int row = y * w;
            int above = row - w;
            int mid = row + 4 * w;
            int midAbove = row + 3 * w;
            for (int x = 0; x < w; x += STEP) {
                boundary += Math.abs((luma[row + x] & 0xFF) - (luma[above + x] & 0xFF));
                inner += Math.abs((luma[mid + x] & 0xFF) - (luma[midAbove + x] & 0xFF));
                count++;
            }
        }
        if (count == 0) {
            return 1;
        }
        double boundaryMean = (double) boundary / count;
        double innerMean = (double) inner / count;
        if (boundaryMean < FLAT_GRADIENT && innerMean < FLAT_GRADIENT) {
            return 1;
        }
        return boundaryMean / Math.max(innerMean, FLAT_GRADIENT);
    }

    private byte[] chromaThumbnail(byte[] plane, int cw, int ch) {
        java.util.Arrays.fill(chromaThumbSum, 0);
        java.util.Arrays.fill(chromaThumbCount, 0);
        int step = cw >= 8 * CHROMA_THUMB_WIDTH * 2 ? STEP : 1;
        for (int y = 0; y < ch; y += step) {
            int binRow = y * CHROMA_THUMB_HEIGHT / ch * CHROMA_THUMB_WIDTH;
            int row = y * cw;
            for (int x = 0; x < cw; x += step) {
                int bin = binRow + x * CHROMA_THUMB_WIDTH / cw;
                chromaThumbSum[bin] += plane[row + x] & 0xFF;
                chromaThumbCount[bin]++;
            }
        }
        return averages(chromaThumbSum, chromaThumbCount, 128);
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
