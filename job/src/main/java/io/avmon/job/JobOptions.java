package io.avmon.job;

import io.avmon.job.defect.DefectKind;
import io.avmon.schema.KafkaClientProperties;
import io.avmon.schema.Topics;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.util.ParameterTool;

/**
 * The job's command-line options. Flags and defaults:
 * <pre>
 * --bootstrap-servers        localhost:9092
 * --features-topic           avmon.features   (video features, audio features and stream status, keyed by stream)
 * --defects-topic            avmon.defects
 * --health-topic             avmon.health
 * --dead-letter-topic        avmon.dead-letter
 * --control-topic            avmon.control   (profile documents, applied at run time; read from its start)
 * --defects-json-topic       (none: no mirror) also write each defect event as plain JSON to this topic, for
 *                            Kafka tools that read JSON (Flink SQL, ksqlDB, Kafka Connect); avmon.defects.json
 *                            in the shipped deployments
 * --health-json-topic        (none: no mirror) the same for stream health; avmon.health.json in the deployments
 * --profile                  (none: built-in defaults) a YAML profile file, read where the job is submitted
 * --group-id                 avmon-job
 * --checkpoint-interval-ms   10000
 * --checkpoint-dir           (none: the cluster's execution.checkpointing.dir, else JobManager memory)
 * --state-retention-ms       600000 (10 min; 1000-604800000) how long a stream's state outlives its last record
 *                            when it stops without ENDED, as a crashed encoder does: then its open defects close
 *                            and its state is forgotten. Job-wide and fixed at start (state TTLs are set when the
 *                            operators open). Below a minute only to compress time, as the soak benchmark does
 * --starting-offsets         latest | earliest   (latest; used only when the group has no committed offset)
 * --transactional-id-prefix  avmon   (keep it stable across restarts: it is used to abort lingering transactions)
 * --delivery-guarantee       exactly-once | at-least-once   (exactly-once: defects and health are committed with
 *                            each checkpoint; at-least-once: written at once, faster, and a restart may write an
 *                            event again with the same eventId; README, "Delivery guarantees")
 * --parallelism              (none: the cluster's default)
 * --kafka-properties         (none) a properties file of Kafka client settings (SASL, TLS) for every Kafka
 *                            client the job makes: both sources and all three sinks; read where the job is submitted
 * --kafka-property key=value (none) one such setting, repeatable, over the file's. Keep secrets in the file: Flink
 *                            logs the job's arguments
 * --consumer.&lt;setting&gt;       (none) a Kafka consumer setting for the feature source only, over the above, e.g.
 *                            --consumer.max.poll.records 5000 or --consumer.fetch.max.bytes 104857600
 * </pre>
 *
 * <p>{@link #toString()} hides secrets ({@link KafkaClientProperties#masked}), so printing the options is safe.
 */
public record JobOptions(
        String bootstrapServers,
        String featuresTopic,
        String defectsTopic,
        String healthTopic,
        String deadLetterTopic,
        String controlTopic,
        String defectsJsonTopic,
        String healthJsonTopic,
        String profile,
        String groupId,
        Duration checkpointInterval,
        String checkpointDir,
        Duration stateRetention,
        StartingOffsets startingOffsets,
        String transactionalIdPrefix,
        DeliveryGuarantee deliveryGuarantee,
        int parallelism,
        Map<String, String> consumerSettings,
        Map<String, String> kafkaProperties)
        implements Serializable {

    /**
     * How the job's output is delivered. Its own type, not the connector's DeliveryGuarantee, so that reading the
     * options needs no connector on the classpath (the deployment checks parse them with the job's classes alone).
     */
    public enum DeliveryGuarantee {
        EXACTLY_ONCE,
        AT_LEAST_ONCE
    }

    /** Where to start reading when the consumer group has no committed offset. */
    public enum StartingOffsets {
        LATEST,
        EARLIEST
    }

    /** Parallelism left to the cluster. */
    public static final int DEFAULT_PARALLELISM = -1;

    /**
     * The shortest state retention: a second still outlasts the gap between a live stream's records (40 ms) and a
     * converter's heartbeats; production keeps the 10-minute default ({@link DefectKind#STATE_RETENTION}).
     */
    public static final Duration MIN_STATE_RETENTION = Duration.ofSeconds(1);

    /** The longest: a week of a vanished stream's state is already a leak by any other name. */
    public static final Duration MAX_STATE_RETENTION = Duration.ofDays(7);

    private static final Set<String> FLAGS = Set.of(
            "bootstrap-servers",
            "features-topic",
            "defects-topic",
            "health-topic",
            "dead-letter-topic",
            "control-topic",
            "defects-json-topic",
            "health-json-topic",
            "profile",
            "group-id",
            "checkpoint-interval-ms",
            "checkpoint-dir",
            "state-retention-ms",
            "starting-offsets",
            "transactional-id-prefix",
            "delivery-guarantee",
            "parallelism",
            "kafka-properties");

    /** The repeatable flag of one Kafka client setting, key=value. */
    private static final String KAFKA_PROPERTY = "kafka-property";

    /** Flags starting with this pass a setting to the feature source's Kafka consumer. */
    private static final String CONSUMER_PREFIX = "consumer.";

    /** The input flags of releases that read three feature topics. */
    private static final Set<String> THREE_TOPIC_FLAGS = Set.of("video-topic", "audio-topic", "status-topic");

    public JobOptions {
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException(
                    "checkpoint interval must be positive: exactly-once output is committed on checkpoints");
        }
        if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
            throw new IllegalArgumentException("transactional id prefix must not be blank");
        }
        if (stateRetention.compareTo(MIN_STATE_RETENTION) < 0 || stateRetention.compareTo(MAX_STATE_RETENTION) > 0) {
            throw new IllegalArgumentException("--state-retention-ms must be " + MIN_STATE_RETENTION.toMillis() + "-"
                    + MAX_STATE_RETENTION.toMillis() + ", not " + stateRetention.toMillis());
        }
        consumerSettings = Map.copyOf(consumerSettings);
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    public static JobOptions defaults() {
        return fromArgs(new String[0]);
    }

    /** Parses the flags above; an unknown flag is an error (a typo would otherwise silently use a default). */
    public static JobOptions fromArgs(String[] args) {
        // --kafka-property repeats, which ParameterTool cannot hold: take its values out first.
        List<String> kafkaPairs = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--" + KAFKA_PROPERTY)) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException("--" + KAFKA_PROPERTY + " expects key=value");
                }
                kafkaPairs.add(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        ParameterTool params = ParameterTool.fromArgs(rest.toArray(String[]::new));
        String propertiesFile = params.get("kafka-properties", null);
        Map<String, String> kafkaProperties =
                KafkaClientProperties.read(propertiesFile == null ? null : Path.of(propertiesFile), kafkaPairs);
        Set<String> unknown = new TreeSet<>(params.toMap().keySet());
        unknown.removeAll(FLAGS);
        Map<String, String> consumerSettings = new TreeMap<>();
        for (Map.Entry<String, String> flag : params.toMap().entrySet()) {
            if (flag.getKey().startsWith(CONSUMER_PREFIX) && flag.getKey().length() > CONSUMER_PREFIX.length()) {
                consumerSettings.put(flag.getKey().substring(CONSUMER_PREFIX.length()), flag.getValue());
                unknown.remove(flag.getKey());
            }
        }
        Set<String> removed = new TreeSet<>(unknown);
        removed.retainAll(THREE_TOPIC_FLAGS);
        if (!removed.isEmpty()) {
            throw new IllegalArgumentException("--" + String.join(", --", removed)
                    + ": the three feature topics are now one," + " --features-topic (default " + Topics.FEATURES
                    + "); see README, Migrating from the three-topic layout");
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown) + "; known: --"
                    + String.join(", --", new TreeSet<>(FLAGS)));
        }
        String offsets = params.get("starting-offsets", "latest").toUpperCase(Locale.ROOT);
        StartingOffsets startingOffsets;
        try {
            startingOffsets = StartingOffsets.valueOf(offsets);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--starting-offsets must be latest or earliest, not " + offsets.toLowerCase(Locale.ROOT));
        }
        return new JobOptions(
                params.get("bootstrap-servers", "localhost:9092"),
                params.get("features-topic", Topics.FEATURES),
                params.get("defects-topic", Topics.DEFECTS),
                params.get("health-topic", Topics.HEALTH),
                params.get("dead-letter-topic", Topics.DEAD_LETTER),
                params.get("control-topic", Topics.CONTROL),
                optionalTopic(params, "defects-json-topic"),
                optionalTopic(params, "health-json-topic"),
                params.get("profile", null),
                params.get("group-id", "avmon-job"),
                Duration.ofMillis(params.getLong("checkpoint-interval-ms", 10_000L)),
                params.get("checkpoint-dir", null),
                Duration.ofMillis(params.getLong("state-retention-ms", DefectKind.STATE_RETENTION.toMillis())),
                startingOffsets,
                params.get("transactional-id-prefix", "avmon"),
                deliveryGuarantee(params.get("delivery-guarantee", "exactly-once")),
                params.getInt("parallelism", DEFAULT_PARALLELISM),
                consumerSettings,
                kafkaProperties);
    }

    /** Whether the job mirrors defect events as JSON. */
    public boolean mirrorsDefects() {
        return defectsJsonTopic != null;
    }

    /** Whether the job mirrors stream health as JSON. */
    public boolean mirrorsHealth() {
        return healthJsonTopic != null;
    }

    /** The guarantees the job offers for its output: none is not one of them. */
    private static DeliveryGuarantee deliveryGuarantee(String flag) {
        return switch (flag) {
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            default ->
                throw new IllegalArgumentException(
                        "--delivery-guarantee must be exactly-once or at-least-once, not " + flag);
        };
    }

    /** A topic flag with no default: absent means off; present, it must name a topic. */
    private static String optionalTopic(ParameterTool params, String flag) {
        if (!params.has(flag)) {
            return null;
        }
        String topic = params.get(flag);
        // ParameterTool reads a flag given without a value as its marker text "__NO_VALUE_KEY".
        if (topic == null || topic.isBlank() || topic.equals("__NO_VALUE_KEY")) {
            throw new IllegalArgumentException("--" + flag + " expects a topic name");
        }
        return topic;
    }

    /** The record's own form, with every secret among the Kafka settings hidden. */
    @Override
    public String toString() {
        return "JobOptions[bootstrapServers=" + bootstrapServers + ", featuresTopic=" + featuresTopic
                + ", defectsTopic=" + defectsTopic + ", healthTopic=" + healthTopic + ", deadLetterTopic="
                + deadLetterTopic + ", controlTopic=" + controlTopic + ", defectsJsonTopic=" + defectsJsonTopic
                + ", healthJsonTopic="
                + healthJsonTopic + ", profile=" + profile + ", groupId=" + groupId
                + ", checkpointInterval=" + checkpointInterval + ", checkpointDir=" + checkpointDir
                + ", stateRetention=" + stateRetention
                + ", startingOffsets=" + startingOffsets + ", transactionalIdPrefix=" + transactionalIdPrefix
                + ", deliveryGuarantee=" + deliveryGuarantee
                + ", parallelism=" + parallelism + ", consumerSettings="
                + KafkaClientProperties.masked(consumerSettings) + ", kafkaProperties="
                + KafkaClientProperties.masked(kafkaProperties) + "]";
    }
}
