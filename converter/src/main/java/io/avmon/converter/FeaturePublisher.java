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
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Sends feature records to Kafka: video features, audio features and stream status all to one topic,
 * {@link Topics#FEATURES}, keyed by streamId (UTF-8), valued in Avro single-object encoding ({@link RecordCodec}).
 * One topic and one key put a stream's records in one partition, where Kafka keeps them in the order they were
 * sent; the idempotent producer keeps that order across retries. Idempotent, acks=all, lz4, batched (linger
 * 15 ms, 256 KiB batches): one stream is about 35 small records a second, so batching across streams is what keeps
 * the broker cheap. Thread-safe.
 *
 * <p>{@link #send} never blocks: records go into a {@link SendBuffer} bounded in bytes, and one sender thread
 * offers them to the Kafka producer in order, without blocking. While the broker is down (restarted, unreachable), Kafka's producer
 * retries without a deadline and the buffer fills; when it is full the oldest records are dropped, counted in
 * {@code avmon_converter_records_dropped_total} and logged once per outage. When the broker is back, sending
 * resumes with what the buffer kept. A record Kafka refuses for good (authorization, too large) fails the next
 * {@link #send} with a {@link KafkaRefusedException}, "Kafka send failed: cause".
 */
public final class FeaturePublisher implements FeatureSink, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(FeaturePublisher.class);
    /** How long the reachability check waits for the cluster to answer. */
    public static final Duration REACHABILITY_TIMEOUT = Duration.ofSeconds(10);
    /** The producer override that renames the feature topic. */
    public static final String TOPIC_OVERRIDE = "avmon.topic.features";
    /**
     * Send buffer, MiB (1 to 4096). One 1080p stream writes about 35 records, some 20 kB, a second: 64 MiB holds
     * roughly half an hour of one stream's features while the broker is away.
     */
    public static final String DEFAULT_SEND_BUFFER_MB = "64";

    public static final int MAX_SEND_BUFFER_MB = 4096;
    /**
     * Kafka's own buffer: kept small so that the backlog of an outage sits in the send buffer, where the oldest
     * records give way, not in the producer, where they would be the ones kept.
     */
    static final int PRODUCER_BUFFER_BYTES = 4 * 1024 * 1024;
    /** How long the sender thread waits after Kafka took nothing (no metadata, its buffer full) to try again. */
    static final Duration RETRY_PAUSE = Duration.ofMillis(20);
    /**
     * How long Kafka takes nothing before it is logged: a busy producer refuses for moments, an outage for longer.
     */
    static final Duration STALL_WARNING_AFTER = Duration.ofSeconds(2);
    /** How long {@link #close()} waits for the buffer to drain before it drops what is left. */
    static final Duration CLOSE_DRAIN = Duration.ofSeconds(30);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final ConverterMetrics metrics;
    private final SendBuffer buffer;
    private final Thread sender;
    private final long sendBufferBytes;
    private volatile boolean closing;
    private volatile Exception sendFailure;
    /** Why Kafka last took nothing, for the stall warning; only the sender thread touches it. */
    private String lastRefusal;
    /** Set when the first record of an outage is dropped or held back; cleared when Kafka acknowledges again. */
    private final AtomicBoolean overflowLogged = new AtomicBoolean();

    private final AtomicBoolean stallLogged = new AtomicBoolean();
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    /** What {@link #send} does when the send buffer is full. */
    public enum WhenFull {
        /** Drop the oldest records and count them: a live input, where decoding must never wait for Kafka. */
        DROP_OLDEST,
        /** Wait until Kafka takes records: a backlog written as fast as Kafka goes, where nothing may be lost. */
        WAIT
    }

    /**
     * As {@link #FeaturePublisher(String, Map, ConverterMetrics, int)}, with metrics nobody serves and the default
     * send buffer.
     */
    public FeaturePublisher(String bootstrapServers, Map<String, Object> producerOverrides) {
        this(bootstrapServers, producerOverrides, new ConverterMetrics(), Integer.parseInt(DEFAULT_SEND_BUFFER_MB));
    }

    /**
     * Checks that the cluster answers, then creates the producer and its sender thread.
     *
     * @param producerOverrides producer settings that replace the defaults, among them the client settings
     *                          ({@link io.avmon.schema.KafkaClientProperties}: SASL, TLS) that the reachability
     *                          check uses too; also "avmon.topic.features" to rename the topic
     * @param sendBufferMb      the send buffer's bound, MiB (1 to {@value #MAX_SEND_BUFFER_MB})
     * @throws KafkaUnreachableException "Kafka unreachable at &lt;servers&gt;: &lt;cause&gt;" when it does not answer
     * @throws IllegalStateException "Kafka rejected the credentials at &lt;servers&gt;: &lt;cause&gt;"
     */
    public FeaturePublisher(
            String bootstrapServers,
            Map<String, Object> producerOverrides,
            ConverterMetrics metrics,
            int sendBufferMb) {
        this(bootstrapServers, producerOverrides, metrics, sendBufferMb, WhenFull.DROP_OLDEST);
    }

    /**
     * As {@link #FeaturePublisher(String, Map, ConverterMetrics, int)}, choosing what a full send buffer does.
     */
    public FeaturePublisher(
            String bootstrapServers,
            Map<String, Object> producerOverrides,
            ConverterMetrics metrics,
            int sendBufferMb,
            WhenFull whenFull) {
        if (sendBufferMb < 1 || sendBufferMb > MAX_SEND_BUFFER_MB) {
            throw new IllegalArgumentException(
                    "send buffer must be 1 to " + MAX_SEND_BUFFER_MB + " MiB: " + sendBufferMb);
        }
        this.metrics = Objects.requireNonNull(metrics);
        this.sendBufferBytes = sendBufferMb * 1024L * 1024L;
        this.buffer = new SendBuffer(sendBufferBytes, whenFull, this::dropped);
        this.producer = createProducer(bootstrapServers, producerOverrides);
        this.topic = String.valueOf(producerOverrides.getOrDefault(TOPIC_OVERRIDE, Topics.FEATURES));
        this.sender = new Thread(this::sendLoop, "avmon-kafka-sender");
        sender.setDaemon(true);
        sender.start();
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
        // No deadline for a record in Kafka's hands: while the broker is away, the send buffer bounds what is kept.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, PRODUCER_BUFFER_BYTES);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.putAll(overrides);
        // Not overridable: the send buffer offers a record to the producer under its lock, which decoding waits on.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
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
            throw new KafkaUnreachableException("Kafka unreachable at " + bootstrapServers + ": interrupted", e);
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
            throw new KafkaUnreachableException("Kafka unreachable at " + bootstrapServers + ": " + reason, cause);
        }
    }

    /** Buffers {@code record} for Kafka; never blocks, unless told to {@link WhenFull#WAIT} when full. */
    @Override
    public void send(SpecificRecord record) {
        throwIfRefused();
        if (closing) {
            throw new IllegalStateException("Kafka send failed: the publisher is closed");
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
        String stream = streamId.toString();
        buffer.add(new SendBuffer.Entry(stream, stream.getBytes(StandardCharsets.UTF_8), RecordCodec.encode(record)));
        metrics.buffered(buffer.bytes());
    }

    /**
     * The sender thread: offers the oldest buffered record to the producer, in order. While Kafka takes none, it
     * tries again every {@link #RETRY_PAUSE}; the record stays first in the buffer, where it is the first to give way.
     */
    private void sendLoop() {
        long refusedSince = 0;
        while (!closing || buffer.bytes() > 0) {
            SendBuffer.Handover handover;
            try {
                handover = buffer.handOverOldest(200, this::handToProducer);
            } catch (InterruptedException e) {
                return;
            }
            metrics.buffered(buffer.bytes());
            if (handover != SendBuffer.Handover.REFUSED) {
                refusedSince = 0;
                continue;
            }
            long now = System.currentTimeMillis();
            if (refusedSince == 0) {
                refusedSince = now;
            } else if (now - refusedSince >= STALL_WARNING_AFTER.toMillis() && stallLogged.compareAndSet(false, true)) {
                LOG.warn(
                        "Kafka takes no records ({}); buffering up to {} MiB, then dropping the oldest",
                        FfmpegErrors.firstLine(String.valueOf(lastRefusal)),
                        sendBufferBytes / (1024 * 1024));
            }
            if (closing) {
                return;
            }
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Gives {@code entry} to the producer without blocking (max.block.ms 0). The producer reports "no metadata"
     * and "its buffer is full" (the broker is away) through the callback, on this thread, before send returns:
     * such a record was not taken. Returns whether the entry left the buffer: taken, or refused for good.
     */
    private boolean handToProducer(SendBuffer.Entry entry) {
        Thread self = Thread.currentThread();
        Exception[] notTaken = new Exception[1];
        boolean[] returned = new boolean[1];
        try {
            producer.send(new ProducerRecord<>(topic, entry.key(), entry.value()), (metadata, error) -> {
                if (!returned[0]
                        && Thread.currentThread() == self
                        && error instanceof org.apache.kafka.common.errors.TimeoutException) {
                    notTaken[0] = error;
                    return;
                }
                acknowledged(entry, error);
            });
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            notTaken[0] = e;
        } catch (RuntimeException e) {
            metrics.failed(entry.streamId());
            if (sendFailure == null) {
                sendFailure = e;
            }
            return true;
        } finally {
            returned[0] = true;
        }
        if (notTaken[0] != null) {
            lastRefusal = notTaken[0].getMessage();
            return false;
        }
        return true;
    }

    private void acknowledged(SendBuffer.Entry entry, Exception error) {
        if (error == null) {
            metrics.sent(entry.streamId());
            if (stallLogged.compareAndSet(true, false) | overflowLogged.compareAndSet(true, false)) {
                LOG.info("Kafka takes records again");
            }
            return;
        }
        metrics.failed(entry.streamId());
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn(
                    "Kafka did not take a record of {}: {} (avmon_converter_records_failed_total counts them)",
                    entry.streamId(),
                    error.getClass().getSimpleName() + ": "
                            + FfmpegErrors.firstLine(String.valueOf(error.getMessage())));
        }
        // Retriable errors end here only when the producer is closed with records in hand; anything else is
        // a refusal no retry cures, and stops the converter with its cause.
        if (!(error instanceof RetriableException) && sendFailure == null) {
            sendFailure = error;
        }
    }

    private void dropped(SendBuffer.Entry entry) {
        metrics.dropped(entry.streamId());
        if (overflowLogged.compareAndSet(false, true)) {
            LOG.warn(
                    "send buffer full ({} MiB) while Kafka takes no records: dropping the oldest features"
                            + " (avmon_converter_records_dropped_total counts them)",
                    sendBufferBytes / (1024 * 1024));
        }
    }

    /**
     * Waits until every record sent so far is acknowledged (or failed).
     *
     * @throws KafkaRefusedException when Kafka refused a record for good, so a file's last records do not fail unseen
     */
    public void flush() {
        try {
            buffer.awaitEmpty(Long.MAX_VALUE / 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        producer.flush();
        throwIfRefused();
    }

    private void throwIfRefused() {
        Exception failure = sendFailure;
        if (failure != null) {
            throw new KafkaRefusedException(
                    "Kafka send failed: " + FfmpegErrors.firstLine(String.valueOf(failure.getMessage())), failure);
        }
    }

    /**
     * Sends what the buffer holds, waiting up to {@link #CLOSE_DRAIN} for Kafka, then closes. Records still buffered
     * then are dropped and counted.
     */
    @Override
    public void close() {
        try {
            if (!buffer.awaitEmpty(CLOSE_DRAIN.toMillis())) {
                int left = buffer.dropAll();
                LOG.warn(
                        "Kafka took no records for {} s at close: dropped {} buffered records",
                        CLOSE_DRAIN.toSeconds(),
                        left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing = true;
        try {
            sender.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        metrics.buffered(buffer.bytes());
    }
}
