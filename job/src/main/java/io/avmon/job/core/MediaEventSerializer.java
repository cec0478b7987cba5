package io.avmon.job.core;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.types.StringValue;

/**
 * How a {@link MediaEvent} crosses the keyBy (every record does, once): a byte of which fields are present, the
 * scalars, then only the payload present, each Avro payload with Flink's {@link AvroSerializer} as before.
 *
 * <p>Why not Flink's POJO serializer, which it replaces: reading a record, that one creates an instance of every
 * Avro payload field by reflection before it reads which are null (three records made and dropped per element), and
 * reaches every field by reflection. With the Avro writes and reads, that was a fifth of the job's CPU
 * (benchmarks/results/scale.md).
 *
 * <p>No element is kept in keyed state or in a savepoint, so the format only has to match between the two ends of a
 * running job (an aligned checkpoint holds no record in flight).
 */
public final class MediaEventSerializer extends TypeSerializer<MediaEvent> {
    private static final long serialVersionUID = 1L;

    private static final int STREAM_ID = 1;
    private static final int VIDEO = 1 << 1;
    private static final int AUDIO = 1 << 2;
    private static final int STATUS = 1 << 3;
    private static final int DEAD_LETTER = 1 << 4;
    private static final int MEASURES = 1 << 5;
    private static final int CONDITION_STARTS = 1 << 6;
    private static final int CHANNEL_CONDITIONS = 1 << 7;
    private static final int PROFILE = 1 << 8;

    // Stateful (Avro's reused encoders, the last profile read): duplicate() gives each thread fresh ones.
    private final AvroSerializer<VideoFrameFeatures> video = new AvroSerializer<>(VideoFrameFeatures.class);
    private final AvroSerializer<AudioBlockFeatures> audio = new AvroSerializer<>(AudioBlockFeatures.class);
    private final AvroSerializer<StreamStatus> status = new AvroSerializer<>(StreamStatus.class);
    private final TypeSerializer<DeadLetter> deadLetter =
            TypeInformation.of(DeadLetter.class).createSerializer(new SerializerConfigImpl());
    private final DetectionProfileSerializer profile = new DetectionProfileSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<MediaEvent> duplicate() {
        return new MediaEventSerializer();
    }

    @Override
    public MediaEvent createInstance() {
        return new MediaEvent();
    }

    @Override
    public MediaEvent copy(MediaEvent from) {
        MediaEvent to = new MediaEvent();
        to.streamId = from.streamId;
        to.ingestTimeMs = from.ingestTimeMs;
        to.mediaTimeUs = from.mediaTimeUs;
        to.video = from.video == null ? null : video.copy(from.video);
        to.audio = from.audio == null ? null : audio.copy(from.audio);
        to.status = from.status == null ? null : status.copy(from.status);
        to.deadLetter = from.deadLetter == null ? null : deadLetter.copy(from.deadLetter);
        to.conditions = from.conditions;
        to.measures = from.measures == null ? null : from.measures.clone();
        to.conditionStartsUs = from.conditionStartsUs == null ? null : from.conditionStartsUs.clone();
        to.channelConditions = from.channelConditions == null ? null : from.channelConditions.clone();
        to.profile = from.profile; // immutable
        to.openDefects = from.openDefects;
        to.openDefectTypes = from.openDefectTypes;
        return to;
    }

    @Override
    public MediaEvent copy(MediaEvent from, MediaEvent reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(MediaEvent e, DataOutputView out) throws IOException {
        int present = (e.streamId != null ? STREAM_ID : 0)
                | (e.video != null ? VIDEO : 0)
                | (e.audio != null ? AUDIO : 0)
                | (e.status != null ? STATUS : 0)
                | (e.deadLetter != null ? DEAD_LETTER : 0)
                | (e.measures != null ? MEASURES : 0)
                | (e.conditionStartsUs != null ? CONDITION_STARTS : 0)
                | (e.channelConditions != null ? CHANNEL_CONDITIONS : 0)
                | (e.profile != null ? PROFILE : 0);
        out.writeShort(present);
        if (e.streamId != null) {
            StringValue.writeString(e.streamId, out);
        }
        out.writeLong(e.ingestTimeMs);
        out.writeLong(e.mediaTimeUs);
        out.writeLong(e.conditions);
        out.writeInt(e.openDefects);
        out.writeLong(e.openDefectTypes);
        if (e.video != null) {
            video.serialize(e.video, out);
        }
        if (e.audio != null) {
            audio.serialize(e.audio, out);
        }
        if (e.status != null) {
            status.serialize(e.status, out);
        }
        if (e.deadLetter != null) {
            deadLetter.serialize(e.deadLetter, out);
        }
        if (e.measures != null) {
            out.writeInt(e.measures.length);
            for (float m : e.measures) {
                out.writeFloat(m);
            }
        }
        if (e.conditionStartsUs != null) {
            out.writeInt(e.conditionStartsUs.length);
            for (long start : e.conditionStartsUs) {
                out.writeLong(start);
            }
        }
        if (e.channelConditions != null) {
            out.writeInt(e.channelConditions.length);
            for (int channels : e.channelConditions) {
                out.writeInt(channels);
            }
        }
        if (e.profile != null) {
            profile.serialize(e.profile, out);
        }
    }

    @Override
    public MediaEvent deserialize(DataInputView in) throws IOException {
        MediaEvent e = new MediaEvent();
        int present = in.readUnsignedShort();
        if ((present & STREAM_ID) != 0) {
            e.streamId = StringValue.readString(in);
        }
        e.ingestTimeMs = in.readLong();
        e.mediaTimeUs = in.readLong();
        e.conditions = in.readLong();
        e.openDefects = in.readInt();
        e.openDefectTypes = in.readLong();
        if ((present & VIDEO) != 0) {
            e.video = video.deserialize(in);
        }
        if ((present & AUDIO) != 0) {
            e.audio = audio.deserialize(in);
        }
        if ((present & STATUS) != 0) {
            e.status = status.deserialize(in);
        }
        if ((present & DEAD_LETTER) != 0) {
            e.deadLetter = deadLetter.deserialize(in);
        }
        if ((present & MEASURES) != 0) {
            e.measures = new float[in.readInt()];
            for (int i = 0; i < e.measures.length; i++) {
                e.measures[i] = in.readFloat();
            }
        }
        if ((present & CONDITION_STARTS) != 0) {
            e.conditionStartsUs = new long[in.readInt()];
            for (int i = 0; i < e.conditionStartsUs.length; i++) {
                e.conditionStartsUs[i] = in.readLong();
            }
        }
        if ((present & CHANNEL_CONDITIONS) != 0) {
            e.channelConditions = new int[in.readInt()];
            for (int i = 0; i < e.channelConditions.length; i++) {
                e.channelConditions[i] = in.readInt();
            }
        }
        if ((present & PROFILE) != 0) {
            e.profile = profile.deserialize(in);
        }
        return e;
    }

    @Override
    public MediaEvent deserialize(MediaEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof MediaEventSerializer;
    }

    @Override
    public int hashCode() {
        return MediaEventSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<MediaEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer; there is nothing to configure. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MediaEvent> {
        public Snapshot() {
            super(MediaEventSerializer::new);
        }
    }

    /** Named by {@link MediaEvent}'s {@code @TypeInfo}, so Flink uses this serializer wherever an element travels. */
    public static final class Factory extends TypeInfoFactory<MediaEvent> {
        @Override
        public TypeInformation<MediaEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new AtomicTypeInfo<>(MediaEvent.class, MediaEventSerializer::new);
        }
    }
}
