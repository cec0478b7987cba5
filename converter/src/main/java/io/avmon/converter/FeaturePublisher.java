package io.avmon.converter;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends feature records to Kafka: video features, audio features and stream status all to one topic,
 * {@link Topics#FEATURES}, keyed by streamId (UTF-8), valued in Avro single-object encoding ({@link RecordCodec}).
 * One topic and one key put a stream's records in one partition, where Kafka keeps them in the order they were
 * sent; the idempotent producer keeps that order across retries. Idempotent, acks=all, lz4, batched (linger
 * 15 ms, 256 KiB batches): one stream is about 35 small records a second, so batching across streams is what keeps
 * the broker cheap. Thread-safe, as the Kafka producer is.
 */
public final class FeaturePublisher implements FeatureSink, AutoCloseable {
    /** How long the reachability check waits for the cluster to answer. */
    public static final Duration REACHABILITY_TIMEOUT = Duration.ofSeconds(10);
    /** The producer override that renames the feature topic. */
    public static final String TOPIC_OVERRIDE = "avmon.topic.features";

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private volatile Exception sendFailure;

    /**
     * Checks that the cluster answers, then creates the producer.
     *
     * @param producerOverrides producer settings that replace the defaults, among them the client settings
     *                          ({@link io.avmon.schema.KafkaClientProperties}: SASL, TLS) that the reachability
     *                          check uses too; also "avmon.topic.features" to rename the topic
     * @throws IllegalStateException "Kafka unreachable at &lt;servers&gt;: &lt;cause&gt;" when it does not answer
     */
    public FeaturePublisher(String bootstrapServers, Map<String, Object> producerOverrides) {
        this.producer = createProducer(bootstrapServers, producerOverrides);
        this.topic = String.valueOf(producerOverrides.getOrDefault(TOPIC_OVERRIDE, Topics.FEATURES));
    }

    private static Producer<byte[], byte[]> createProducer(
            String bootstrapServers, Map<String, Object> producerOverrides) {
        Map<String, Object> overrides = new HashMap<>(producerOverrides);
        overrides.keySet().removeIf(key -> key.startsWith("avmon."));
        verifyReachable(bootstrapServers, overrides, REACHABILITY_TIMEOUT);
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 15);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "avmon-converter");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.putAll(overrides);
        return new KafkaProducer<>(config);
    }

    /**
     * Asks the cluster to describe itself and waits up to {@code timeout}.
     *
     * @throws IllegalStateException "Kafka unreachable at &lt;servers&gt;: &lt;cause&gt;"
     */
    public static void verifyReachable(String bootstrapServers, Duration timeout) {
        verifyReachable(bootstrapServers, Map.of(), timeout);
    }

    /**
     * As {@link #verifyReachable(String, Duration)}, connecting with {@code clientProperties} (SASL, TLS), so that
     * wrong credentials fail here, in one line, rather than in the producer's background thread.
     *
     * @throws IllegalStateException "Kafka rejected the credentials at &lt;servers&gt;: &lt;cause&gt;" as well
     */
    public static void verifyReachable(String bootstrapServers, Map<String, ?> clientProperties, Duration timeout) {
        Properties config = new Properties();
        config.putAll(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int timeoutMs = (int) timeout.toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .clusterId()
                    .get(timeoutMs + 2000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Kafka unreachable at " + bootstrapServers + ": interrupted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof AuthenticationException) {
                // Kafka's message names the mechanism or the TLS failure, never the secret.
                throw new IllegalStateException(
                        "Kafka rejected the credentials at " + bootstrapServers + ": "
                                + FfmpegErrors.firstLine(String.valueOf(cause.getMessage())),
                        cause);
            }
            String reason = cause instanceof org.apache.kafka.common.errors.TimeoutException
                            || cause instanceof TimeoutException
                    ? "no answer within " + timeout.toSeconds() + " s"
                    : FfmpegErrors.firstLine(String.valueOf(cause.getMessage()));
            throw new IllegalStateException("Kafka unreachable at " + bootstrapServers + ": " + reason, cause);
        }
    }

    @Override
    public void send(SpecificRecord record) {
        Exception failure = sendFailure;
        if (failure != null) {
            throw new IllegalStateException(
                    "Kafka send failed: " + FfmpegErrors.firstLine(String.valueOf(failure.getMessage())), failure);
        }
        CharSequence streamId;
        if (record instanceof VideoFrameFeatures video) {
            streamId = video.getStreamId();
        } else if (record instanceof AudioBlockFeatures audio) {
            streamId = audio.getStreamId();
        } else if (record instanceof StreamStatus status) {
            streamId = status.getStreamId();
        } else {
            throw new IllegalArgumentException(
                    "not a converter record: " + record.getSchema().getFullName());
        }
        byte[] key = streamId.toString().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, RecordCodec.encode(record)), (metadata, error) -> {
            if (error != null && sendFailure == null) {
                sendFailure = error;
            }
        });
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
