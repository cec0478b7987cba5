package io.avmon.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.Features;
import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.DeadLetterCause;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Severity;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class MediaEventDeserializerTest {
    /** The job's clock in these tests: an hour after the test features' ingest epoch. */
    private static final long NOW_MS = Features.EPOCH_MS + 3_600_000;

    private final MediaEventDeserializer deserializer = new MediaEventDeserializer(() -> NOW_MS);

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(Topics.FEATURES, 2, 41, "cam-1".getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void picksEachRecordsSchemaByItsFingerprintOnTheOneFeatureTopic() {
        MediaEvent video = deserializer.toMediaEvent(
                record(RecordCodec.encode(Features.frame("cam-1", 7, Features.moving(new Random(3))))));
        assertThat(video.kind()).isEqualTo(MediaEvent.Kind.VIDEO);
        assertThat(video.streamId).isEqualTo("cam-1");
        assertThat(video.mediaTimeUs).isEqualTo(280_000);

        MediaEvent audio = deserializer.toMediaEvent(record(RecordCodec.encode(Features.block("cam-1", 1, -20f, -6f))));
        assertThat(audio.kind()).isEqualTo(MediaEvent.Kind.AUDIO);
        assertThat(audio.mediaTimeUs).isEqualTo(100_000);
        assertThat(deserializer
                        .toMediaEvent(record(RecordCodec.encode(Features.ended("cam-1", 0))))
                        .kind())
                .isEqualTo(MediaEvent.Kind.STATUS);
    }

    @Test
    void readsAudioBlocksAConverterOfTheFirstReleaseWrote() throws Exception {
        Schema first;
        try (var in = RecordCodec.class.getResourceAsStream("history/AudioBlockFeatures-1.avsc")) {
            first = new Schema.Parser().parse(in);
        }
        GenericRecord channel =
                new GenericData.Record(first.getField("channels").schema().getElementType());
        channel.put("rmsDbfs", -20f);
        channel.put("peakDbfs", -6f);
        channel.put("nearFullScaleSamples", 0);
        channel.put("kWeightedMeanSquare", 0.01);
        GenericRecord block = new GenericData.Record(first);
        block.put("streamId", "cam-1");
        block.put("sequence", 4L);
        block.put("mediaTimeUs", 400_000L);
        block.put("ingestTimeMs", NOW_MS - 1_000);
        block.put("sampleRate", 48_000);
        block.put("sampleCount", 4_800);
        block.put("channelCount", 1);
        block.put("channels", List.of(channel));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), first)
                .encode(block)
                .array();

        MediaEvent event = deserializer.toMediaEvent(record(bytes));
        assertThat(event.kind()).isEqualTo(MediaEvent.Kind.AUDIO);
        assertThat(event.audio.getChannels().get(0).getPeakDbfs()).isEqualTo(-6f);
        assertThat(event.mediaTimeUs).isEqualTo(400_000L);
    }

    @Test
    void garbageBecomesADeadLetterWithTheRawBytesAndAOneLineCause() {
        byte[] garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        MediaEvent event = deserializer.toMediaEvent(record(garbage));
        assertThat(event.kind()).isEqualTo(MediaEvent.Kind.DEAD_LETTER);
        DeadLetter letter = event.deadLetter;
        assertThat(letter.value).isEqualTo(garbage);
        assertThat(letter.key).isEqualTo("cam-1".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.topic).isEqualTo(Topics.FEATURES);
        assertThat(letter.partition).isEqualTo(2);
        assertThat(letter.offset).isEqualTo(41);
        assertThat(letter.error).contains("single-object").doesNotContain("\n");
        assertThat(letter.cause).isEqualTo(DeadLetterCause.NOT_AVRO);
        assertThat(event.streamId).isEqualTo("cam-1");
    }

    @Test
    void unknownFingerprintOrTruncatedRecordBecomesADeadLetter() {
        byte[] video = RecordCodec.encode(Features.frame("cam-1", 7, Features.moving(new Random(3))));
        byte[] unknown = video.clone();
        unknown[5] ^= 0x5A;
        DeadLetter unknownLetter = deserializer.toMediaEvent(record(unknown)).deadLetter;
        assertThat(unknownLetter.error)
                .startsWith("unknown writer schema fingerprint " + RecordCodec.fingerprintHex(unknown));
        assertThat(unknownLetter.cause).isEqualTo(DeadLetterCause.UNKNOWN_SCHEMA);
        DeadLetter truncated = deserializer.toMediaEvent(record(Arrays.copyOf(video, 40))).deadLetter;
        assertThat(truncated.error).contains("corrupt Avro body");
        assertThat(truncated.cause).isEqualTo(DeadLetterCause.NOT_AVRO);
        DeadLetter tombstone = deserializer.toMediaEvent(record(null)).deadLetter;
        assertThat(tombstone.error).contains("tombstone");
        assertThat(tombstone.cause).isEqualTo(DeadLetterCause.NOT_AVRO);
    }

    @Test
    void aWellFormedRecordBreakingAValueRuleBecomesADeadLetterWithItsCause() {
        VideoFrameFeatures frame = Features.frame("cam-1", 7, Features.moving(new Random(3)));
        frame.setBlackPixelShare(Float.NaN);
        byte[] bytes = RecordCodec.encode(frame);
        MediaEvent event = deserializer.toMediaEvent(record(bytes));
        assertThat(event.kind()).isEqualTo(MediaEvent.Kind.DEAD_LETTER);
        assertThat(event.deadLetter.cause).isEqualTo(DeadLetterCause.NON_FINITE_MEASURE);
        assertThat(event.deadLetter.error).isEqualTo("VideoFrameFeatures.blackPixelShare is NaN");
        assertThat(event.deadLetter.value).isEqualTo(bytes);
    }

    @Test
    void anAvmonRecordThatIsNoFeatureRecordBecomesADeadLetterNamingIt() {
        DefectEvent defect = openedBlackFrames();
        assertThat(deserializer.toMediaEvent(record(RecordCodec.encode(defect))).deadLetter.error)
                .startsWith("unknown writer schema fingerprint")
                .doesNotContain("\n");
    }

    @Test
    void sinksWriteKeyedSingleObjectRecordsAndDeadLettersWithTheCauseHeader() {
        DefectEvent defect = openedBlackFrames();
        ProducerRecord<byte[], byte[]> out =
                new AvroRecordSerializer<DefectEvent>(Topics.DEFECTS).serialize(defect, null, 5L);
        assertThat(out.topic()).isEqualTo(Topics.DEFECTS);
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("cam-1");
        assertThat(RecordCodec.decode(RecordCodec.decoder(DefectEvent.class, null), out.value()))
                .isEqualTo(defect);

        DeadLetter letter =
                new DeadLetter(Topics.FEATURES, 0, 9, null, new byte[] {1}, DeadLetterCause.NOT_AVRO, "bad header");
        ProducerRecord<byte[], byte[]> dead = new DeadLetterSerializer(Topics.DEAD_LETTER).serialize(letter, null, 5L);
        assertThat(dead.value()).isEqualTo(new byte[] {1});
        assertThat(new String(dead.headers().lastHeader("avmon.error").value(), StandardCharsets.UTF_8))
                .isEqualTo("bad header");
        assertThat(new String(dead.headers().lastHeader("avmon.cause").value(), StandardCharsets.UTF_8))
                .isEqualTo("not_avro");
    }

    private static DefectEvent openedBlackFrames() {
        return DefectEvent.newBuilder()
                .setEventId("id")
                .setStreamId("cam-1")
                .setDefectType(DefectType.BLACK_FRAMES)
                .setState(DefectState.OPENED)
                .setStartMediaTimeMs(1)
                .setStartWallClockMs(2)
                .setSeverity(Severity.MAJOR)
                .setUnit("%")
                .setDetector("BlackFrameDetector")
                .build();
    }
}
