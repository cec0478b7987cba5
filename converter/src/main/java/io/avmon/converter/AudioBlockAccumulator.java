package io.avmon.converter;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.ChannelLevels;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts decoded audio into blocks of exactly sampleRate/10 samples per channel (leftovers carry over to the next
 * decoded frame) and measures each channel: RMS, sample peak, near-full-scale samples and the K-weighted mean
 * square. A block's time is that of its first sample. When a frame's timestamp is more than 50 ms away from where
 * the previous one ended (a gap or a jump in the input), the partial block is emitted short and counting restarts
 * at the new timestamp.
 *
 * <p>Each block also carries its sharpest onset: the start of the 1 ms window (loudest channel) whose energy rises most
 * over the mean of the 10 ms before it, windows running on across blocks. A block dates a beep only to its 100 ms; the
 * window dates it to the millisecond, which is what A/V sync needs (BT.1359's bounds are 90 and 185 ms, and a reading
 * must hold to +-10 ms). A window's time comes from the decoded frame's timestamp like the block's, so priming samples
 * and decoder delay, which FFmpeg's frame timestamps already account for, are not counted as content.
 */
final class AudioBlockAccumulator {
    /** Level reported for digital silence, and the floor of every level. */
    static final float SILENCE_DBFS = -120f;
    /** |x| at or above this counts as a near-full-scale sample (clipping evidence). */
    static final double NEAR_FULL_SCALE = 0.999;
    /** A timestamp jump larger than this restarts block counting. */
    static final long RESYNC_THRESHOLD_US = 50_000;
    /** Onset windows per second: 1 ms windows, a period of a 1 kHz tone, so a steady tone has a steady energy. */
    static final int ONSET_WINDOWS_PER_SECOND = 1000;
    /** Windows before an onset whose mean energy it is compared with (10 ms: longer than a codec's pre-echo). */
    static final int ONSET_CONTEXT_WINDOWS = 10;
    /** A window must rise this far (dB) over its context to be reported as an onset at all. */
    static final float MIN_ONSET_RISE_DB = 10f;
    /** Energy floor of the onset comparison (-100 dBFS), so a rise out of digital silence stays finite. */
    private static final double ONSET_ENERGY_FLOOR = 1e-10;

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
    private final int windowSize;
    private final double[] windowSumSquares;
    private final double[] contextEnergies = new double[ONSET_CONTEXT_WINDOWS];
    private int contextCount;
    private int nextContext;
    private int windowFilled;
    private long windowStartUs;
    private float sharpestRiseDb = Float.NEGATIVE_INFINITY;
    private long sharpestOnsetUs;

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
        this.windowSize = Math.max(1, sampleRate / ONSET_WINDOWS_PER_SECOND);
        this.windowSumSquares = new double[channels];
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
        if (expectedNextUs != Long.MIN_VALUE && Math.abs(frameTimeUs - expectedNextUs) > RESYNC_THRESHOLD_US) {
            if (filled > 0) {
                emit(out);
            }
            // What came before the jump is no context for an onset after it.
            restartOnsetWindows();
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
            if (windowFilled == 0) {
                windowStartUs = frameTimeUs + (long) i * 1_000_000L / sampleRate;
            }
            for (int c = 0; c < channels; c++) {
                double x = planar
                        ? planes[Math.min(c, planes.length - 1)].get(
                                planes[Math.min(c, planes.length - 1)].position() + i)
                        : first.get(base + i * channels + c);
                double magnitude = Math.abs(x);
                sumSquares[c] += x * x;
                windowSumSquares[c] += x * x;
                if (magnitude > peak[c]) {
                    peak[c] = magnitude;
                }
                if (magnitude >= NEAR_FULL_SCALE) {
                    nearFullScale[c]++;
                }
                double k = kWeighting[c].apply(x);
                kSumSquares[c] += k * k;
            }
            if (++windowFilled == windowSize) {
                closeOnsetWindow();
            }
            if (++filled == blockSize) {
                emit(out);
            }
        }
        expectedNextUs = frameTimeUs + (long) frameSamples * 1_000_000L / sampleRate;
    }

    /** Compares the window just filled with the ones before it, keeps it if it is the block's sharpest rise. */
    private void closeOnsetWindow() {
        double energy = 0;
        for (int c = 0; c < channels; c++) {
            energy = Math.max(energy, windowSumSquares[c] / windowSize);
            windowSumSquares[c] = 0;
        }
        windowFilled = 0;
        if (contextCount == ONSET_CONTEXT_WINDOWS) {
            double context = 0;
            for (double e : contextEnergies) {
                context += e;
            }
            context /= ONSET_CONTEXT_WINDOWS;
            float riseDb = (float)
                    (10 * Math.log10(Math.max(energy, ONSET_ENERGY_FLOOR) / Math.max(context, ONSET_ENERGY_FLOOR)));
            if (riseDb > sharpestRiseDb) {
                sharpestRiseDb = riseDb;
                sharpestOnsetUs = windowStartUs;
            }
        }
        contextEnergies[nextContext] = energy;
        nextContext = (nextContext + 1) % ONSET_CONTEXT_WINDOWS;
        contextCount = Math.min(contextCount + 1, ONSET_CONTEXT_WINDOWS);
    }

    private void restartOnsetWindows() {
        contextCount = 0;
        nextContext = 0;
        windowFilled = 0;
        Arrays.fill(windowSumSquares, 0);
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
        if (sharpestRiseDb >= MIN_ONSET_RISE_DB) {
            block.setOnsetTimeUs(sharpestOnsetUs);
            block.setOnsetRiseDb(sharpestRiseDb);
        }
        sharpestRiseDb = Float.NEGATIVE_INFINITY;
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
