package io.avmon.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import io.avmon.job.audio.LoudnessStandard;
import io.avmon.job.detect.AudioChannelLossDetector;
import io.avmon.job.detect.AudioClippingDetector;
import io.avmon.job.detect.AudioSilenceDetector;
import io.avmon.job.detect.AvSyncDetector;
import io.avmon.job.detect.LoudnessDetector;
import io.avmon.job.detect.BlackFrameDetector;
import io.avmon.job.detect.BlockCorruptionDetector;
import io.avmon.job.detect.ColorBarsDetector;
import io.avmon.job.detect.FrameDropDetector;
import io.avmon.job.detect.FrozenFrameDetector;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;

/**
 * What to detect and how strictly: a {@link Policy} per {@link DefectType} (the alarm's raise delay, clear
 * delay and severity, as broadcast monitors set them per channel) plus each detector's thresholds.
 *
 * <p>Immutable and {@link Serializable}. A {@link io.avmon.job.profile.ProfileBook} holds one per stream, read
 * from YAML ({@link io.avmon.job.profile.ProfileYaml}); the job swaps the book at run time through broadcast
 * state and attaches each record's profile to the record, so detectors read their thresholds from there.
 */
public final class DetectionProfile implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The alarm policy of one defect type.
     *
     * @param enabled         whether the type is reported at all
     * @param minDuration     raise delay: how long the condition must last before OPENED
     * @param recoveryHoldOff clear delay: how long it must be absent before CLOSED
     * @param severity        reported with the event
     */
    public record Policy(boolean enabled, Duration minDuration, Duration recoveryHoldOff, Severity severity)
            implements Serializable {
        public Policy {
            Objects.requireNonNull(minDuration, "minDuration");
            Objects.requireNonNull(recoveryHoldOff, "recoveryHoldOff");
            Objects.requireNonNull(severity, "severity");
            if (minDuration.isNegative() || recoveryHoldOff.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }
    }

    private final EnumMap<DefectType, Policy> policies;
    private final BlackFrameDetector.Thresholds black;
    private final FrozenFrameDetector.Thresholds frozen;
    private final AudioSilenceDetector.Thresholds silence;
    private final AudioClippingDetector.Thresholds clipping;
    private final AudioChannelLossDetector.Thresholds channelLoss;
    private final LoudnessDetector.Thresholds loudness;
    private final ColorBarsDetector.Thresholds colorBars;
    private final FrameDropDetector.Thresholds frameDrop;
    private final BlockCorruptionDetector.Thresholds blockCorruption;
    private final AvSyncDetector.Thresholds avSync;
    private final Duration stateRetention;

    private DetectionProfile(Map<DefectType, Policy> policies, BlackFrameDetector.Thresholds black,
            FrozenFrameDetector.Thresholds frozen, AudioSilenceDetector.Thresholds silence,
            AudioClippingDetector.Thresholds clipping, AudioChannelLossDetector.Thresholds channelLoss,
            LoudnessDetector.Thresholds loudness, ColorBarsDetector.Thresholds colorBars,
            FrameDropDetector.Thresholds frameDrop, BlockCorruptionDetector.Thresholds blockCorruption,
            AvSyncDetector.Thresholds avSync, Duration stateRetention) {
        this.policies = new EnumMap<>(policies);
        for (DefectType type : DefectType.values()) {
            if (!this.policies.containsKey(type)) {
                throw new IllegalArgumentException("no policy for " + type);
            }
        }
        this.black = Objects.requireNonNull(black);
        this.frozen = Objects.requireNonNull(frozen);
        this.silence = Objects.requireNonNull(silence);
        this.clipping = Objects.requireNonNull(clipping);
        this.channelLoss = Objects.requireNonNull(channelLoss);
        this.loudness = Objects.requireNonNull(loudness);
        this.colorBars = Objects.requireNonNull(colorBars);
        this.frameDrop = Objects.requireNonNull(frameDrop);
        this.blockCorruption = Objects.requireNonNull(blockCorruption);
        this.avSync = Objects.requireNonNull(avSync);
        this.stateRetention = Objects.requireNonNull(stateRetention);
    }

    /**
     * Defaults a broadcast engineer accepts:
     * <ul>
     *   <li>black: 3 s to raise (a 1-2 s dip to black between programmes is normal), 1 s to clear, CRITICAL;</li>
     *   <li>frozen: 2 s to raise (ffmpeg freezedetect d=2), 1 s to clear, CRITICAL;</li>
     *   <li>silence: 2 s to raise (ffmpeg silencedetect d=2), 1 s to clear, MAJOR (some programmes are quiet);</li>
     *   <li>clipping: 1 s to raise (ten blocks in a row with full-scale runs: a damaged signal, not a peak the
     *       limiter let through), 1 s to clear, MAJOR (audible distortion, but the programme is on air);</li>
     *   <li>channel loss: 2 s to raise (as silence: ffmpeg silencedetect mono=1 d=2), 1 s to clear, MAJOR; one
     *       defect per lost channel;</li>
     *   <li>loudness: EBU R128 (-23 LUFS), short-term within +5 / -25 LU; 10 s to raise, because short-term
     *       loudness of programme swings over seconds; 3 s to clear (one short-term window back inside the
     *       bounds, so a reading hovering at a bound does not flap); MINOR: a compliance matter, not an outage;</li>
     *   <li>colour bars: 2 s to raise (a test pattern flashed during a switch-over is not an outage), 1 s to clear,
     *       CRITICAL: the programme is off air;</li>
     *   <li>frame drop: raised at once (a drop is an instant; its minimum duration is 0), and drops less than 1 s
     *       apart are one defect (the hold-off), MAJOR: visible judder, but the programme is on air;</li>
     *   <li>block corruption: raised at once (a decoder that reports damage is certain, and one damaged picture is
     *       already visible), damage less than 1 s apart is one defect, CRITICAL: the picture is broken;</li>
     *   <li>stream stall: no video and no audio for 2 s (twice TR 101 290's 700 ms PTS-gap limit plus a reconnect
     *       attempt: a feed that stutters for a second is a frame-drop matter, one gone for 2 s is off air); closed by
     *       the first record back, so no hold-off; CRITICAL;</li>
     *   <li>A/V sync offset: beyond ITU-R BT.1359's acceptability (audio late by more than 185 ms, early by more than
     *       90 ms; {@link AvSyncDetector.Thresholds#DEFAULTS}) for 3 s, on top of the pairs needed for an estimate (a
     *       sync error is a steady state, and a few seconds more cost nothing), 2 s to clear; MAJOR: lip sync is off,
     *       but the programme is on air;</li>
     *   <li>every other type: disabled until its detector exists.</li>
     * </ul>
     * Per-stream state of a stream that stops sending without an ENDED status is dropped after 10 minutes.
     */
    public static DetectionProfile defaults() {
        EnumMap<DefectType, Policy> policies = new EnumMap<>(DefectType.class);
        for (DefectType type : DefectType.values()) {
            policies.put(type, new Policy(false, Duration.ofSeconds(2), Duration.ofSeconds(1), Severity.MAJOR));
        }
        policies.put(DefectType.BLACK_FRAMES, new Policy(true, Duration.ofSeconds(3), Duration.ofSeconds(1), Severity.CRITICAL));
        policies.put(DefectType.FROZEN_FRAMES, new Policy(true, Duration.ofSeconds(2), Duration.ofSeconds(1), Severity.CRITICAL));
        policies.put(DefectType.AUDIO_SILENCE, new Policy(true, Duration.ofSeconds(2), Duration.ofSeconds(1), Severity.MAJOR));
        policies.put(DefectType.AUDIO_CLIPPING, new Policy(true, Duration.ofSeconds(1), Duration.ofSeconds(1), Severity.MAJOR));
        policies.put(DefectType.AUDIO_CHANNEL_LOSS, new Policy(true, Duration.ofSeconds(2), Duration.ofSeconds(1), Severity.MAJOR));
        policies.put(DefectType.LOUDNESS_VIOLATION, new Policy(true, Duration.ofSeconds(10), Duration.ofSeconds(3), Severity.MINOR));
        policies.put(DefectType.COLOR_BARS, new Policy(true, Duration.ofSeconds(2), Duration.ofSeconds(1), Severity.CRITICAL));
        policies.put(DefectType.FRAME_DROP, new Policy(true, Duration.ZERO, Duration.ofSeconds(1), Severity.MAJOR));
        policies.put(DefectType.BLOCK_CORRUPTION, new Policy(true, Duration.ZERO, Duration.ofSeconds(1), Severity.CRITICAL));
        policies.put(DefectType.STREAM_STALL, new Policy(true, Duration.ofSeconds(2), Duration.ZERO, Severity.CRITICAL));
        policies.put(DefectType.AV_SYNC_OFFSET, new Policy(true, Duration.ofSeconds(3), Duration.ofSeconds(2), Severity.MAJOR));
        return new DetectionProfile(policies, BlackFrameDetector.Thresholds.DEFAULTS, FrozenFrameDetector.Thresholds.DEFAULTS,
                AudioSilenceDetector.Thresholds.DEFAULTS, AudioClippingDetector.Thresholds.DEFAULTS,
                AudioChannelLossDetector.Thresholds.DEFAULTS, LoudnessDetector.Thresholds.DEFAULTS,
                ColorBarsDetector.Thresholds.DEFAULTS, FrameDropDetector.Thresholds.DEFAULTS,
                BlockCorruptionDetector.Thresholds.DEFAULTS, AvSyncDetector.Thresholds.DEFAULTS, Duration.ofMinutes(10));
    }

    public Policy policy(DefectType type) {
        return policies.get(type);
    }

    public BlackFrameDetector.Thresholds black() {
        return black;
    }

    public FrozenFrameDetector.Thresholds frozen() {
        return frozen;
    }

    public AudioSilenceDetector.Thresholds silence() {
        return silence;
    }

    public AudioClippingDetector.Thresholds clipping() {
        return clipping;
    }

    public AudioChannelLossDetector.Thresholds channelLoss() {
        return channelLoss;
    }

    public LoudnessDetector.Thresholds loudness() {
        return loudness;
    }

    public ColorBarsDetector.Thresholds colorBars() {
        return colorBars;
    }

    public FrameDropDetector.Thresholds frameDrop() {
        return frameDrop;
    }

    public BlockCorruptionDetector.Thresholds blockCorruption() {
        return blockCorruption;
    }

    /**
     * The thresholds of the detector reporting {@code type}, or null for a type whose detector has none beyond
     * its policy (stream stall). Used where the type is data, as in the YAML reader.
     */
    public Record thresholds(DefectType type) {
        return switch (type) {
            case BLACK_FRAMES -> black;
            case FROZEN_FRAMES -> frozen;
            case AUDIO_SILENCE -> silence;
            case AUDIO_CLIPPING -> clipping;
            case AUDIO_CHANNEL_LOSS -> channelLoss;
            case LOUDNESS_VIOLATION -> loudness;
            case COLOR_BARS -> colorBars;
            case FRAME_DROP -> frameDrop;
            case BLOCK_CORRUPTION -> blockCorruption;
            case AV_SYNC_OFFSET -> avSync;
            default -> null;
        };
    }

    /** This profile with {@code thresholds} (of the record type {@link #thresholds(DefectType)} returns) for {@code type}. */
    public DetectionProfile withThresholds(DefectType type, Record thresholds) {
        return switch (type) {
            case BLACK_FRAMES -> withBlack((BlackFrameDetector.Thresholds) thresholds);
            case FROZEN_FRAMES -> withFrozen((FrozenFrameDetector.Thresholds) thresholds);
            case AUDIO_SILENCE -> withSilence((AudioSilenceDetector.Thresholds) thresholds);
            case AUDIO_CLIPPING -> withClipping((AudioClippingDetector.Thresholds) thresholds);
            case AUDIO_CHANNEL_LOSS -> withChannelLoss((AudioChannelLossDetector.Thresholds) thresholds);
            case LOUDNESS_VIOLATION -> withLoudness((LoudnessDetector.Thresholds) thresholds);
            case COLOR_BARS -> withColorBars((ColorBarsDetector.Thresholds) thresholds);
            case FRAME_DROP -> withFrameDrop((FrameDropDetector.Thresholds) thresholds);
            case BLOCK_CORRUPTION -> withBlockCorruption((BlockCorruptionDetector.Thresholds) thresholds);
            case AV_SYNC_OFFSET -> withAvSync((AvSyncDetector.Thresholds) thresholds);
            default -> throw new IllegalArgumentException(type + " has no thresholds");
        };
    }

    /** How long per-stream state outlives the stream's last record when no ENDED status arrives. */
    public Duration stateRetention() {
        return stateRetention;
    }

    public DetectionProfile withPolicy(DefectType type, Policy policy) {
        EnumMap<DefectType, Policy> copy = new EnumMap<>(policies);
        copy.put(type, Objects.requireNonNull(policy));
        return new DetectionProfile(copy, black, frozen, silence, clipping, channelLoss, loudness, colorBars, frameDrop, blockCorruption, avSync, stateRetention);
    }

    public DetectionProfile withBlack(BlackFrameDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, thresholds, frozen, silence, clipping, channelLoss, loudness, colorBars, frameDrop, blockCorruption, avSync, stateRetention);
    }

    public DetectionProfile withFrozen(FrozenFrameDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, thresholds, silence, clipping, channelLoss, loudness, colorBars, frameDrop, blockCorruption, avSync, stateRetention);
    }

    public DetectionProfile withSilence(AudioSilenceDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, frozen, thresholds, clipping, channelLoss, loudness, colorBars, frameDrop, blockCorruption, avSync, stateRetention);
    }

    public DetectionProfile withClipping(AudioClippingDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, frozen, silence, thresholds, channelLoss, loudness, colorBars, frameDrop, blockCorruption, avSync, stateRetention);
    }

    public DetectionProfile withChannelLoss(AudioChannelLossDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, frozen, silence, clipping, thresholds, loudness, colorBars, frameDrop, blockCorruption, avSync, stateRetention);
    }

    public DetectionProfile withLoudness(LoudnessDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, frozen, silence, clipping, channelLoss, thresholds, colorBars, frameDrop, blockCorruption, avSync, stateRetention);
    }

    /** Holds the channel to another standard's target, keeping the loudness bounds around it. */
    public DetectionProfile withLoudnessStandard(LoudnessStandard standard) {
        return withLoudness(loudness.withStandard(standard));
    }

    public DetectionProfile withColorBars(ColorBarsDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, frozen, silence, clipping, channelLoss, loudness, thresholds, frameDrop, blockCorruption, avSync, stateRetention);
    }

    public DetectionProfile withFrameDrop(FrameDropDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, frozen, silence, clipping, channelLoss, loudness, colorBars, thresholds, blockCorruption, avSync, stateRetention);
    }

    public DetectionProfile withBlockCorruption(BlockCorruptionDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, frozen, silence, clipping, channelLoss, loudness, colorBars, frameDrop, thresholds, avSync, stateRetention);
    }

    public DetectionProfile withAvSync(AvSyncDetector.Thresholds thresholds) {
        return new DetectionProfile(policies, black, frozen, silence, clipping, channelLoss, loudness, colorBars, frameDrop, blockCorruption, thresholds, stateRetention);
    }

    public AvSyncDetector.Thresholds avSync() {
        return avSync;
    }

    public DetectionProfile withStateRetention(Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("state retention must be positive");
        }
        return new DetectionProfile(policies, black, frozen, silence, clipping, channelLoss, loudness, colorBars, frameDrop, blockCorruption, avSync, retention);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectionProfile p && policies.equals(p.policies) && black.equals(p.black)
                && frozen.equals(p.frozen) && silence.equals(p.silence) && clipping.equals(p.clipping)
                && channelLoss.equals(p.channelLoss) && loudness.equals(p.loudness) && colorBars.equals(p.colorBars) && frameDrop.equals(p.frameDrop)
                && blockCorruption.equals(p.blockCorruption) && avSync.equals(p.avSync)
                && stateRetention.equals(p.stateRetention);
    }

    @Override
    public int hashCode() {
        return Objects.hash(policies, black, frozen, silence, clipping, channelLoss, loudness, colorBars, frameDrop, blockCorruption, avSync, stateRetention);
    }

    @Override
    public String toString() {
        return "DetectionProfile{" + policies + ", " + black + ", " + frozen + ", " + silence + ", " + clipping + ", "
                + channelLoss + ", " + loudness + ", " + colorBars + ", "  + frameDrop + ", " + blockCorruption + ", " + avSync + ", retention=" + stateRetention + "}";
    }
}
