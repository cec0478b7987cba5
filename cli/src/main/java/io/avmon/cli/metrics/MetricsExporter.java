package io.avmon.cli.metrics;

import io.avmon.cli.common.Errors;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamHealth;
import io.avmon.schema.Topics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Serves {@link StreamMetrics} on a Prometheus endpoint, fed by a read_committed consumer of the health and defect
 * topics: only what the job has checkpointed shows, as for every other consumer of its output.
 *
 * <p>It keeps no offsets and joins no consumer group: its state is rebuilt at each start by reading the health
 * topic back {@code staleAfter} (every live stream's latest health) and the defect topic back {@code defectHistory}
 * (the defects open now). Events read in that replay set the open defects but do not count as opened, so a restart
 * is not a burst on the dashboards. Several exporters may run side by side; each serves the same numbers.
 */
public final class MetricsExporter {

    /**
     * @param clientSettings Kafka client settings (SASL, TLS) for the consumer
     * @param port the metrics endpoint's port, on every interface; 0 picks a free one
     * @param staleAfter a stream without health for this long loses its series: minutes, {@value
     *     #STALE_AFTER_MINUTES} by default, 1 to 1440. The job writes health every 10 s, so a minute is already six
     *     missed windows; 10 keeps a channel on the wall through a short outage of the job.
     * @param defectHistory how far back the defect topic is read at start: hours, {@value #DEFECT_HISTORY_HOURS}
     *     by default (the defect topic's 7-day retention), 1 to 720. A defect opened before that is still counted,
     *     from health, with severity {@code unknown}.
     */
    public record Settings(
            String bootstrapServers,
            Map<String, String> clientSettings,
            String healthTopic,
            String defectTopic,
            int port,
            Duration staleAfter,
            Duration defectHistory) {
        public static final String PORT = "9465";
        public static final String STALE_AFTER_MINUTES = "10";
        public static final String DEFECT_HISTORY_HOURS = "168";

        public Settings {
            clientSettings = Map.copyOf(clientSettings);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("the metrics port must be 0-65535, not " + port);
            }
            if (staleAfter.compareTo(Duration.ofMinutes(1)) < 0 || staleAfter.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(
                        "--stale-after-minutes must be 1-1440, not " + staleAfter.toMinutes());
            }
            if (defectHistory.compareTo(Duration.ofHours(1)) < 0 || defectHistory.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException(
                        "--defect-history-hours must be 1-720, not " + defectHistory.toHours());
            }
        }

        /** The defaults for everything but Kafka. */
        public static Settings of(String bootstrapServers, Map<String, String> clientSettings, int port) {
            return new Settings(
                    bootstrapServers,
                    clientSettings,
                    Topics.HEALTH,
                    Topics.DEFECTS,
                    port,
                    Duration.ofMinutes(Long.parseLong(STALE_AFTER_MINUTES)),
                    Duration.ofHours(Long.parseLong(DEFECT_HISTORY_HOURS)));
        }
    }

    private static final Duration POLL = Duration.ofMillis(500);

    private final Settings settings;
    private final PrintWriter log;
    private final StreamMetrics metrics;
    private final Counter undecodable;
    private final HTTPServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch reading = new CountDownLatch(1);
    private final BinaryMessageDecoder<StreamHealth> healthDecoder =
            RecordCodec.decoder(StreamHealth.class, RecordCodec.earlierWriterSchemas());
    private final BinaryMessageDecoder<DefectEvent> defectDecoder =
            RecordCodec.decoder(DefectEvent.class, RecordCodec.earlierWriterSchemas());
    private volatile KafkaConsumer<String, byte[]> consumer;

    /** Starts the endpoint at once (so a taken port fails here, before any Kafka work); {@link #run()} fills it. */
    public MetricsExporter(Settings settings, PrintWriter log) throws IOException {
        this.settings = settings;
        this.log = log;
        PrometheusRegistry registry = new PrometheusRegistry();
        this.metrics = new StreamMetrics(registry, settings.staleAfter());
        this.undecodable = Counter.builder()
                .name("avmon_exporter_undecodable_records")
                .help("Records of the health or defect topic this exporter could not decode, and skipped")
                .labelNames("topic")
                .register(registry);
        try {
            this.server = HTTPServer.builder()
                    .port(settings.port())
                    .registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on port " + settings.port() + ": " + Errors.oneLine(e), e);
        }
    }

    /** The endpoint's port (the one picked, when the settings asked for 0). */
    public int port() {
        return server.getPort();
    }

    /** Consumes until {@link #stop()}; throws when Kafka fails. The endpoint closes when it returns. */
    public void run() {
        try (KafkaConsumer<String, byte[]> kafka = createConsumer()) {
            consumer = kafka;
            if (stopped.getCount() == 0) {
                return;
            }
            List<TopicPartition> health = awaitPartitions(kafka, settings.healthTopic());
            List<TopicPartition> defects = awaitPartitions(kafka, settings.defectTopic());
            if (health == null || defects == null) {
                return;
            }
            List<TopicPartition> all = new ArrayList<>(health);
            all.addAll(defects);
            kafka.assign(all);
            long now = System.currentTimeMillis();
            seekBack(kafka, health, now - settings.staleAfter().toMillis());
            seekBack(kafka, defects, now - settings.defectHistory().toMillis());
            Map<TopicPartition, Long> liveFrom = kafka.endOffsets(defects);
            // Seeks to the end resolve lazily, at the first poll; resolve them now, so that "from the end" means the
            // end when the exporter started, not whenever its first poll happens.
            all.forEach(kafka::position);
            reading.countDown();
            while (stopped.getCount() > 0) {
                for (ConsumerRecord<String, byte[]> record : kafka.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    apply(record, record.offset() >= liveFrom.getOrDefault(partition, 0L));
                }
                metrics.evictStale(System.currentTimeMillis());
            }
        } catch (WakeupException e) {
            // stop() woke a blocking call: a normal end.
        } finally {
            server.close();
        }
    }

    /** Waits until {@link #run()} has found its topics and its start positions; false on timeout. */
    public boolean awaitReading(Duration timeout) throws InterruptedException {
        return reading.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends {@link #run()} soon. Safe from any thread. */
    public void stop() {
        stopped.countDown();
        KafkaConsumer<String, byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record, boolean live) {
        long now = System.currentTimeMillis();
        try {
            if (record.topic().equals(settings.healthTopic())) {
                metrics.onHealth(RecordCodec.decode(healthDecoder, record.value()), now);
            } else {
                metrics.onDefect(RecordCodec.decode(defectDecoder, record.value()), live, now);
            }
        } catch (RuntimeException e) {
            undecodable.labelValues(record.topic()).inc();
            log.println("avmon exporter: skipping an undecodable record at " + record.topic() + "-" + record.partition()
                    + "@" + record.offset() + ": " + Errors.oneLine(e));
            log.flush();
        }
    }

    /** The topic's partitions, waiting (and saying so once) while it does not exist yet; null when stopped. */
    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> kafka, String topic) {
        boolean said = false;
        while (true) {
            List<PartitionInfo> infos = kafka.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
            }
            if (!said) {
                log.println("avmon exporter: topic " + topic + " does not exist yet; waiting for it");
                log.flush();
                said = true;
            }
            try {
                if (stopped.await(2, TimeUnit.SECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Each partition from its first record at or after {@code sinceMs}, or its end when it has none. */
    private static void seekBack(KafkaConsumer<String, byte[]> kafka, List<TopicPartition> partitions, long sinceMs) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, Math.max(0, sinceMs)));
        Map<TopicPartition, OffsetAndTimestamp> found = kafka.offsetsForTimes(query);
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = found.get(partition);
            if (offset == null) {
                toEnd.add(partition);
            } else {
                kafka.seek(partition, offset.offset());
            }
        }
        if (!toEnd.isEmpty()) { // an empty collection would mean every assigned partition
            kafka.seekToEnd(toEnd);
        }
    }

    private KafkaConsumer<String, byte[]> createConsumer() {
        Map<String, Object> config = new HashMap<>(settings.clientSettings());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "avmon-exporter");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
