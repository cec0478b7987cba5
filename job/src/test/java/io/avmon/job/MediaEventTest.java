package io.avmon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avmon.job.audio.LoudnessMeter;
import io.avmon.job.core.AtomicTypeInfo;
import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.DeadLetterCause;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.defect.DefectTrack;
import io.avmon.job.detect.BlackFrameDetector;
import io.avmon.job.detect.FrameDropDetector;
import io.avmon.job.detect.FrozenFrameDetector;
import io.avmon.job.detect.LoudnessWatch;
import io.avmon.job.detect.StreamStallDetector;
import io.avmon.job.health.HealthAccumulator;
import io.avmon.schema.DefectType;
import io.avmon.schema.StreamHealth;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The job's own types stay on their own, Flink's POJO and Avro serializers: none may fall back to Kryo. */
class MediaEventTest {

    private static <T> T roundTrip(TypeInformation<T> type, T value) throws Exception {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<T> serializer = type.createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(value, out);
        T copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        // Float.compare, so a measure not yet taken (NaN) equals itself.
        assertThat(serializer.copy(value))
                .usingRecursiveComparison()
                .withComparatorForType(Float::compare, Float.class)
                .isEqualTo(value);
        return copy;
    }

    @Test
    void mediaEventHasItsOwnSerializerWithEveryPayloadSerializableWithoutKryo() throws Exception {
        TypeInformation<MediaEvent> type = TypeInformation.of(MediaEvent.class);
        assertThat(type).isInstanceOf(AtomicTypeInfo.class);

        MediaEvent video = MediaEvent.of(Features.frame("s", 3, Features.black(new Random(1))));
        video.markCondition(DefectType.BLACK_FRAMES, true);
        video.setMeasure(DefectType.BLACK_FRAMES, 0.99f);
        video.openDefects = 1;
        video.openDefectTypes = MediaEvent.bit(DefectType.BLACK_FRAMES);
        video.setConditionStart(DefectType.BLACK_FRAMES, 40_000);
        video.markChannels(DefectType.AUDIO_CHANNEL_LOSS, 0b10);
        video.profile = DefectKind.defaultProfile();
        MediaEvent copy = roundTrip(type, video);
        assertThat(copy.video).isEqualTo(video.video);
        assertThat(copy.streamId).isEqualTo("s");
        assertThat(copy.ingestTimeMs).isEqualTo(video.ingestTimeMs);
        assertThat(copy.measures).containsExactly(video.measures);
        assertThat(copy.conditionStartUs(DefectType.BLACK_FRAMES)).isEqualTo(40_000);
        assertThat(copy.channelConditions(DefectType.AUDIO_CHANNEL_LOSS)).isEqualTo(0b10);
        assertThat(copy.openDefectTypes).isEqualTo(video.openDefectTypes);
        assertThat(copy.profile).isEqualTo(video.profile);
        assertThat(copy.audio).isNull();
        assertThat(copy.status).isNull();
        assertThat(copy.deadLetter).isNull();
        assertThat(copy.hasCondition(DefectType.BLACK_FRAMES)).isTrue();
        assertThat(copy.mediaTimeUs).isEqualTo(120_000);
        assertThat(copy.openDefects).isEqualTo(1);

        assertThat(roundTrip(type, MediaEvent.of(Features.block("s", 1, -20f, -6f)))
                        .audio
                        .getChannels())
                .hasSize(2);
        assertThat(roundTrip(type, MediaEvent.of(Features.ended("s", 5_000_000)))
                        .status
                        .getLastMediaTimeUs())
                .isEqualTo(5_000_000);
        MediaEvent dead = MediaEvent.ofDeadLetter(
                new DeadLetter("t", 1, 2, "k".getBytes(), new byte[] {9}, DeadLetterCause.NOT_AVRO, "bad"), 5);
        assertThat(roundTrip(type, dead).deadLetter).isEqualTo(dead.deadLetter);
        assertThat(dead.streamId).isEqualTo("k");
    }

    @Test
    void theProfileTravelsWithTheRecordAndIsNeverCopiedWithinAChain() throws Exception {
        TypeInformation<MediaEvent> type = TypeInformation.of(MediaEvent.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<MediaEvent> serializer = type.createSerializer(config);
        MediaEvent frame = MediaEvent.of(Features.frame("s", 3, Features.black(new Random(1))));
        frame.profile = DefectKind.defaultProfile()
                .withThresholds(DefectType.BLACK_FRAMES, new BlackFrameDetector.Thresholds(0.9, 4, 5, 0.98));

        assertThat(serializer.copy(frame).profile)
                .as("a chained hand-over copies no profile")
                .isSameAs(frame.profile);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(frame, out);
        serializer.serialize(frame, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        MediaEvent first = serializer.deserialize(in);
        MediaEvent second = serializer.deserialize(in);
        assertThat(first.profile).as("an unchained hop carries it whole").isEqualTo(frame.profile);
        assertThat(second.profile)
                .as("an equal profile read again is the same instance, so detectors skip it")
                .isSameAs(first.profile);
    }

    @Test
    void stateAndAccumulatorTypesArePojos() throws Exception {
        assertThat(TypeInformation.of(DefectTrack.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(FrozenFrameDetector.Reference.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(HealthAccumulator.class)).isInstanceOf(PojoTypeInfo.class);
        // Keyed state that savepoints carry: a type that stops being a POJO falls back to Kryo and breaks restore.
        assertThat(TypeInformation.of(LoudnessWatch.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(FrameDropDetector.Cadence.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(StreamStallDetector.Stall.class)).isInstanceOf(PojoTypeInfo.class);
        HealthAccumulator acc = new HealthAccumulator();
        acc.weightedMeanSquares[3] = 0.5;
        roundTrip(TypeInformation.of(HealthAccumulator.class), acc);
        assertThat(TypeInformation.of(LoudnessMeter.class)).isInstanceOf(PojoTypeInfo.class);
        LoudnessMeter meter = new LoudnessMeter();
        for (int i = 0; i < 40; i++) meter.add(0.01);
        assertThat(roundTrip(TypeInformation.of(LoudnessMeter.class), meter).integratedLufs())
                .isEqualTo(meter.integratedLufs());
        DefectTrack track = new DefectTrack();
        track.defectType = DefectType.FROZEN_FRAMES;
        roundTrip(TypeInformation.of(DefectTrack.class), track);
    }

    @Test
    void ofRejectsRecordsThatAreNotInputs() {
        assertThatThrownBy(() -> MediaEvent.of(StreamHealth.newBuilder()
                        .setStreamId("s")
                        .setWindowStartMs(0)
                        .setWindowEndMs(1)
                        .setVideoFrames(0)
                        .setFramesPerSecond(0)
                        .setAudioBlocks(0)
                        .setBlackSeconds(0)
                        .setFrozenSeconds(0)
                        .setSilentSeconds(0)
                        .setDecodeErrorFrames(0)
                        .setOpenDefects(0)
                        .build()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
