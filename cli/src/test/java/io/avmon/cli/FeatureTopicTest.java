package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter's side of the ordering guarantee, against a real broker: one stream, one topic, one partition. */
class FeatureTopicTest {

    @TempDir
    Path dir;

    @Test
    void everyRecordOfAStreamLandsInOnePartitionOfTheFeatureTopicInTheOrderSent() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(160, 90)
                        .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("one-second.ts"));
        List<SpecificRecord> sent = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(List.of(Topics.FEATURES), 4);
            try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                new StreamRunner(StreamRunner.Options.of(clip.file().toString(), "cam-7"), record -> {
                            sent.add(record);
                            publisher.send(record);
                        })
                        .run();
                publisher.flush();
            }
            List<ConsumerRecord<byte[], byte[]>> received = FeatureTopicReader.readUntil(
                    kafka.bootstrapServers(), read -> read.size() >= sent.size(), Duration.ZERO);

            assertThat(sent)
                    .hasAtLeastOneElementOfType(VideoFrameFeatures.class)
                    .hasAtLeastOneElementOfType(AudioBlockFeatures.class)
                    .hasAtLeastOneElementOfType(StreamStatus.class);
            assertThat(received)
                    .extracting(ConsumerRecord::partition)
                    .containsOnly(received.get(0).partition());
            assertThat(received)
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsOnly("cam-7");
            // Byte for byte in the order sent: the job reads a stream's media and status as the converter wrote them.
            assertThat(received)
                    .extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(
                            sent.stream().map(RecordCodec::encode).toList());
        }
    }
}
