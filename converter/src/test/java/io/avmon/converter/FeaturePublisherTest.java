package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturePublisherTest {

    @TempDir
    Path dir;

    @Test
    void unreachableKafkaFailsFastWithOneLine() {
        String servers = "127.0.0.1:" + FreePorts.find();
        long start = System.nanoTime();
        assertThatThrownBy(() -> new FeaturePublisher(servers, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Kafka unreachable at " + servers + ": ")
                .hasMessageNotContaining("\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void everyRecordOfAStreamGoesToTheOneFeatureTopicUnderItsStreamIdInTheOrderSent() throws Exception {
        Clip clip = ClipWriter.write(ClipSpec.builder().size(160, 90)
                .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME).build(), dir.resolve("one-second.ts"));
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        List<SpecificRecord> sent = new ArrayList<>();
        try (FeaturePublisher publisher = new FeaturePublisher(producer, Topics.FEATURES)) {
            new StreamRunner(StreamRunner.Options.of(clip.file().toString(), "cam-7"), record -> {
                sent.add(record);
                publisher.send(record);
            }).run();
        }

        assertThat(sent).hasAtLeastOneElementOfType(VideoFrameFeatures.class)
                .hasAtLeastOneElementOfType(AudioBlockFeatures.class)
                .hasAtLeastOneElementOfType(StreamStatus.class);
        List<ProducerRecord<byte[], byte[]>> history = producer.history();
        assertThat(history).extracting(ProducerRecord::topic).containsOnly(Topics.FEATURES);
        assertThat(history).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsOnly("cam-7");
        // Byte for byte in the order sent: one partition keeps it, so the job reads what the converter wrote.
        assertThat(history).extracting(ProducerRecord::value)
                .containsExactlyElementsOf(sent.stream().map(RecordCodec::encode).toList());
    }
}
