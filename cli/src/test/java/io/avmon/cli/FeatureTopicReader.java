package io.avmon.cli;

import io.avmon.schema.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a test broker's feature topic from the start, in a group of its own, until the test has what it awaits. */
final class FeatureTopicReader {
    /** How long to read at most: a converter's few seconds of records arrive well within it. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private FeatureTopicReader() {}

    /**
     * Every record read until {@code enough} holds of them (or {@link #DEADLINE}), then {@code afterwards} longer,
     * so that a record beyond what was awaited (a duplicate) would show.
     */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(
            String bootstrapServers, Predicate<List<ConsumerRecord<byte[], byte[]>>> enough, Duration afterwards) {
        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "feature-topic-reader-" + System.nanoTime(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.FEATURES));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!enough.test(received) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
            if (!afterwards.isZero()) {
                consumer.poll(afterwards).forEach(received::add);
            }
        }
        return received;
    }
}
