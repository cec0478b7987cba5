package io.avmon.testmedia;

/**
 * A segment's sound: its kind, and for {@link AudioKind#TONE_1K} the sine's peak level in dBFS
 * (a sine whose peak is at -23 dBFS reads -23 LUFS on a stereo BS.1770 meter).
 */
public record AudioContent(AudioKind kind, double levelDbfs) {
    public static final AudioContent PROGRAMME = new AudioContent(AudioKind.PROGRAMME, Double.NaN);
    public static final AudioContent SILENCE = new AudioContent(AudioKind.SILENCE, Double.NaN);
    public static final AudioContent QUIET = new AudioContent(AudioKind.QUIET, Double.NaN);
    public static final AudioContent DEAD_CHANNEL = new AudioContent(AudioKind.DEAD_CHANNEL, Double.NaN);
    public static final AudioContent CLIPPED = new AudioContent(AudioKind.CLIPPED, Double.NaN);

    /** A 1 kHz sine on every channel with its peak at {@code peakDbfs}. */
    public static AudioContent tone1k(double peakDbfs) {
        return new AudioContent(AudioKind.TONE_1K, peakDbfs);
    }

    public boolean isHardNegative() {
        return kind == AudioKind.QUIET;
    }

    @Override
    public String toString() {
        return kind == AudioKind.TONE_1K ? "TONE_1K(" + levelDbfs + " dBFS)" : kind.name();
    }
}
