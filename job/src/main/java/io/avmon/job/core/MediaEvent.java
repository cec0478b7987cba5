package io.avmon.job.core;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectType;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The job's internal element: exactly one payload ({@link #video}, {@link #audio}, {@link #status} or
 * {@link #deadLetter}) plus the detectors' verdicts on it.
 *
 * <p>Public no-arg constructor and public fields; it travels with {@link MediaEventSerializer} (named below), its
 * Avro payloads with Flink's Avro serializer, so nothing here falls back to Kryo ({@code pipeline.generic-types:
 * false} holds).
 *
 * <p>Annotations: each detector sets the bit of its {@link DefectType} (by ordinal) in {@link #conditions}
 * when the record shows the condition, and stores its measure for the record under its type ({@link #measure}).
 * No field belongs to one detector, so a new detector adds none. With {@code pipeline.object-reuse} on, chained
 * detectors annotate the same instance in place; no operator may keep a reference to an element after emitting it.
 */
@TypeInfo(MediaEventSerializer.Factory.class)
public class MediaEvent {

    /** What the element carries. */
    public enum Kind {
        VIDEO,
        AUDIO,
        STATUS,
        DEAD_LETTER,
        EMPTY
    }

    public static final long UNKNOWN_MEDIA_TIME = Long.MIN_VALUE;
    private static final int TYPE_COUNT = DefectType.values().length;

    public String streamId;
    /** The converter's wall clock (epoch ms) at decode: the job's event time, shared by all streams. */
    public long ingestTimeMs;
    /** The payload's media time in µs from the stream's first timestamp; {@link #UNKNOWN_MEDIA_TIME} if none. */
    public long mediaTimeUs = UNKNOWN_MEDIA_TIME;

    public VideoFrameFeatures video;
    public AudioBlockFeatures audio;
    public StreamStatus status;
    public DeadLetter deadLetter;

    /** Detector verdicts: bit {@code 1L << type.ordinal()} is set when the record shows that defect. */
    public long conditions;
    /**
     * Each detector's measure for the record, by {@link DefectType} ordinal, in the unit of its kind's value
     * ({@code DefectKind}); NaN where no detector measured. Allocated by the first measure, so a record no detector
     * judges (a status) carries none.
     */
    public float[] measures;
    /**
     * Media time (µs) from which a detector dates the condition this record shows, by {@link DefectType} ordinal,
     * where it dates it before the record (a frame drop where the first lost frame was due, a freeze from its still's
     * first frame, a loudness violation where the momentary reading crossed, an A/V offset where its evidence
     * begins); {@link #UNKNOWN_MEDIA_TIME} elsewhere. Allocated only when a detector dates a start.
     */
    public long[] conditionStartsUs;
    /**
     * Per-channel verdicts of a per-channel kind (channel loss), by {@link DefectType} ordinal: bit c set when
     * channel c shows it. Allocated only when a channel shows one.
     */
    public int[] channelConditions;

    /**
     * The stream's profile, attached at the head of the detector chain ({@link io.avmon.job.profile.ProfileAttacher}).
     * Within a fused chain it is handed on as the same immutable instance; across an unchained hop it is written
     * compactly ({@link DetectionProfileSerializer}), so per-stream profiles hold however the job is chained. Null
     * before the head.
     */
    public DetectionProfile profile;

    /** DefectLifecycle's view after this record: defects OPENED and not yet CLOSED on the stream. */
    public int openDefects;
    /** Types of those open defects, one bit per {@link DefectType} ordinal. */
    public long openDefectTypes;

    public MediaEvent() {}

    /** Wraps a converter record: {@link VideoFrameFeatures}, {@link AudioBlockFeatures} or {@link StreamStatus}. */
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
        } else {
            throw new IllegalArgumentException(
                    "not an avmon input record: " + record.getSchema().getFullName());
        }
        return event;
    }

    /** Wraps an undecodable input record. Its streamId is the record key read as UTF-8, or "" without a key. */
    public static MediaEvent ofDeadLetter(DeadLetter deadLetter, long ingestTimeMs) {
        MediaEvent event = new MediaEvent();
        event.deadLetter = deadLetter;
        event.streamId = deadLetter.key == null ? "" : new String(deadLetter.key, StandardCharsets.UTF_8);
        event.ingestTimeMs = ingestTimeMs;
        return event;
    }

    public Kind kind() {
        if (video != null) return Kind.VIDEO;
        if (audio != null) return Kind.AUDIO;
        if (status != null) return Kind.STATUS;
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

    /** The measure a detector stored for {@code type} on this record, or NaN when none did. */
    public double measure(DefectType type) {
        return measures == null ? Double.NaN : measures[type.ordinal()];
    }

    /** Stores a detector's measure for {@code type}: NaN says the record gave none. */
    public void setMeasure(DefectType type, double measure) {
        if (measures == null) {
            measures = new float[TYPE_COUNT];
            Arrays.fill(measures, Float.NaN);
        }
        measures[type.ordinal()] = (float) measure;
    }

    /**
     * Media time (µs) at which the condition of {@code type} shown by this record began: the record's own media time,
     * except where the detector dated it earlier ({@link #setConditionStart}).
     */
    public long conditionStartUs(DefectType type) {
        long dated = conditionStartsUs == null ? UNKNOWN_MEDIA_TIME : conditionStartsUs[type.ordinal()];
        return dated != UNKNOWN_MEDIA_TIME ? dated : mediaTimeUs;
    }

    /** Dates the condition of {@code type} this record shows from {@code startUs}; {@link #UNKNOWN_MEDIA_TIME} undoes it. */
    public void setConditionStart(DefectType type, long startUs) {
        if (conditionStartsUs == null) {
            if (startUs == UNKNOWN_MEDIA_TIME) {
                return;
            }
            conditionStartsUs = new long[TYPE_COUNT];
            Arrays.fill(conditionStartsUs, UNKNOWN_MEDIA_TIME);
        }
        conditionStartsUs[type.ordinal()] = startUs;
    }

    /** Per-channel verdicts of a per-channel type: bit c set when channel c shows it. 0 for other types. */
    public int channelConditions(DefectType type) {
        return channelConditions == null ? 0 : channelConditions[type.ordinal()];
    }

    /** Records a per-channel detector's verdicts: bit c set when channel c shows the condition. */
    public void markChannels(DefectType type, int channels) {
        if (channelConditions == null) {
            if (channels == 0) {
                return;
            }
            channelConditions = new int[TYPE_COUNT];
        }
        channelConditions[type.ordinal()] = channels;
    }

    public static long bit(DefectType type) {
        return 1L << type.ordinal();
    }

    @Override
    public String toString() {
        return "MediaEvent{" + streamId + " " + kind() + " t="
                + (mediaTimeUs == UNKNOWN_MEDIA_TIME ? "?" : mediaTimeUs / 1000 + "ms") + " ingest=" + ingestTimeMs
                + " conditions=" + Long.toBinaryString(conditions) + "}";
    }
}
