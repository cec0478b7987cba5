package io.avmon.job;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.ChannelLevels;
import io.avmon.schema.InputState;
import io.avmon.schema.PictureType;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Synthetic feature records shaped like the converter's output for 1080p25 limited-range video (32x18 luma
 * thumbnail, 16x9 chroma) and 48 kHz stereo audio in 100 ms blocks. Each scene describes one frame at a time.
 */
public final class Features {
    public static final int THUMB_W = 32;
    public static final int THUMB_H = 18;
    public static final int CELLS = THUMB_W * THUMB_H;
    public static final int CHROMA_CELLS = (THUMB_W / 2) * (THUMB_H / 2);
    public static final long FRAME_US = 40_000;
    public static final long BLOCK_US = 100_000;
    /** Ingest wall clock of media time 0. */
    public static final long EPOCH_MS = 1_700_000_000_000L;

    private Features() {}

    /** One frame's picture, as the converter would measure it. */
    public record Picture(
            float blackPixelShare,
            Float frameDifference,
            byte[] luma,
            byte[] cb,
            byte[] cr,
            boolean keyFrame,
            float lumaMean,
            float lumaStdDev) {}

    public static VideoFrameFeatures frame(String streamId, long sequence, Picture p) {
        long mediaUs = sequence * FRAME_US;
        return VideoFrameFeatures.newBuilder()
                .setStreamId(streamId)
                .setSequence(sequence)
                .setMediaTimeUs(mediaUs)
                .setIngestTimeMs(EPOCH_MS + mediaUs / 1000 + 30)
                .setWidth(1920)
                .setHeight(1080)
                .setKeyFrame(p.keyFrame())
                .setPictureType(p.keyFrame() ? PictureType.I : PictureType.P)
                .setDecodeErrorFlags(0)
                .setFullRange(false)
                .setLumaMean(p.lumaMean())
                .setLumaStdDev(p.lumaStdDev())
                .setLumaMin(16)
                .setLumaMax(235)
                .setBlackPixelShare(p.blackPixelShare())
                .setFrameDifference(sequence == 0 ? null : p.frameDifference())
                .setBlockiness(1.0f)
                .setThumbWidth(THUMB_W)
                .setThumbHeight(THUMB_H)
                .setThumbLuma(ByteBuffer.wrap(p.luma()))
                .setThumbCb(ByteBuffer.wrap(p.cb()))
                .setThumbCr(ByteBuffer.wrap(p.cr()))
                .build();
    }

    public static AudioBlockFeatures block(String streamId, long sequence, float rmsDbfs, float peakDbfs) {
        return block(streamId, sequence, new float[] {rmsDbfs, rmsDbfs}, new float[] {peakDbfs, peakDbfs});
    }

    public static AudioBlockFeatures block(String streamId, long sequence, float[] rmsDbfs, float[] peakDbfs) {
        return block(streamId, sequence, rmsDbfs, peakDbfs, new int[rmsDbfs.length]);
    }

    /**
     * A block whose channels have the given levels and counts of samples at full scale. The K-weighted mean square
     * is taken equal to the RMS power: broadband programme loses about as much below 100 Hz as K-weighting adds
     * above 2 kHz.
     */
    public static AudioBlockFeatures block(
            String streamId, long sequence, float[] rmsDbfs, float[] peakDbfs, int[] nearFullScaleSamples) {
        long mediaUs = sequence * BLOCK_US;
        List<ChannelLevels> channels = new ArrayList<>();
        for (int c = 0; c < rmsDbfs.length; c++) {
            channels.add(ChannelLevels.newBuilder()
                    .setRmsDbfs(rmsDbfs[c])
                    .setPeakDbfs(peakDbfs[c])
                    .setNearFullScaleSamples(nearFullScaleSamples[c])
                    .setKWeightedMeanSquare(Math.pow(10, rmsDbfs[c] / 10.0))
                    .build());
        }
        return AudioBlockFeatures.newBuilder()
                .setStreamId(streamId)
                .setSequence(sequence)
                .setMediaTimeUs(mediaUs)
                .setIngestTimeMs(EPOCH_MS + mediaUs / 1000 + 100 + 20)
                .setSampleRate(48_000)
                .setSampleCount(4_800)
                .setChannelCount(rmsDbfs.length)
                .setChannels(channels)
                .build();
    }

    public static StreamStatus ended(String streamId, long lastMediaUs) {
        return StreamStatus.newBuilder()
                .setStreamId(streamId)
                .setIngestTimeMs(EPOCH_MS + lastMediaUs / 1000 + 200)
                .setState(InputState.ENDED)
                .setLastMediaTimeUs(lastMediaUs)
                .setMessage("end of file")
                .build();
    }

    // ---- pictures ------------------------------------------------------------------------------------

    static byte[] neutralChroma() {
        byte[] c = new byte[CHROMA_CELLS];
        Arrays.fill(c, (byte) 128);
        return c;
    }

    static byte[] filled(int cells, int value) {
        byte[] b = new byte[cells];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** A natural scene: structure across the thumbnail (a gradient, objects), mid-grey average. */
    public static byte[] texturedLuma(Random random, int base, int range) {
        byte[] luma = new byte[CELLS];
        for (int y = 0; y < THUMB_H; y++) {
            for (int x = 0; x < THUMB_W; x++) {
                double structure = 0.5 + 0.3 * Math.sin(x / 3.0) * Math.cos(y / 2.5) + 0.2 * (y / (double) THUMB_H);
                int v = base + (int) Math.round(structure * range) + random.nextInt(5) - 2;
                luma[y * THUMB_W + x] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return luma;
    }

    /** Black at limited-range black level with ±1 level of noise. */
    public static Picture black(Random random) {
        byte[] luma = new byte[CELLS];
        for (int i = 0; i < CELLS; i++) luma[i] = (byte) (16 + random.nextInt(3) - 1);
        return new Picture(1.0f, 0.15f, luma, neutralChroma(), neutralChroma(), false, 16.0f, 0.6f);
    }

    /** Black with a white channel logo in the top right corner (3% of the picture). */
    public static Picture blackWithLogo(Random random) {
        Picture black = black(random);
        byte[] luma = black.luma();
        for (int y = 1; y <= 3; y++) for (int x = 26; x <= 30; x++) luma[y * THUMB_W + x] = (byte) 190;
        return new Picture(0.97f, 0.2f, luma, neutralChroma(), neutralChroma(), false, 21.0f, 26f);
    }

    /** A normal moving scene. */
    public static Picture moving(Random random) {
        return new Picture(
                0.04f,
                6f + random.nextFloat() * 4,
                texturedLuma(random, 60, 120),
                neutralChroma(),
                neutralChroma(),
                false,
                110f,
                45f);
    }

    /** A dark blue-tinted night scene: mean luma ~27, most pixels under the black threshold, but texture. */
    public static Picture darkNightScene(Random random) {
        byte[] luma = texturedLuma(random, 14, 28);
        byte[] cb = filled(CHROMA_CELLS, 137);
        byte[] cr = filled(CHROMA_CELLS, 124);
        return new Picture(0.96f, 1.8f + random.nextFloat(), luma, cb, cr, false, 27f, 8f);
    }

    /** A film letterboxed in 16:9: black bars of 12.5% top and bottom, a normal picture between. */
    public static Picture letterboxed(Random random) {
        byte[] luma = texturedLuma(random, 50, 120);
        for (int y = 0; y < THUMB_H; y++) {
            if (y < 2 || y >= THUMB_H - 2) for (int x = 0; x < THUMB_W; x++) luma[y * THUMB_W + x] = 16;
        }
        return new Picture(0.25f, 5f, luma, neutralChroma(), neutralChroma(), false, 85f, 50f);
    }

    /** A still scene, picture fixed, and {@code frameDifference} as given (sensor noise, or 0 for a freeze). */
    public static Picture still(byte[] luma, float frameDifference, boolean keyFrame) {
        return new Picture(0.04f, frameDifference, luma.clone(), neutralChroma(), neutralChroma(), keyFrame, 110f, 45f);
    }

    /** Uniform grey at {@code level}: a frame in a fade. */
    public static Picture fadeFrame(Random random, double fraction) {
        byte[] luma = texturedLuma(random, 16 + (int) (60 * fraction), (int) (120 * fraction));
        float share = fraction < 0.1 ? 0.99f : (float) Math.max(0.04, 1.0 - fraction * 1.5);
        return new Picture(
                share, 3f, luma, neutralChroma(), neutralChroma(), false, 16 + (float) (95 * fraction), (float)
                        (45 * fraction));
    }
}
