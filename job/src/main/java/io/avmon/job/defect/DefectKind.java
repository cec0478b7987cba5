package io.avmon.job.defect;

import io.avmon.job.audio.LoudnessStandard;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.DetectionProfile.Policy;
import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.detect.AudioChannelLossDetector;
import io.avmon.job.detect.AudioClippingDetector;
import io.avmon.job.detect.AudioSilenceDetector;
import io.avmon.job.detect.AvSyncDetector;
import io.avmon.job.detect.BlackFrameDetector;
import io.avmon.job.detect.BlockCorruptionDetector;
import io.avmon.job.detect.ColorBarsDetector;
import io.avmon.job.detect.FrameDropDetector;
import io.avmon.job.detect.FrozenFrameDetector;
import io.avmon.job.detect.LoudnessDetector;
import io.avmon.job.detect.StreamStallDetector;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * One row per defect type: everything the job knows about a type outside its detector's judgement. The profile's
 * defaults ({@link #defaultProfile()}), the YAML binder, the lifecycle and the topology read these rows and repeat
 * none of it; a detector's thresholds (defaults, units, ranges) are declared in its own {@code Thresholds} record.
 *
 * <p>The rows are in chain order: the topology wires the detectors in this order, because some read verdicts of
 * earlier ones from the record (colour bars before frozen: bars are a still picture, and the frozen detector
 * leaves frames marked as bars alone; corruption before frame drops: a hole inside a damaged stretch is the
 * damage's, not a second defect). A row {@link Stage#AFTER_LIFECYCLE} follows the lifecycle instead: a stall is the
 * absence of records, so it keeps its own timers and emits its own events.
 *
 * <p>Raise and clear defaults, as a broadcast engineer accepts them:
 * <ul>
 *   <li>black: 3 s to raise (a 1-2 s dip to black between programmes is normal), 1 s to clear, CRITICAL;</li>
 *   <li>frozen: 2 s to raise (ffmpeg freezedetect d=2), 1 s to clear, CRITICAL;</li>
 *   <li>colour bars: 2 s to raise (a test pattern flashed during a switch-over is not an outage), 1 s to clear,
 *       CRITICAL: the programme is off air;</li>
 *   <li>block corruption: raised at once (a decoder that reports damage is certain, and one damaged picture is
 *       already visible), damage less than 1 s apart is one defect, CRITICAL: the picture is broken;</li>
 *   <li>frame drop: raised at once (a drop is an instant; its minimum duration is 0), and drops less than 1 s
 *       apart are one defect (the hold-off), MAJOR: visible judder, but the programme is on air. Pictures lost while
 *       the sound plays on are raised by the sound's blocks about 1.5 s after the last picture, while they are still
 *       missing ({@link Trait#SHOWN_BY_EITHER_MEDIUM}), and the frame that ends the loss counts the frames in the same
 *       defect; MAJOR too, as the sound is still on air;</li>
 *   <li>silence: 2 s to raise (ffmpeg silencedetect d=2), cleared by the first sound above the threshold, however
 *       short (silencedetect and the monitors operators know restart their silence clock on any sound: a line-up
 *       beep once a second, a clock ticking, footsteps in a quiet scene are not silence), MAJOR (some programmes are
 *       quiet);</li>
 *   <li>clipping: 1 s to raise (ten blocks in a row with full-scale runs: a damaged signal, not a peak the
 *       limiter let through), 1 s to clear, MAJOR (audible distortion, but the programme is on air);</li>
 *   <li>channel loss: 2 s to raise (as silence: ffmpeg silencedetect mono=1 d=2), 1 s to clear, MAJOR; one
 *       defect per lost channel. Unlike silence it bridges clear blocks shorter than the hold-off: a block is
 *       clear of loss also when no other channel sounds (a rest in the music), which says nothing of the dead
 *       channel, so a rest must not restart the raise delay;</li>
 *   <li>loudness: 10 s to raise, because short-term loudness of programme swings over seconds; 3 s to clear (one
 *       short-term window back inside the bounds, so a reading hovering at a bound does not flap); MINOR: a
 *       compliance matter, not an outage;</li>
 *   <li>A/V sync offset: 3 s beyond ITU-R BT.1359's acceptability, on top of the pairs needed for an estimate (a
 *       sync error is a steady state, and a few seconds more cost nothing), 2 s to clear; MAJOR: lip sync is off,
 *       but the programme is on air;</li>
 *   <li>stream stall: no video and no audio for 2 s (twice TR 101 290's 700 ms PTS-gap limit plus a reconnect
 *       attempt: a feed that stutters for a second is a frame-drop matter, one gone for 2 s is off air); closed by
 *       the first record back, so no hold-off; CRITICAL.</li>
 * </ul>
 * Per-stream state of a stream that stops sending without an ENDED status is dropped after
 * {@link #STATE_RETENTION}.
 */
public enum DefectKind {
    BLACK_FRAMES(
            DefectType.BLACK_FRAMES,
            Medium.VIDEO,
            policy(3, 1, Severity.CRITICAL),
            BlackFrameDetector.Thresholds.DEFAULTS,
            "black-frame-detector",
            "BlackFrameDetector",
            detector(BlackFrameDetector::new),
            "%",
            Value.MEAN_PERCENT),
    COLOR_BARS(
            DefectType.COLOR_BARS,
            Medium.VIDEO,
            policy(2, 1, Severity.CRITICAL),
            ColorBarsDetector.Thresholds.DEFAULTS,
            "color-bars-detector",
            "ColorBarsDetector",
            detector(ColorBarsDetector::new),
            "bars",
            Value.MAX),
    FROZEN_FRAMES(
            DefectType.FROZEN_FRAMES,
            Medium.VIDEO,
            policy(2, 1, Severity.CRITICAL),
            FrozenFrameDetector.Thresholds.DEFAULTS,
            "frozen-frame-detector",
            "FrozenFrameDetector",
            statefulDetector(FrozenFrameDetector::new),
            "levels",
            Value.MEAN,
            Trait.PROVEN_FROM_DATED_START),
    BLOCK_CORRUPTION(
            DefectType.BLOCK_CORRUPTION,
            Medium.VIDEO,
            policy(0, 1, Severity.CRITICAL),
            BlockCorruptionDetector.Thresholds.DEFAULTS,
            "block-corruption-detector",
            "BlockCorruptionDetector",
            statefulDetector(BlockCorruptionDetector::new),
            "%",
            Value.MEAN_OR_WHOLE_PICTURE),
    FRAME_DROP(
            DefectType.FRAME_DROP,
            Medium.VIDEO,
            policy(0, 1, Severity.MAJOR),
            FrameDropDetector.Thresholds.DEFAULTS,
            "frame-drop-detector",
            "FrameDropDetector",
            statefulDetector(FrameDropDetector::new),
            "frames",
            Value.SUM,
            Trait.INSTANTANEOUS,
            Trait.PROVEN_FROM_DATED_START,
            Trait.SHOWN_BY_EITHER_MEDIUM),
    AUDIO_SILENCE(
            DefectType.AUDIO_SILENCE,
            Medium.AUDIO,
            policy(2, 0, Severity.MAJOR),
            AudioSilenceDetector.Thresholds.DEFAULTS,
            "audio-silence-detector",
            "AudioSilenceDetector",
            detector(AudioSilenceDetector::new),
            "dBFS",
            Value.MAX,
            Trait.ENDS_AT_FIRST_CLEAR),
    AUDIO_CLIPPING(
            DefectType.AUDIO_CLIPPING,
            Medium.AUDIO,
            policy(1, 1, Severity.MAJOR),
            AudioClippingDetector.Thresholds.DEFAULTS,
            "audio-clipping-detector",
            "AudioClippingDetector",
            detector(AudioClippingDetector::new),
            "%",
            Value.MEAN),
    AUDIO_CHANNEL_LOSS(
            DefectType.AUDIO_CHANNEL_LOSS,
            Medium.AUDIO,
            policy(2, 1, Severity.MAJOR),
            AudioChannelLossDetector.Thresholds.DEFAULTS,
            "audio-channel-loss-detector",
            "AudioChannelLossDetector",
            detector(AudioChannelLossDetector::new),
            "dBFS",
            Value.MAX,
            Trait.PER_CHANNEL),
    LOUDNESS_VIOLATION(
            DefectType.LOUDNESS_VIOLATION,
            Medium.AUDIO,
            policy(10, 3, Severity.MINOR),
            LoudnessDetector.Thresholds.DEFAULTS,
            "loudness-detector",
            "LoudnessDetector",
            statefulDetector(LoudnessDetector::new),
            "LUFS",
            Value.MEAN,
            // The standard moves the target and keeps the bounds around it; thresholds set beside it still win.
            new Preset<>(
                    "standard",
                    LoudnessStandard.class,
                    (thresholds, standard) -> ((LoudnessDetector.Thresholds) thresholds).withStandard(standard))),
    // Judged on audio blocks: they come at a steady 10 per second whatever the picture does.
    AV_SYNC_OFFSET(
            DefectType.AV_SYNC_OFFSET,
            Medium.AUDIO,
            policy(3, 2, Severity.MAJOR),
            AvSyncDetector.Thresholds.DEFAULTS,
            "av-sync-detector",
            "AvSyncDetector",
            statefulDetector(AvSyncDetector::new),
            "ms",
            Value.MEAN),
    STREAM_STALL(
            DefectType.STREAM_STALL,
            Medium.STREAM,
            policy(2, 0, Severity.CRITICAL),
            null,
            "stream-stall-detector",
            "StreamStallDetector",
            (kind, p) -> new StreamStallDetector(p, kind.unit, kind.operatorName),
            "s",
            Value.NONE,
            Trait.AFTER_LIFECYCLE);

    /** How long per-stream state outlives a stream that stops sending without ENDED. */
    public static final Duration STATE_RETENTION = Duration.ofMinutes(10);

    /** Which records carry a verdict on a type. Time advances on every record of the stream regardless. */
    public enum Medium {
        VIDEO,
        AUDIO,
        STREAM
    }

    /** How an event's value is made from the measures of the records that showed the defect. */
    public enum Value {
        /** The mean. */
        MEAN,
        /** The mean of a 0-1 share, in percent. */
        MEAN_PERCENT,
        /** The highest: how close a silence came to not being silent, the most bar colours found. */
        MAX,
        /** The sum: frames lost over the event. */
        SUM,
        /**
         * The mean over the frames whose grid showed where the damage is, or 100 when none did: prediction can have
         * carried the damage anywhere.
         */
        MEAN_OR_WHOLE_PICTURE,
        /** The operator computes the value itself. */
        NONE
    }

    /** What sets a type apart from a plain state judged per record. */
    public enum Trait {
        /**
         * Judged per audio channel: records carry a verdict per channel ({@link MediaEvent#channelConditions}),
         * and each channel is its own defect with its own track.
         */
        PER_CHANNEL,
        /**
         * An instant rather than a state: the record that shows it marks a hole that ended at that record (a frame
         * drop is seen on the frame after the lost ones), so the defect ends at the last record that showed it, not
         * at the first healthy record after it.
         */
        INSTANTANEOUS,
        /**
         * A start the detector dates back ({@link MediaEvent#conditionStartUs}) proves the condition held since
         * then, so the raise delay counts from it: a freeze (the picture is known unchanged since the key frame it
         * matched) and a frame drop (an instant). Loudness and A/V sync date where their evidence begins, but the
         * raise delay counts the readings that show the condition.
         */
        PROVEN_FROM_DATED_START,
        /**
         * An audio type whose candidate ends at its first clear record, as a video candidate does, instead of
         * bridging clear stretches shorter than the hold-off. Silence: one block with any sound above the threshold
         * proves the sound is there, as silencedetect restarts its clock on it. The other audio types bridge because
         * their clear blocks prove nothing: clipping shows only on the peaks, a lost channel reads clear in a rest of
         * the others, and loudness and sync readings hover at their bounds.
         */
        ENDS_AT_FIRST_CLEAR,
        /**
         * Also shown by records of the other medium: such a record that shows the condition starts or extends the
         * track as one of the type's own medium does, and one that does not show it says nothing (it neither clears
         * the track nor drops its candidate). A frame drop: pictures that stay away leave no frame to show their loss
         * on, so the sound's blocks show it while it lasts, and an operator sees a lost video feed within seconds
         * instead of when (if ever) it returns; a block after pictures that keep coming proves nothing of them.
         */
        SHOWN_BY_EITHER_MEDIUM,
        /** Placed after the lifecycle, with its own timers and events, instead of in the detector chain before it. */
        AFTER_LIFECYCLE
    }

    /**
     * A profile key that sets several thresholds at once by naming a constant, as {@code standard: ATSC_A85} moves
     * loudness to ATSC A/85's target. Read before the thresholds set beside it, which win.
     *
     * @param key    the key in the type's section
     * @param values the constants it takes
     * @param apply  the thresholds with the constant applied
     */
    public record Preset<E extends Enum<E>>(
            String key, Class<E> values, BiFunction<DetectorThresholds, E, DetectorThresholds> apply) {}

    /** Builds a type's operator from the start profile. */
    @FunctionalInterface
    public interface OperatorFactory
            extends BiFunction<DefectKind, DetectionProfile, KeyedProcessFunction<String, MediaEvent, MediaEvent>> {}

    private static final DefectKind[] BY_TYPE = new DefectKind[DefectType.values().length];

    static {
        for (DefectKind kind : values()) {
            BY_TYPE[kind.type.ordinal()] = kind;
        }
        for (DefectType type : DefectType.values()) {
            if (BY_TYPE[type.ordinal()] == null) {
                throw new ExceptionInInitializerError("no row for " + type);
            }
        }
    }

    private final DefectType type;
    private final Medium medium;
    private final Policy defaultPolicy;
    private final DetectorThresholds defaultThresholds;
    private final String uid;
    private final String operatorName;
    private final OperatorFactory factory;
    private final String unit;
    private final Value value;
    private final Preset<?> preset;
    private final Set<Trait> traits;

    DefectKind(
            DefectType type,
            Medium medium,
            Policy defaultPolicy,
            DetectorThresholds defaultThresholds,
            String uid,
            String operatorName,
            OperatorFactory factory,
            String unit,
            Value value,
            Trait... traits) {
        this(type, medium, defaultPolicy, defaultThresholds, uid, operatorName, factory, unit, value, null, traits);
    }

    DefectKind(
            DefectType type,
            Medium medium,
            Policy defaultPolicy,
            DetectorThresholds defaultThresholds,
            String uid,
            String operatorName,
            OperatorFactory factory,
            String unit,
            Value value,
            Preset<?> preset,
            Trait... traits) {
        this.type = type;
        this.medium = medium;
        this.defaultPolicy = defaultPolicy;
        this.defaultThresholds = defaultThresholds;
        this.uid = uid;
        this.operatorName = operatorName;
        this.factory = factory;
        this.unit = unit;
        this.value = value;
        this.preset = preset;
        this.traits = traits.length == 0 ? EnumSet.noneOf(Trait.class) : EnumSet.of(traits[0], traits);
    }

    /** A detector built with its row's thresholds from the start profile. */
    private static <T extends DetectorThresholds> OperatorFactory detector(
            Function<T, KeyedProcessFunction<String, MediaEvent, MediaEvent>> create) {
        return (kind, profile) -> create.apply(kind.startThresholds(profile));
    }

    /** The same, for a detector whose per-stream state expires after the profile's state retention. */
    private static <T extends DetectorThresholds> OperatorFactory statefulDetector(
            BiFunction<T, Duration, KeyedProcessFunction<String, MediaEvent, MediaEvent>> create) {
        return (kind, profile) -> create.apply(kind.startThresholds(profile), profile.stateRetention());
    }

    @SuppressWarnings("unchecked")
    private <T extends DetectorThresholds> T startThresholds(DetectionProfile profile) {
        // Of the row's default's class: DetectionProfile.withThresholds accepts no other.
        return (T) defaultThresholds.getClass().cast(profile.thresholds(type));
    }

    private static Policy policy(long raiseAfterSeconds, long clearAfterSeconds, Severity severity) {
        return new Policy(true, Duration.ofSeconds(raiseAfterSeconds), Duration.ofSeconds(clearAfterSeconds), severity);
    }

    /** The row of {@code type}. */
    public static DefectKind of(DefectType type) {
        return BY_TYPE[type.ordinal()];
    }

    /** The built-in profile: every row's default policy and thresholds. */
    public static DetectionProfile defaultProfile() {
        Map<DefectType, Policy> policies = new EnumMap<>(DefectType.class);
        Map<DefectType, DetectorThresholds> thresholds = new EnumMap<>(DefectType.class);
        for (DefectKind kind : values()) {
            policies.put(kind.type, kind.defaultPolicy);
            if (kind.defaultThresholds != null) {
                thresholds.put(kind.type, kind.defaultThresholds);
            }
        }
        return new DetectionProfile(policies, thresholds, STATE_RETENTION);
    }

    public DefectType type() {
        return type;
    }

    public Medium medium() {
        return medium;
    }

    public boolean has(Trait trait) {
        return traits.contains(trait);
    }

    /** The operator's uid: savepoints map its state by it, so it never changes. */
    public String uid() {
        return uid;
    }

    /** The operator's name, in the web UI and in each event's {@code detector}. */
    public String operatorName() {
        return operatorName;
    }

    /** Unit of the event's value. */
    public String unit() {
        return unit;
    }

    /** The key that sets several of this type's thresholds at once, or null for a type without one. */
    public Preset<?> preset() {
        return preset;
    }

    /**
     * This type's measure on a record: the detector's, or for a per-channel type on a channel (from 0), that
     * channel's sample peak in dBFS, read from the block (nothing is stored per channel). NaN when there is none.
     */
    public double measure(MediaEvent event, int channel) {
        if (channel < 0 || !has(Trait.PER_CHANNEL)) {
            return event.measure(type);
        }
        return event.audio != null && channel < event.audio.getChannels().size()
                ? event.audio.getChannels().get(channel).getPeakDbfs()
                : Double.NaN;
    }

    /** This type's operator, built with the thresholds of {@code startProfile} for records that carry no profile. */
    public KeyedProcessFunction<String, MediaEvent, MediaEvent> operator(DetectionProfile startProfile) {
        return factory.apply(this, startProfile);
    }

    /**
     * The event's value from the per-record measures (see each detector for what it measures, and {@link Value}),
     * or null when there is none.
     */
    public Double value(double sum, long count, double max) {
        if (count == 0) {
            return value == Value.MEAN_OR_WHOLE_PICTURE ? 100.0 : null;
        }
        return switch (value) {
            case MEAN, MEAN_OR_WHOLE_PICTURE -> sum / count;
            case MEAN_PERCENT -> 100.0 * sum / count;
            case MAX -> max;
            case SUM -> sum;
            case NONE -> null;
        };
    }
}
