package io.avmon.job;

import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.kafka.AvroRecordSerializer;
import io.avmon.job.kafka.AvroRecordSerializer.Encoding;
import io.avmon.job.kafka.DeadLetterSerializer;
import io.avmon.job.kafka.MediaEventDeserializer;
import io.avmon.job.kafka.ProfileUpdateDeserializer;
import io.avmon.job.profile.ProfileBook;
import io.avmon.job.profile.ProfileUpdate;
import io.avmon.job.profile.ProfileYaml;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.StreamHealth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The production job: Kafka in, {@link DetectorTopology}, Kafka out. Flags are listed on {@link JobOptions}.
 *
 * <ul>
 *   <li>In: one KafkaSource over the feature topic, which carries each stream's video features, audio features
 *       and status in one partition, so a stream's records reach the detectors in the order the converter wrote
 *       them, at any parallelism and in any catch-up. Values that cannot be decoded become dead letters, never
 *       failures.</li>
 *   <li>Profiles: the {@code --profile} file (read where the job is submitted) until a document arrives on the
 *       control topic, then the last good document there. The control topic is read from its start on a fresh
 *       start, and from the checkpoint on a restore, so a restarted job keeps the profile it had. A malformed
 *       document goes to the dead-letter topic with its cause.</li>
 *   <li>Out: defects and health exactly-once (Kafka transactions committed on checkpoints: read them with
 *       isolation.level=read_committed), key = streamId, Avro single-object encoding; dead letters
 *       at-least-once, byte for byte, with the cause in the {@code avmon.error} header.</li>
 *   <li>Checkpoints: exactly-once mode at the configured interval, hashmap state backend; restarts with
 *       exponential back-off.</li>
 * </ul>
 */
public final class AvmonJob {
    /** Within the broker's default transaction.max.timeout.ms (15 min), and far above a checkpoint plus a restart. */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    private AvmonJob() {}

    public static void main(String[] args) throws Exception {
        JobOptions options = JobOptions.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, options);
        env.execute("avmon");
    }

    /** Wires the job into {@code env} without executing it (the caller executes, e.g. on a local MiniCluster). */
    public static void define(StreamExecutionEnvironment env, JobOptions options) {
        define(env, options, startBook(options));
    }

    /** The {@code --profile} file's book, or the built-in defaults without one. */
    static ProfileBook startBook(JobOptions options) {
        if (options.profile() == null) {
            return ProfileBook.of(DefectKind.defaultProfile());
        }
        try {
            return ProfileYaml.read(Path.of(options.profile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read profile " + options.profile() + ": " + e.getMessage(), e);
        }
    }

    public static void define(StreamExecutionEnvironment env, JobOptions options, ProfileBook book) {
        env.configure(jobConfiguration(options));
        if (options.parallelism() > 0) {
            env.setParallelism(options.parallelism());
        }

        // A new uid for the one-topic source: a savepoint of the three-topic job holds the old topics' partitions,
        // and a KafkaSource restored from it would keep reading them. Restoring with --allowNonRestoredState drops
        // them while the detectors' state carries over (README, Migrating from the three-topic layout).
        DataStream<MediaEvent> input = env.fromSource(
                        source(options), MediaEventWatermarks.strategy(), "Kafka features")
                .uid("kafka-feature-topic-source")
                .name("Kafka features");

        DataStream<ProfileUpdate> profileUpdates = env.fromSource(
                        controlSource(options), MediaEventWatermarks.neverHoldingBack(), "Kafka control")
                .uid("kafka-control-source")
                .name("Kafka control")
                .setParallelism(1);

        DetectorTopology.TopologyOutputs outputs =
                new DetectorTopology(book.withStateRetention(options.stateRetention())).build(input, profileUpdates);

        outputs.defects()
                .sinkTo(outputSink(
                        options,
                        options.defectsTopic(),
                        "defects",
                        new AvroRecordSerializer<DefectEvent>(options.defectsTopic())))
                .uid("kafka-defects-sink")
                .name("Kafka defects");
        outputs.health()
                .sinkTo(outputSink(
                        options,
                        options.healthTopic(),
                        "health",
                        new AvroRecordSerializer<StreamHealth>(options.healthTopic())))
                .uid("kafka-health-sink")
                .name("Kafka health");
        // The JSON mirrors are sinks of their own, exactly-once like the Avro topics they copy: a consumer reading
        // read_committed sees the same events in both, and a mirror added to a running deployment starts empty.
        if (options.mirrorsDefects()) {
            outputs.defects()
                    .sinkTo(outputSink(
                            options,
                            options.defectsJsonTopic(),
                            "defects-json",
                            new AvroRecordSerializer<DefectEvent>(options.defectsJsonTopic(), Encoding.JSON)))
                    .uid("kafka-defects-json-sink")
                    .name("Kafka defects (JSON)");
        }
        if (options.mirrorsHealth()) {
            outputs.health()
                    .sinkTo(outputSink(
                            options,
                            options.healthJsonTopic(),
                            "health-json",
                            new AvroRecordSerializer<StreamHealth>(options.healthJsonTopic(), Encoding.JSON)))
                    .uid("kafka-health-json-sink")
                    .name("Kafka health (JSON)");
        }
        outputs.deadLetters()
                .sinkTo(KafkaSink.<DeadLetter>builder()
                        .setKafkaProducerConfig(producerConfig(options))
                        .setBootstrapServers(options.bootstrapServers())
                        .setRecordSerializer(new DeadLetterSerializer(options.deadLetterTopic()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build())
                .uid("kafka-dead-letter-sink")
                .name("Kafka dead letters");
    }

    /** The settings {@link #define} applies to the environment. */
    static Configuration jobConfiguration(JobOptions options) {
        Configuration conf = DetectorTopology.pipelineConfiguration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, options.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(
                CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS,
                options.checkpointInterval().dividedBy(2));
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofMinutes(5));
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        if (options.checkpointDir() != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, options.checkpointDir());
            conf.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
        return conf;
    }

    static KafkaSource<MediaEvent> source(JobOptions options) {
        OffsetResetStrategy reset = options.startingOffsets() == JobOptions.StartingOffsets.EARLIEST
                ? OffsetResetStrategy.EARLIEST
                : OffsetResetStrategy.LATEST;
        KafkaSourceBuilder<MediaEvent> builder = KafkaSource.<MediaEvent>builder();
        options.kafkaProperties().forEach(builder::setProperty);
        options.consumerSettings().forEach(builder::setProperty);
        return builder.setBootstrapServers(options.bootstrapServers())
                .setTopics(options.featuresTopic())
                .setGroupId(options.groupId())
                // Resume from the group's offsets (committed on checkpoints); the option applies to a new group.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
                .setDeserializer(new MediaEventDeserializer())
                .build();
    }

    /** Every profile document from the control topic's start: the last good one wins. */
    static KafkaSource<ProfileUpdate> controlSource(JobOptions options) {
        KafkaSourceBuilder<ProfileUpdate> builder = KafkaSource.<ProfileUpdate>builder();
        options.kafkaProperties().forEach(builder::setProperty);
        return builder.setBootstrapServers(options.bootstrapServers())
                .setTopics(options.controlTopic())
                .setGroupId(options.groupId() + "-control")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ProfileUpdateDeserializer())
                .build();
    }

    /** Every sink's producer starts from the job's Kafka client settings (SASL, TLS); the builders add their own. */
    private static Properties producerConfig(JobOptions options) {
        Properties config = new Properties();
        config.putAll(options.kafkaProperties());
        return config;
    }

    /**
     * A sink of the job's output (defects, health and their mirrors) with the job's delivery guarantee. Exactly-once
     * writes in transactions committed on checkpoints; at-least-once writes at once and flushes on checkpoints, so
     * a restart may write an event again, with the same eventId.
     */
    static <T> KafkaSink<T> outputSink(
            JobOptions options, String topic, String name, KafkaRecordSerializationSchema<T> serializer) {
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setKafkaProducerConfig(producerConfig(options))
                .setBootstrapServers(options.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(
                        options.deliveryGuarantee() == JobOptions.DeliveryGuarantee.EXACTLY_ONCE
                                ? DeliveryGuarantee.EXACTLY_ONCE
                                : DeliveryGuarantee.AT_LEAST_ONCE);
        if (options.deliveryGuarantee() == JobOptions.DeliveryGuarantee.EXACTLY_ONCE) {
            // Distinct per sink and stable across restarts: it is how lingering transactions get aborted.
            builder.setTransactionalIdPrefix(options.transactionalIdPrefix() + "-" + name)
                    .setProperty("transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT.toMillis()));
        }
        return builder.build();
    }
}
