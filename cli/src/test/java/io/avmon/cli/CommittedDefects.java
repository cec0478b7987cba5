package io.avmon.cli;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the defect topic as a consumer should: read_committed, so only checkpointed output counts. */
final class CommittedDefects {

    private CommittedDefects() {}

    /**
     * Polls until {@code expected} CLOSED events have arrived or the timeout passes, then a little longer, so
     * that a defect beyond the expected ones (a false alarm) has a chance to show.
     */
    static List<DefectEvent> readClosed(String bootstrapServers, int expected, Duration timeout) {
        return readClosed(bootstrapServers, Map.of(), expected, timeout);
    }

    /** As {@link #readClosed(String, int, Duration)}, connecting with Kafka client settings (SASL, TLS). */
    static List<DefectEvent> readClosed(
            String bootstrapServers, Map<String, String> clientSettings, int expected, Duration timeout) {
        return read(
                bootstrapServers, clientSettings, expected, timeout, event -> event.getState() == DefectState.CLOSED);
    }

    /** As {@link #readClosed}, keeping every committed event, OPENED and CLOSED: replays must not double them. */
    static List<DefectEvent> readAll(String bootstrapServers, int expected, Duration timeout) {
        return read(bootstrapServers, Map.of(), expected, timeout, event -> true);
    }

    /**
     * Every committed event of {@code topic} up to its end as a read_committed consumer sees it now (the last stable
     * offset of each partition), in partition order. Waits for nothing: call it once the job's output is committed.
     */
    static List<DefectEvent> readToEnd(String bootstrapServers, String topic) {
        return readToEnd(bootstrapServers, topic, "read_committed");
    }

    /**
     * Every event of {@code topic} written so far, committed or not (read_uncommitted): what a job has sent inside
     * transactions that may still be aborted.
     */
    static List<DefectEvent> readWrittenToEnd(String bootstrapServers, String topic) {
        return readToEnd(bootstrapServers, topic, "read_uncommitted");
    }

    private static List<DefectEvent> readToEnd(String bootstrapServers, String topic, String isolationLevel) {
        BinaryMessageDecoder<DefectEvent> decoder = RecordCodec.decoder(DefectEvent.class, null);
        List<DefectEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers, Map.of(), null, isolationLevel)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                collect(consumer.poll(Duration.ofMillis(500)), decoder, event -> true, events);
            }
        }
        return events;
    }

    private static List<DefectEvent> read(
            String bootstrapServers,
            Map<String, String> clientSettings,
            int expected,
            Duration timeout,
            Predicate<DefectEvent> keep) {
        BinaryMessageDecoder<DefectEvent> decoder = RecordCodec.decoder(DefectEvent.class, null);
        List<DefectEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                readCommitted(bootstrapServers, clientSettings, "test-" + System.nanoTime())) {
            consumer.subscribe(List.of(Topics.DEFECTS));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (events.size() < expected && System.nanoTime() < deadline) {
                collect(consumer.poll(Duration.ofMillis(500)), decoder, keep, events);
            }
            // Late arrivals (a false alarm, a replayed duplicate) come after the expected set: keep listening.
            for (int i = 0; i < 6; i++) {
                collect(consumer.poll(Duration.ofMillis(500)), decoder, keep, events);
            }
        }
        return events;
    }

    /**
     * A read_committed consumer of the defect topic's values: in group {@code groupId} from the earliest offset, or
     * with no group (null) for a caller that assigns partitions itself.
     */
    private static KafkaConsumer<String, byte[]> readCommitted(
            String bootstrapServers, Map<String, String> clientSettings, String groupId) {
        return consumer(bootstrapServers, clientSettings, groupId, "read_committed");
    }

    private static KafkaConsumer<String, byte[]> consumer(
            String bootstrapServers, Map<String, String> clientSettings, String groupId, String isolationLevel) {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolationLevel));
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A consumer that stays subscribed while a test acts on a running job: each {@link #awaitFirst} picks up where
     * the last one stopped, and everything seen is kept in {@link #seen()}.
     */
    static final class Watch implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final BinaryMessageDecoder<DefectEvent> decoder = RecordCodec.decoder(DefectEvent.class, null);
        private final List<DefectEvent> seen = new ArrayList<>();

        Watch(String bootstrapServers) {
            consumer = readCommitted(bootstrapServers, Map.of(), "watch-" + System.nanoTime());
            consumer.subscribe(List.of(Topics.DEFECTS));
        }

        /** Polls until an event matching {@code wanted} arrives; throws AssertionError naming {@code what} on timeout. */
        DefectEvent awaitFirst(Predicate<DefectEvent> wanted, Duration timeout, String what) {
            int from = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (int i = from; i < seen.size(); i++) {
                    if (wanted.test(seen.get(i))) {
                        return seen.get(i);
                    }
                }
                from = seen.size();
                collect(consumer.poll(Duration.ofMillis(300)), decoder, event -> true, seen);
            }
            throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s; seen: " + seen);
        }

        List<DefectEvent> seen() {
            return seen;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static void collect(
            Iterable<ConsumerRecord<String, byte[]>> records,
            BinaryMessageDecoder<DefectEvent> decoder,
            Predicate<DefectEvent> keep,
            List<DefectEvent> events) {
        for (ConsumerRecord<String, byte[]> record : records) {
            DefectEvent event = RecordCodec.decode(decoder, record.value());
            if (!event.getStreamId().equals(record.key())) {
                throw new AssertionError(
                        "record key " + record.key() + " is not the event's stream " + event.getStreamId());
            }
            if (keep.test(event)) {
                events.add(event);
            }
        }
    }
}
