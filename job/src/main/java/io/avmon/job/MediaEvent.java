package io.avmon.job;

import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;

/**
 * The job's internal element: exactly one payload ({@link #video}, {@link #audio}, {@link #status},
 * {@link #defect} or {@link #deadLetter}) plus the detectors' verdicts on it.
 *
 * <p>A Flink POJO: public no-arg constructor and public fields; the Avro payloads travel with Flink's Avro
 * serializer, so nothing here falls back to Kryo ({@code pipeline.generic-types: false} holds).
 *
 * <p>Annotations: each detector sets the bit of its {@link DefectType} (by ordinal) in {@link #conditions}
 * when the record shows the condition, and stores its measure for the record in its own field. Primitive
 * fields, so annotating allocates nothing. With {@code pipeline.object-reuse} on, chained detectors annotate
 * the same instance in place; no operator may keep a reference to an element after emitting it.
 */
public class MediaEvent {

    /** What the element carries. */
    public enum Kind { VIDEO, AUDIO, STATUS, DEFECT, DEAD_LETTER, EMPTY }

    public static final long UNKNOWN_MEDIA_TIME = Long.MIN_VALUE;

    public String streamId;
    /** The converter's wall clock (epoch ms) at decode: the job's event time, shared by all streams. */
    public long ingestTimeMs;
    /** The payload's media time in µs from the stream's first timestamp; {@link #UNKNOWN_MEDIA_TIME} if none. */
    public long mediaTimeUs = UNKNOWN_MEDIA_TIME;

    public VideoFrameFeatures video;
    public AudioBlockFeatures audio;
    public StreamStatus status;
    public DefectEvent defect;
    public DeadLetter deadLetter;

    /** Detector verdicts: bit {@code 1L << type.ordinal()} is set when the record shows that defect. */
    public long conditions;
    /** BlackFrameDetector's measure: the frame's black pixel share, 0-1. */
    public float blackMeasure;
    /** ColorBarsDetector's measure: how many bar colours (of yellow, cyan, green, magenta, red, blue) it found in order. */
    public float colorBarsMeasure;
    /** FrameDropDetector's measure: frames lost in the hole right before this frame; 0 when none. */
    public float framesDropped;
    /** FrameDropDetector: media time (µs) where the first frame lost before this one was due; unknown when none. */
    public long frameDropStartUs = UNKNOWN_MEDIA_TIME;
    /** BlockCorruptionDetector's measure: share of the picture affected, %; 100 when the share is not measurable. */
    public float corruptionMeasure;
    /** FrozenFrameDetector: media time (µs) from which a freeze found at this key frame is proven; unknown when none. */
    public long frozenStartUs = UNKNOWN_MEDIA_TIME;
    /** FrozenFrameDetector's measure: the frame's difference to the previous frame, 8-bit levels. */
    public float frozenMeasure;
    /** AudioSilenceDetector's measure: the block's highest channel peak, dBFS. */
    public float silenceMeasure;
    /** AudioSilenceDetector's per-channel verdict: bit c set when channel c is silent (for channel loss). */
    public int silentChannels;
    /** AudioClippingDetector's measure: the worst channel's share of samples at full scale in the block, %. */
    public float clippingMeasure;
    /** AudioChannelLossDetector's per-channel verdict: bit c set when channel c is lost (silent while others sound). */
    public int lostChannels;
    /** LoudnessDetector's measure: BS.1770 short-term (3 s) loudness after this block, LUFS; NaN before 3 s of audio. */
    public float shortTermLoudnessLufs = Float.NaN;
    /** LoudnessDetector: media time (µs) where the violation this block shows began; unknown when none. */
    public long loudnessViolationStartUs = UNKNOWN_MEDIA_TIME;
    /** LoudnessDetector: momentary (400 ms) loudness after this block, LUFS; NaN before 400 ms of audio. */
    public float momentaryLoudnessLufs = Float.NaN;
    /** LoudnessDetector: gated integrated loudness of the stream so far, LUFS; NaN while all of it is below -70. */
    public float integratedLoudnessLufs = Float.NaN;

    /** AvSyncDetector's measure: the stream's A/V offset estimate after this record, ms, positive when the audio is late; NaN without one. */
    public float avSyncOffsetMs = Float.NaN;
    /** AvSyncDetector: media time (µs) from which the evidence for the offset beyond tolerance runs; unknown when none. */
    public long avSyncStartUs = UNKNOWN_MEDIA_TIME;

    /**
     * The stream's profile, attached at the head of the detector chain ({@link io.avmon.job.profile.ProfileAttacher}).
     * Transient, so Flink never serializes it: it lives only while the record passes the chain, which hands one
     * instance from operator to operator ({@code pipeline.object-reuse}). Null before the head.
     */
    public transient DetectionProfile profile;

    /** DefectLifecycle's view after this record: defects OPENED and not yet CLOSED on the stream. */
    public int openDefects;
    /** Types of those open defects, one bit per {@link DefectType} ordinal. */
    public long openDefectTypes;

    public MediaEvent() {}

    /** Wraps a converter record: {@link VideoFrameFeatures}, {@link AudioBlockFeatures}, {@link StreamStatus}, or a {@link DefectEvent}. */
    public static MediaEvent of(SpecificRecord record) {
        Objects.requireNonNull(record, "record");
        MediaEvent event = new MediaEvent();
        if (record instanceof VideoFrameFeatures v) {
            event.video = v;
            event.streamId = v.getStreamId();
            event.ingestTimeMs = v.getIngestTimeMs();
            event.mediaTimeUs = v.getMediaTimeUs();
        } else if (record instanceof AudioBlockFeatures a) {
            event.audio = a;
            event.streamId = a.getStreamId();
            event.ingestTimeMs = a.getIngestTimeMs();
            event.mediaTimeUs = a.getMediaTimeUs();
        } else if (record instanceof StreamStatus s) {
            event.status = s;
            event.streamId = s.getStreamId();
            event.ingestTimeMs = s.getIngestTimeMs();
            event.mediaTimeUs = s.getLastMediaTimeUs() == null ? UNKNOWN_MEDIA_TIME : s.getLastMediaTimeUs();
        } else if (record instanceof DefectEvent d) {
            event.defect = d;
            event.streamId = d.getStreamId();
            event.ingestTimeMs = d.getEndWallClockMs() != null ? d.getEndWallClockMs() : d.getStartWallClockMs();
        } else {
            throw new IllegalArgumentException("not an avmon input record: " + record.getSchema().getFullName());
        }
        return event;
    }

    /** Wraps an undecodable input record. Its streamId is the record key read as UTF-8, or "" without a key. */
    public static MediaEvent ofDeadLetter(DeadLetter deadLetter, long ingestTimeMs) {
        MediaEvent event = new MediaEvent();
        event.deadLetter = deadLetter;
        event.streamId = deadLetter.key == null ? "" : new String(deadLetter.key, java.nio.charset.StandardCharsets.UTF_8);
        event.ingestTimeMs = ingestTimeMs;
        return event;
    }

    public Kind kind() {
        if (video != null) return Kind.VIDEO;
        if (audio != null) return Kind.AUDIO;
        if (status != null) return Kind.STATUS;
        if (defect != null) return Kind.DEFECT;
        if (deadLetter != null) return Kind.DEAD_LETTER;
        return Kind.EMPTY;
    }

    public boolean hasCondition(DefectType type) {
        return (conditions & bit(type)) != 0;
    }

    /** Records a detector's verdict. */
    public void markCondition(DefectType type, boolean present) {
        if (present) {
            conditions |= bit(type);
        } else {
            conditions &= ~bit(type);
        }
    }

    /** The measure a detector stored for {@code type}, or NaN for types without one. */
    public double measure(DefectType type) {
        return switch (type) {
            case BLACK_FRAMES -> blackMeasure;
            case FROZEN_FRAMES -> frozenMeasure;
            case COLOR_BARS -> colorBarsMeasure;
            case FRAME_DROP -> framesDropped;
            case BLOCK_CORRUPTION -> corruptionMeasure;
            case AUDIO_SILENCE -> silenceMeasure;
            case AUDIO_CLIPPING -> clippingMeasure;
            case LOUDNESS_VIOLATION -> shortTermLoudnessLufs;
            case AV_SYNC_OFFSET -> avSyncOffsetMs;
            default -> Double.NaN;
        };
    }

    /**
     * Media time (µs) at which the condition of {@code type} shown by this record began: the record's own media time,
     * except where the detector dates it earlier: a frame drop where the first lost frame was due, a loudness
     * violation where the momentary reading crossed the bound, an A/V offset where its evidence begins.
     */
    public long conditionStartUs(DefectType type) {
        if (type == DefectType.FRAME_DROP && frameDropStartUs != UNKNOWN_MEDIA_TIME) {
            return frameDropStartUs;
        }
        if (type == DefectType.FROZEN_FRAMES && frozenStartUs != UNKNOWN_MEDIA_TIME) {
            return frozenStartUs;
        }
        if (type == DefectType.LOUDNESS_VIOLATION && loudnessViolationStartUs != UNKNOWN_MEDIA_TIME) {
            return loudnessViolationStartUs;
        }
        if (type == DefectType.AV_SYNC_OFFSET && avSyncStartUs != UNKNOWN_MEDIA_TIME) {
            return avSyncStartUs;
        }
        return mediaTimeUs;
    }

    /**
     * Per-channel verdicts of a per-channel type ({@link io.avmon.job.defect.DefectKinds#perChannel}): bit c set
     * when channel c shows it. 0 for other types.
     */
    public int channelConditions(DefectType type) {
        return type == DefectType.AUDIO_CHANNEL_LOSS ? lostChannels : 0;
    }

    /**
     * The measure of a per-channel type on {@code channel}, read from the payload (nothing is stored per
     * channel): for channel loss, the channel's sample peak in dBFS. NaN when there is none.
     */
    public double measure(DefectType type, int channel) {
        if (channel < 0) {
            return measure(type);
        }
        if (type == DefectType.AUDIO_CHANNEL_LOSS && audio != null && channel < audio.getChannels().size()) {
            return audio.getChannels().get(channel).getPeakDbfs();
        }
        return Double.NaN;
    }

    public static long bit(DefectType type) {
        return 1L << type.ordinal();
    }

    @Override
    public String toString() {
        return "MediaEvent{" + streamId + " " + kind() + " t=" + (mediaTimeUs == UNKNOWN_MEDIA_TIME ? "?" : mediaTimeUs / 1000 + "ms")
                + " ingest=" + ingestTimeMs + " conditions=" + Long.toBinaryString(conditions) + "}";
    }
}
