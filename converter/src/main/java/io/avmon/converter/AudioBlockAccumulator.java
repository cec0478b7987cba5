package io.avmon.converter;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.ChannelLevels;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts decoded audio into blocks of exactly sampleRate/10 samples per channel (leftovers carry over to the next
 * decoded frame) and measures each channel: RMS, sample peak, near-full-scale samples and the K-weighted mean
 * square. A block's time is that of its first sample. When a frame's timestamp is more than 50 ms away from where
 * the previous one ended (a gap or a jump in the input), the partial block is emitted short and counting restarts
 * at the new timestamp.
 */
final class AudioBlockAccumulator {
    /** Level reported for digital silence, and the floor of every level. */
    static final float SILENCE_DBFS = -120f;
    /** |x| at or above this counts as a near-full-scale sample (clipping evidence). */
    static final double NEAR_FULL_SCALE = 0.999;
    /** A timestamp jump larger than this restarts block counting. */
    static final long RESYNC_THRESHOLD_US = 50_000;

    private final String streamId;
    private final int sampleRate;
    private final int channels;
    private final int blockSize;
    private final KWeightingFilter[] kWeighting;
    private final double[] sumSquares;
    private final double[] kSumSquares;
    private final double[] peak;
    private final int[] nearFullScale;
    private int filled;
    private long blockStartUs;
    private long expectedNextUs = Long.MIN_VALUE;
    private long sequence;

    AudioBlockAccumulator(String streamId, int sampleRate, int channels, long firstSequence) {
        this.sequence = firstSequence;
        this.streamId = streamId;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.blockSize = Math.max(1, sampleRate / 10);
        this.kWeighting = new KWeightingFilter[channels];
        for (int c = 0; c < channels; c++) {
            kWeighting[c] = new KWeightingFilter(sampleRate);
        }
        this.sumSquares = new double[channels];
        this.kSumSquares = new double[channels];
        this.peak = new double[channels];
        this.nearFullScale = new int[channels];
    }

    long nextSequence() {
        return sequence;
    }

    int sampleRate() {
        return sampleRate;
    }

    int channels() {
        return channels;
    }

    /**
     * Adds one decoded frame of float samples, interleaved in one buffer or planar in one buffer per channel, whose
     * first sample is at {@code frameTimeUs}; completed blocks go to {@code out}.
     */
    void add(Buffer[] samples, long frameTimeUs, Consumer<AudioBlockFeatures> out) {
        boolean planar = samples.length > 1;
        FloatBuffer first = (FloatBuffer) samples[0];
        int frameSamples = planar ? first.remaining() : first.remaining() / channels;
        if (filled > 0 && Math.abs(frameTimeUs - expectedNextUs) > RESYNC_THRESHOLD_US) {
            emit(out);
        }
        FloatBuffer[] planes = new FloatBuffer[planar ? samples.length : 1];
        for (int i = 0; i < planes.length; i++) {
            planes[i] = (FloatBuffer) samples[i];
        }
        int base = first.position();
        for (int i = 0; i < frameSamples; i++) {
            if (filled == 0) {
                blockStartUs = frameTimeUs + (long) i * 1_000_000L / sampleRate;
            }
            for (int c = 0; c < channels; c++) {
                double x = planar
                        ? planes[Math.min(c, planes.length - 1)].get(
                                planes[Math.min(c, planes.length - 1)].position() + i)
                        : first.get(base + i * channels + c);
                double magnitude = Math.abs(x);
                sumSquares[c] += x * x;
                if (magnitude > peak[c]) {
                    peak[c] = magnitude;
                }
                if (magnitude >= NEAR_FULL_SCALE) {
                    nearFullScale[c]++;
                }
                double k = kWeighting[c].apply(x);
                kSumSquares[c] += k * k;
            }
            if (++filled == blockSize) {
                emit(out);
            }
        }
        expectedNextUs = frameTimeUs + (long) frameSamples * 1_000_000L / sampleRate;
    }

    /** Emits the partial block at the end of the input, if any. */
    void flush(Consumer<AudioBlockFeatures> out) {
        if (filled > 0) {
            emit(out);
        }
    }

    private void emit(Consumer<AudioBlockFeatures> out) {
        List<ChannelLevels> levels = new ArrayList<>(channels);
        for (int c = 0; c < channels; c++) {
            ChannelLevels level = new ChannelLevels();
            level.setRmsDbfs(toDbfs(Math.sqrt(sumSquares[c] / filled)));
            level.setPeakDbfs(toDbfs(peak[c]));
            level.setNearFullScaleSamples(nearFullScale[c]);
            level.setKWeightedMeanSquare(kSumSquares[c] / filled);
            levels.add(level);
            sumSquares[c] = 0;
            kSumSquares[c] = 0;
            peak[c] = 0;
            nearFullScale[c] = 0;
        }
        AudioBlockFeatures block = new AudioBlockFeatures();
        block.setStreamId(streamId);
        block.setSequence(sequence++);
        block.setMediaTimeUs(blockStartUs);
        block.setIngestTimeMs(System.currentTimeMillis());
        block.setSampleRate(sampleRate);
        block.setSampleCount(filled);
        block.setChannelCount(channels);
        block.setChannels(levels);
        filled = 0;
        out.accept(block);
    }

    static float toDbfs(double linear) {
        if (!(linear > 1e-6)) {
            return SILENCE_DBFS;
        }
        return (float) Math.max(SILENCE_DBFS, 20 * Math.log10(linear));
    }
}
