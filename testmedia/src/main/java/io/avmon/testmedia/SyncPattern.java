package io.avmon.testmedia;

import java.util.SplittableRandom;

/**
 * The flash-and-beep A/V sync test pattern. Flash k is due in second k of the clip at a seeded phase of 0-300 ms,
 * snapped to the next frame; the phases vary, so the flashes fall at varying points of the audio's 100 ms block grid
 * (which lets a detector average out the block quantisation), and consecutive flashes are 0.7-1.3 s apart, so a
 * beep up to 500 ms off still has only one flash within 500 ms. Only flashes at least 0.5 s inside their segment
 * are shown (and beeped), so a shifted beep never leaves its segment.
 */
public final class SyncPattern {
    /** Flash length, frames: white (Y=235) over the whole picture. */
    public static final int FLASH_FRAMES = 2;

    public static final double BEEP_SECONDS = 0.06;
    public static final double BEEP_HZ = 1000;
    /** Beep peak: -12 dBFS, so the pattern sits near -24 LUFS, inside the loudness bounds. */
    public static final double BEEP_PEAK_DBFS = -12;
    /** Background noise RMS, linear (about -55 dBFS): audible floor, never silence, 40 dB under the beep. */
    static final double NOISE_RMS = 0.0018;

    static final double MAX_PHASE_SECONDS = 0.3;
    static final double EDGE_SECONDS = 0.5;
    /** ITU-R BT.1359 acceptability: audio late by more than 185 ms, or early by more than 90 ms. */
    public static final double ACCEPTABLE_LATE_MS = 185;

    public static final double ACCEPTABLE_EARLY_MS = 90;

    private SyncPattern() {}

    public static boolean beyondAcceptability(double audioDelayMs) {
        return audioDelayMs > ACCEPTABLE_LATE_MS || audioDelayMs < -ACCEPTABLE_EARLY_MS;
    }

    /** Frame index of flash k (in second k of the clip). */
    static long flashFrame(long seed, long k, int fps) {
        double phase = new SplittableRandom(seed * 1_000_003L + 977 + k).nextDouble() * MAX_PHASE_SECONDS;
        return (long) Math.ceil((k + phase) * fps - 1e-9);
    }

    /** Whether flash k is shown in the segment [start, end). */
    static boolean shown(long seed, long k, int fps, double start, double end) {
        double t = (double) flashFrame(seed, k, fps) / fps;
        return t >= start + EDGE_SECONDS && t < end - EDGE_SECONDS;
    }

    /**
     * Clip time of the earlier event (the flash, or the beep when the audio is early) of the first flash-and-beep pair
     * of the SYNC_FLASHES segment [start, end) whose flash comes at or after {@code from}; NaN when none is shown.
     */
    static double firstPairAfter(long seed, int fps, double start, double end, double from, double audioDelayMs) {
        for (long k = Math.max(0, (long) Math.floor(from) - 1); k <= (long) Math.ceil(end); k++) {
            double flash = (double) flashFrame(seed, k, fps) / fps;
            if (flash >= from && shown(seed, k, fps, start, end)) {
                return flash + Math.min(0, audioDelayMs) / 1000.0;
            }
        }
        return Double.NaN;
    }

    /** Whether frame {@code frameIndex} of a SYNC_FLASHES segment [start, end) is white. */
    static boolean flashing(long seed, long frameIndex, int fps, double start, double end) {
        long k = Math.floorDiv(frameIndex, fps);
        for (long j = k - 1; j <= k; j++) {
            long first = flashFrame(seed, j, fps);
            if (j >= 0 && frameIndex >= first && frameIndex < first + FLASH_FRAMES && shown(seed, j, fps, start, end)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Seconds into the beep sounding at clip time {@code t} of a SYNC_BEEPS segment [start, end) shifted by
     * {@code audioDelayMs}, or -1 when no beep sounds.
     */
    static double beepTime(long seed, double t, int fps, double start, double end, double audioDelayMs) {
        double flashClock = t - audioDelayMs / 1000.0;
        long k = (long) Math.floor(flashClock);
        for (long j = k - 1; j <= k; j++) {
            if (j < 0 || !shown(seed, j, fps, start, end)) {
                continue;
            }
            double into = flashClock - (double) flashFrame(seed, j, fps) / fps;
            if (into >= 0 && into < BEEP_SECONDS) {
                return into;
            }
        }
        return -1;
    }
}
