package io.avmon.testmedia;

import java.util.Locale;

/**
 * A segment's sound: its kind, and for {@link AudioKind#TONE_1K} the sine's peak level in dBFS
 * (a sine whose peak is at -23 dBFS reads -23 LUFS on a stereo BS.1770 meter), for {@link AudioKind#PROGRAMME_GAIN}
 * the gain in dB applied to the programme; for {@link AudioKind#SYNC_BEEPS} how
 * late the beeps sound after their flashes, in ms ({@code audioDelayMs}; negative when the audio is early); for
 * {@link AudioKind#RECORDED} which recording ({@code track}).
 */
public record AudioContent(AudioKind kind, double levelDbfs, double audioDelayMs, int track) {
    public AudioContent(AudioKind kind, double levelDbfs) {
        this(kind, levelDbfs, 0);
    }

    public AudioContent(AudioKind kind, double levelDbfs, double audioDelayMs) {
        this(kind, levelDbfs, audioDelayMs, 0);
    }

    /** Track {@code track} of {@link RecordingLibrary}'s recordings. */
    public static AudioContent recorded(int track) {
        return new AudioContent(AudioKind.RECORDED, Double.NaN, 0, track);
    }

    public static final AudioContent PROGRAMME = new AudioContent(AudioKind.PROGRAMME, Double.NaN);
    public static final AudioContent SILENCE = new AudioContent(AudioKind.SILENCE, Double.NaN);
    public static final AudioContent QUIET = new AudioContent(AudioKind.QUIET, Double.NaN);
    public static final AudioContent DEAD_CHANNEL = new AudioContent(AudioKind.DEAD_CHANNEL, Double.NaN);
    public static final AudioContent CLIPPED = new AudioContent(AudioKind.CLIPPED, Double.NaN);
    public static final AudioContent LINEUP_BEEPS = new AudioContent(AudioKind.LINEUP_BEEPS, Double.NaN);
    public static final AudioContent TICKING = new AudioContent(AudioKind.TICKING, Double.NaN);

    /** A 1 kHz sine on every channel with its peak at {@code peakDbfs}. */
    public static AudioContent tone1k(double peakDbfs) {
        return new AudioContent(AudioKind.TONE_1K, peakDbfs);
    }

    /** The programme with {@code gainDb} of gain: about -23 + gainDb LUFS. */
    public static AudioContent programme(double gainDb) {
        return new AudioContent(AudioKind.PROGRAMME_GAIN, gainDb);
    }

    /**
     * Beeps for a {@link VideoKind#SYNC_FLASHES} picture, sounding {@code audioDelayMs} after their flashes (positive:
     * audio late). Use it only in a segment whose picture is SYNC_FLASHES. At most +-500 ms.
     */
    public static AudioContent syncBeeps(double audioDelayMs) {
        if (Math.abs(audioDelayMs) > 500) {
            throw new IllegalArgumentException("sync pattern shifts up to +-500 ms: " + audioDelayMs);
        }
        return new AudioContent(AudioKind.SYNC_BEEPS, SyncPattern.BEEP_PEAK_DBFS, audioDelayMs);
    }

    /**
     * QUIET, the sparse sounds over digital zeros (LINEUP_BEEPS, TICKING), and the sync pattern in sync or within BT.1359's acceptability (looks like a sync test, is no defect).
     */
    public boolean isHardNegative() {
        return kind == AudioKind.QUIET
                || kind == AudioKind.LINEUP_BEEPS
                || kind == AudioKind.TICKING
                || (kind == AudioKind.SYNC_BEEPS && !SyncPattern.beyondAcceptability(audioDelayMs));
    }

    @Override
    public String toString() {
        return kind == AudioKind.TONE_1K
                ? "TONE_1K(" + levelDbfs + " dBFS)"
                : kind == AudioKind.PROGRAMME_GAIN
                        ? String.format(Locale.ROOT, "PROGRAMME(%+.1f dB)", levelDbfs)
                        : kind == AudioKind.SYNC_BEEPS
                                ? "SYNC_BEEPS(" + audioDelayMs + " ms)"
                                : kind == AudioKind.RECORDED ? "RECORDED(" + track + ")" : kind.name();
    }
}
