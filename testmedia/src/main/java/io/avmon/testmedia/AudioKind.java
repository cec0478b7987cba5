package io.avmon.testmedia;

/** What a segment's sound is. See {@link AudioContent} for the level parameter. */
public enum AudioKind {
    /** Music- and speech-like mix of tones and filtered noise with an envelope, about -23 LUFS, on every channel. */
    PROGRAMME,
    /** Digital zeros on every channel. Defect: AUDIO_SILENCE. */
    SILENCE,
    /** The programme 19 dB down (about -45 dBFS RMS): a quiet passage, not silence. Hard negative. */
    QUIET,
    /**
     * The programme with a gain of {@link AudioContent#levelDbfs} dB on every channel (it sits near -23 LUFS at 0 dB): a
     * mix sent too hot or too low, or a loud passage still inside the limits. No truth of its own.
     */
    PROGRAMME_GAIN,
    /** A pure 1 kHz sine with its peak at the given dBFS on every channel (EBU Tech 3341 test signals). */
    TONE_1K,
    /** The programme on every channel but the last, which carries digital zeros. Defect: AUDIO_CHANNEL_LOSS. */
    DEAD_CHANNEL,
    /**
     * A 60 ms 1 kHz beep per flash of {@link VideoKind#SYNC_FLASHES}, shifted by {@link AudioContent#audioDelayMs},
     * over faint noise (about -55 dBFS RMS: never silence). Defect: AV_SYNC_OFFSET when the shift is beyond BT.1359's
     * acceptability (audio late over 185 ms or early over 90 ms).
     */
    SYNC_BEEPS,
    /** The programme driven about 22 dB hot and hard-clipped at full scale. Defect: AUDIO_CLIPPING. */
    CLIPPED,
    /**
     * A line-up pattern: a 40 ms 1 kHz beep with its peak at -6 dBFS at the start of every second, over digital zeros
     * (about -20 LUFS short-term). Hard negative: silence ends at the first sound, so the gaps between beeps
     * (0.96 s) are never AUDIO_SILENCE.
     */
    LINEUP_BEEPS,
    /**
     * A clock ticking over digital zeros: a 6 ms decaying click (a 3 kHz "tick" and a 2.2 kHz "tock" in turn, peak
     * -9 dBFS) at the start of every second, about -40 LUFS short-term. Hard negative, as LINEUP_BEEPS.
     */
    TICKING,
    /**
     * A recording ({@link RecordingLibrary}), track {@link AudioContent#track}: music or speech levelled to about -23
     * LUFS, looped; the synthesised programme when the run names no recordings. Normal programme.
     */
    RECORDED
}
