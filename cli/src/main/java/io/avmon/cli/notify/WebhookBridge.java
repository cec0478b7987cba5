package io.avmon.cli.notify;

import io.avmon.cli.common.DefectJson;
import io.avmon.cli.common.Errors;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.RecordCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Posts each committed defect event (OPENED and CLOSED) to a webhook as JSON, once per (eventId, state).
 *
 * <ul>
 *   <li>Reads the defect topic read_committed, so only events the job has checkpointed are posted.</li>
 *   <li>Posts one event at a time, in topic order per stream. 2xx is an acknowledgement; a refused connection, a
 *       timeout, 408, 429 and 5xx are retried with doubling back-off up to {@code maxBackoff}, for as long as it
 *       takes, since an alarm dropped is worse than an alarm late. Any other 4xx says the receiver will never take
 *       this payload: it is logged and skipped rather than blocking every later alarm.</li>
 *   <li>Remembers an acknowledged pair in {@link DeliveredEvents} before committing its offset, and skips a pair it
 *       remembers, so neither a restart nor the same event written again re-posts it. The one gap: a crash between the
 *       receiver's 2xx and the state file's write re-posts that one event; the {@code Idempotency-Key} header lets
 *       the receiver drop it.</li>
 *   <li>Logs an outage once when it starts and once when it ends, never per attempt; and never the webhook's path
 *       or query, which often carry a token.</li>
 * </ul>
 */
public final class WebhookBridge {

    /**
     * What the bridge reads, where it posts and how it backs off.
     *
     * @param clientSettings Kafka client settings (SASL, TLS) for the consumer
     * @param startFromEarliest where a new consumer group starts; a group with committed offsets resumes from them
     * @param stateFile where {@link DeliveredEvents} keeps the acknowledged pairs
     */
    public record Settings(
            String bootstrapServers,
            Map<String, String> clientSettings,
            String topic,
            String groupId,
            boolean startFromEarliest,
            URI webhook,
            Path stateFile,
            Duration initialBackoff,
            Duration maxBackoff,
            Duration requestTimeout) {
        public Settings {
            clientSettings = Map.copyOf(clientSettings);
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("back-off must start above 0 and its maximum must not be below it");
            }
        }
    }

    private final Settings settings;
    private final PrintWriter log;
    private final HttpClient http;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final BinaryMessageDecoder<DefectEvent> decoder = RecordCodec.decoder(DefectEvent.class, null);
    private volatile KafkaConsumer<String, byte[]> consumer;

    public WebhookBridge(Settings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Consumes and posts until {@link #stop()}; throws when Kafka or the state file fails. */
    public void run() {
        try (DeliveredEvents delivered = DeliveredEvents.open(settings.stateFile());
                KafkaConsumer<String, byte[]> kafka = createConsumer()) {
            consumer = kafka;
            if (stopped.getCount() == 0) {
                return;
            }
            kafka.subscribe(List.of(settings.topic()));
            while (stopped.getCount() > 0) {
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(500))) {
                    if (!handle(kafka, record, delivered)) {
                        return;
                    }
                }
            }
        } catch (WakeupException e) {
            // stop() woke a blocking poll: a normal end.
        }
    }

    /** Ends {@link #run()} soon, without committing anything not yet acknowledged. Safe from any thread. */
    public void stop() {
        stopped.countDown();
        KafkaConsumer<String, byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
    }

    /** Posts one record unless already acknowledged, then commits past it; false when stopped before it was posted. */
    private boolean handle(
            KafkaConsumer<String, byte[]> kafka, ConsumerRecord<String, byte[]> record, DeliveredEvents delivered) {
        DefectEvent event;
        try {
            event = RecordCodec.decode(decoder, record.value());
        } catch (RuntimeException e) {
            log.println("avmon notify: skipping an undecodable record at " + record.topic() + "-" + record.partition()
                    + "@" + record.offset() + ": " + Errors.oneLine(e));
            log.flush();
            commit(kafka, record);
            return true;
        }
        String eventId = event.getEventId().toString();
        String state = event.getState().name();
        if (!delivered.contains(eventId, state)) {
            if (!post(kafka, eventId, state, DefectJson.toJson(event))) {
                return false;
            }
            delivered.add(eventId, state);
        }
        commit(kafka, record);
        return true;
    }

    /** Posts until acknowledged or refused for good (true), or until stopped (false). */
    private boolean post(KafkaConsumer<String, byte[]> kafka, String eventId, String state, String json) {
        HttpRequest request = HttpRequest.newBuilder(settings.webhook())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", eventId + "-" + state)
                .header("User-Agent", "avmon-notify")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        Duration backoff = settings.initialBackoff();
        long outageStart = 0;
        int failures = 0;
        while (stopped.getCount() > 0) {
            String failure;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2 || (status / 100 == 4 && status != 408 && status != 429)) {
                    if (failures > 0) {
                        log.println("avmon notify: webhook " + where() + " answers again after " + failures
                                + " failed attempt(s) in " + (System.nanoTime() - outageStart) / 1_000_000_000L
                                + " s");
                    }
                    if (status / 100 == 4) {
                        log.println("avmon notify: webhook " + where() + " refused event " + eventId + " " + state
                                + " with HTTP " + status + "; skipping it: " + firstLine(response.body()));
                    }
                    log.flush();
                    return true;
                }
                failure = "HTTP " + status;
            } catch (IOException e) {
                failure = Errors.oneLine(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (failures++ == 0) {
                outageStart = System.nanoTime();
                log.println("avmon notify: webhook " + where() + " failing (" + failure + "); retrying with back-off"
                        + " up to " + settings.maxBackoff().toSeconds() + " s until it answers");
                log.flush();
            }
            if (!pauseFor(kafka, backoff)) {
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
                    ? settings.maxBackoff()
                    : backoff.multipliedBy(2);
        }
        return false;
    }

    /**
     * Waits out one back-off while staying in the consumer group: an outage longer than max.poll.interval.ms would
     * otherwise cost the partitions. Paused partitions return no records, so nothing is skipped.
     */
    private boolean pauseFor(KafkaConsumer<String, byte[]> kafka, Duration backoff) {
        kafka.pause(kafka.assignment());
        try {
            if (stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            kafka.poll(Duration.ZERO);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            kafka.resume(kafka.paused());
        }
    }

    private void commit(KafkaConsumer<String, byte[]> kafka, ConsumerRecord<String, byte[]> record) {
        try {
            kafka.commitSync(Map.of(
                    new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)));
        } catch (CommitFailedException e) {
            // The group moved the partition on: the record comes again and the state file skips it.
            log.println("avmon notify: offset commit refused (" + Errors.oneLine(e) + "); the event will be skipped"
                    + " when it is read again");
            log.flush();
        }
    }

    private static String firstLine(String body) {
        String line = body.lines().findFirst().orElse("").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** The webhook without its path and query, which may hold a token. */
    private String where() {
        URI uri = settings.webhook();
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private KafkaConsumer<String, byte[]> createConsumer() {
        Map<String, Object> config = new HashMap<>(settings.clientSettings());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.startFromEarliest() ? "earliest" : "latest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "avmon-notify");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
