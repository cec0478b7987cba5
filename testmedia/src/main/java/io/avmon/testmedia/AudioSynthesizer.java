package io.avmon.testmedia;

import java.util.SplittableRandom;

/**
 * Generates planar float samples for an audio content kind. The programme is a mix of a chord that changes every
 * half second (three partials, plucked envelope, panned) and speech-like band-limited noise with a 4 Hz syllable
 * envelope, centred; its level is calibrated to about -23 LUFS on a stereo pair. The programme generator runs on
 * every sample whatever the segment, so a clip is a pure function of its spec.
 */
final class AudioSynthesizer {
    /** Linear gain that puts the programme near -23 LUFS (measured with the converter's BS.1770 meter). */
    static final double PROGRAMME_GAIN = 0.0515;
    /** QUIET is the programme 19 dB down: about -45 dBFS RMS. */
    static final double QUIET_GAIN = 0.11;
    /** CLIPPED drives the programme 22 dB hot into a hard clip at full scale. */
    static final double CLIPPED_DRIVE = 25;

    private static final double NOTE_SECONDS = 0.5;
    private static final int[] SCALE = {0, 2, 4, 7, 9, 12, 14, 16};

    private final int sampleRate;
    private final int channels;
    private final long seed;
    private final SplittableRandom noise;
    /** See {@link #layoutGain(int)}; 1 for stereo. */
    private final double layoutGain;

    private double highPassState;
    private double highPassPrevious;
    private double lowPassState;
    private final double highPassCoefficient;
    private final double lowPassCoefficient;
    private long noteIndex = -1;
    private double noteFrequency;
    private double notePan;

    AudioSynthesizer(int sampleRate, int channels, long seed) {
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.seed = seed;
        this.noise = new SplittableRandom(seed * 17 + 3);
        double dt = 1.0 / sampleRate;
        double rcHigh = 1 / (2 * Math.PI * 300);
        double rcLow = 1 / (2 * Math.PI * 3000);
        this.highPassCoefficient = rcHigh / (rcHigh + dt);
        this.lowPassCoefficient = dt / (rcLow + dt);
        this.layoutGain = layoutGain(channels);
    }

    /**
     * The gain that gives a layout the loudness a stereo pair has (BS.1770 sums the channels' power with weights: 1,
     * the LFE 0, the surrounds 1.41), so every level above holds for mono and 5.1 too: mono is 3 dB up, 5.1 (FFmpeg's
     * order L R C LFE Ls Rs, every channel carrying the programme) 4.6 dB down.
     */
    static double layoutGain(int channels) {
        double weights = 0;
        for (int c = 0; c < channels; c++) {
            weights += channels == 6 && c == 3 ? 0 : channels == 6 && c >= 4 ? 1.41 : 1;
        }
        return Math.sqrt(2 / weights);
    }

    /** Fills {@code out[channel][0..count)} with samples {@code firstSample..firstSample+count} of {@code content}. */
    void generate(AudioContent content, long firstSample, int count, float[][] out) {
        generate(content, null, 0, firstSample, count, out);
    }

    /** As above, for a sound that depends on its segment's place on the timeline ({@link AudioKind#SYNC_BEEPS}). */
    void generate(AudioContent content, TimedSegment segment, int fps, long firstSample, int count, float[][] out) {
        for (int i = 0; i < count; i++) {
            long n = firstSample + i;
            double t = (double) n / sampleRate;
            double[] stereo = programme(n, t);
            for (int c = 0; c < channels; c++) {
                double programme = stereo[c % 2];
                double value = switch (content.kind()) {
                    case PROGRAMME -> programme;
                    case SILENCE -> 0;
                    case QUIET -> programme * QUIET_GAIN;
                    case PROGRAMME_GAIN -> programme * Math.pow(10, content.levelDbfs() / 20);
                    case DEAD_CHANNEL -> c == channels - 1 ? 0 : programme;
                    case CLIPPED -> Math.max(-1, Math.min(1, programme * CLIPPED_DRIVE * layoutGain)) / layoutGain;
                    case TONE_1K ->
                        Math.pow(10, content.levelDbfs() / 20)
                                * Math.sin(2 * Math.PI * 1000.0 * (n % sampleRate) / sampleRate);
                    case SYNC_BEEPS -> syncBeeps(content, segment, fps, n, t, c);
                    case LINEUP_BEEPS -> lineUpBeep(n);
                    case TICKING -> tick(n);
                    case RECORDED -> recorded(content.track(), n, c, programme);
                };
                out[c][i] = (float) (value * layoutGain);
            }
        }
    }

    private double syncBeeps(AudioContent content, TimedSegment segment, int fps, long n, double t, int c) {
        // Faint white noise (uniform, RMS NOISE_RMS) from a hash of sample and channel: a floor that is never silence.
        long h = (n * 0x9E3779B97F4A7C15L) ^ (c + 1) * 0xC2B2AE3D27D4EB4FL ^ seed;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        double floor = ((h >>> 11) * 0x1.0p-53 * 2 - 1) * Math.sqrt(3) * SyncPattern.NOISE_RMS;
        if (segment == null) {
            return floor;
        }
        double into = SyncPattern.beepTime(
                seed, t, fps, segment.startSeconds(), segment.endSeconds(), content.audioDelayMs());
        if (into < 0) {
            return floor;
        }
        // A 1 ms raised-cosine ramp at each end: a sharp onset without a click spreading over the block before.
        double ramp = Math.min(1, Math.min(into, SyncPattern.BEEP_SECONDS - into) / 0.001);
        double gain = Math.pow(10, content.levelDbfs() / 20) * 0.5 * (1 - Math.cos(Math.PI * ramp));
        return floor + gain * Math.sin(2 * Math.PI * SyncPattern.BEEP_HZ * into);
    }

    /** LINEUP_BEEPS: 40 ms of 1 kHz at -6 dBFS peak from the start of every second, then zeros. */
    private double lineUpBeep(long n) {
        long into = n % sampleRate;
        return into < LINEUP_BEEP_SECONDS * sampleRate
                ? LINEUP_BEEP_PEAK * Math.sin(2 * Math.PI * 1000.0 * into / sampleRate)
                : 0;
    }

    /**
     * TICKING: a click at the start of every second, decaying with a 1 ms time constant and cut to exact zeros after
     * 6 ms, so the rest of the second is digital silence; tick and tock differ in pitch as a clock's escapement does.
     */
    private double tick(long n) {
        long into = n % sampleRate;
        if (into >= TICK_SECONDS * sampleRate) {
            return 0;
        }
        double hz = (n / sampleRate) % 2 == 0 ? 3000 : 2200;
        double s = (double) into / sampleRate;
        return TICK_PEAK * Math.exp(-s / 0.001) * Math.sin(2 * Math.PI * hz * s + Math.PI / 2);
    }

    /** A recording's sample, its channels repeated over the layout; the programme when there are no recordings. */
    private static double recorded(int track, long n, int c, double programme) {
        float[][] samples = RecordingLibrary.track(track);
        if (samples == null) {
            return programme;
        }
        float[] channel = samples[c % 2];
        return channel[(int) (n % channel.length)];
    }

    private static final double LINEUP_BEEP_SECONDS = 0.040;
    private static final double LINEUP_BEEP_PEAK = Math.pow(10, -6 / 20.0);
    private static final double TICK_SECONDS = 0.006;
    private static final double TICK_PEAK = Math.pow(10, -9 / 20.0);

    private final double[] stereo = new double[2];

    private double[] programme(long n, double t) {
        long note = (long) Math.floor(t / NOTE_SECONDS);
        if (note != noteIndex) {
            SplittableRandom notes = new SplittableRandom(seed * 1_000_033L + note);
            noteIndex = note;
            noteFrequency = 196.0 * Math.pow(2, SCALE[notes.nextInt(SCALE.length)] / 12.0);
            notePan = 0.3 + 0.4 * notes.nextDouble();
        }
        double sinceNote = t - note * NOTE_SECONDS;
        double envelope = Math.min(1, sinceNote / 0.01) * Math.exp(-3.5 * sinceNote);
        double phase = 2 * Math.PI * noteFrequency * sinceNote;
        double music = envelope * (Math.sin(phase) + 0.5 * Math.sin(1.5 * phase) + 0.3 * Math.sin(2 * phase));

        double white = noise.nextDouble() * 2 - 1;
        double high = highPassCoefficient * (highPassState + white - highPassPrevious);
        highPassState = high;
        highPassPrevious = white;
        lowPassState += lowPassCoefficient * (high - lowPassState);
        double syllable = Math.sin(2 * Math.PI * 4 * t);
        double phraseOn = (t % 3.0) < 2.4 ? 1 : 0.15;
        double speech = lowPassState * syllable * syllable * phraseOn * 6;

        stereo[0] = PROGRAMME_GAIN * (music * (1 - notePan) * 1.4 + speech);
        stereo[1] = PROGRAMME_GAIN * (music * notePan * 1.4 + speech);
        return stereo;
    }
}
