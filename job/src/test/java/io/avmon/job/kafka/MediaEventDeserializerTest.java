package io.avmon.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.avmon.job.Features;
import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Severity;
import io.avmon.schema.Topics;

class MediaEventDeserializerTest {
    private final MediaEventDeserializer deserializer =
            new MediaEventDeserializer(Topics.VIDEO_FEATURES, Topics.AUDIO_FEATURES, Topics.STREAM_STATUS);

    private static ConsumerRecord<byte[], byte[]> record(String topic, byte[] value) {
        return new ConsumerRecord<>(topic, 2, 41, "cam-1".getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void decodesEachInputTopicWithItsSchema() {
        MediaEvent video = deserializer.toMediaEvent(record(Topics.VIDEO_FEATURES,
                RecordCodec.encode(Features.frame("cam-1", 7, Features.moving(new Random(3))))));
        assertThat(video.kind()).isEqualTo(MediaEvent.Kind.VIDEO);
        assertThat(video.streamId).isEqualTo("cam-1");
        assertThat(video.mediaTimeUs).isEqualTo(280_000);

        assertThat(deserializer.toMediaEvent(record(Topics.AUDIO_FEATURES,
                RecordCodec.encode(Features.block("cam-1", 1, -20f, -6f)))).kind()).isEqualTo(MediaEvent.Kind.AUDIO);
        assertThat(deserializer.toMediaEvent(record(Topics.STREAM_STATUS,
                RecordCodec.encode(Features.ended("cam-1", 0)))).kind()).isEqualTo(MediaEvent.Kind.STATUS);
    }

    @Test
    void garbageBecomesADeadLetterWithTheRawBytesAndAOneLineCause() {
        byte[] garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        MediaEvent event = deserializer.toMediaEvent(record(Topics.VIDEO_FEATURES, garbage));
        assertThat(event.kind()).isEqualTo(MediaEvent.Kind.DEAD_LETTER);
        DeadLetter letter = event.deadLetter;
        assertThat(letter.value).isEqualTo(garbage);
        assertThat(letter.key).isEqualTo("cam-1".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.topic).isEqualTo(Topics.VIDEO_FEATURES);
        assertThat(letter.partition).isEqualTo(2);
        assertThat(letter.offset).isEqualTo(41);
        assertThat(letter.error).contains("single-object").doesNotContain("\n");
        assertThat(event.streamId).isEqualTo("cam-1");
    }

    @Test
    void recordOfTheWrongSchemaOrTruncatedBecomesADeadLetter() {
        byte[] audio = RecordCodec.encode(Features.block("cam-1", 1, -20f, -6f));
        assertThat(deserializer.toMediaEvent(record(Topics.VIDEO_FEATURES, audio)).deadLetter.error).contains("fingerprint");
        byte[] video = RecordCodec.encode(Features.frame("cam-1", 7, Features.moving(new Random(3))));
        assertThat(deserializer.toMediaEvent(record(Topics.VIDEO_FEATURES, Arrays.copyOf(video, 40))).deadLetter).isNotNull();
        assertThat(deserializer.toMediaEvent(record(Topics.VIDEO_FEATURES, null)).deadLetter.error).contains("tombstone");
        assertThat(deserializer.toMediaEvent(record("other", video)).deadLetter.error).contains("unexpected topic");
    }

    @Test
    void sinksWriteKeyedSingleObjectRecordsAndDeadLettersWithTheCauseHeader() {
        DefectEvent defect = DefectEvent.newBuilder().setEventId("id").setStreamId("cam-1").setDefectType(DefectType.BLACK_FRAMES)
                .setState(DefectState.OPENED).setStartMediaTimeMs(1).setStartWallClockMs(2).setSeverity(Severity.MAJOR)
                .setUnit("%").setDetector("BlackFrameDetector").build();
        ProducerRecord<byte[], byte[]> out = new AvroRecordSerializer<DefectEvent>(Topics.DEFECTS).serialize(defect, null, 5L);
        assertThat(out.topic()).isEqualTo(Topics.DEFECTS);
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("cam-1");
        assertThat(RecordCodec.decode(RecordCodec.decoder(DefectEvent.class, null), out.value())).isEqualTo(defect);

        DeadLetter letter = new DeadLetter(Topics.AUDIO_FEATURES, 0, 9, null, new byte[] {1}, "bad header");
        ProducerRecord<byte[], byte[]> dead = new DeadLetterSerializer(Topics.DEAD_LETTER).serialize(letter, null, 5L);
        assertThat(dead.value()).isEqualTo(new byte[] {1});
        assertThat(new String(dead.headers().lastHeader("avmon.error").value(), StandardCharsets.UTF_8)).isEqualTo("bad header");
    }
}
