package io.avmon.schema;

import java.util.List;

/**
 * Default Kafka topic names. Every topic is keyed by streamId (UTF-8), and every value is one record in Avro
 * single-object encoding (see {@link RecordCodec}). All names can be overridden on the command line.
 */
public final class Topics {
    /**
     * Everything a converter sends, in the order it sent it: {@link VideoFrameFeatures} (one per decoded frame),
     * {@link AudioBlockFeatures} (one per 100 ms of audio) and {@link StreamStatus} (input state changes, and
     * heartbeats while a live input is down). One topic keyed by streamId puts all of a stream's records in one
     * partition, so Kafka keeps them in order at any parallelism and through any catch-up; a reader tells the
     * schemas apart by the writer-schema fingerprint in each value's header.
     */
    public static final String FEATURES = "avmon.features";
    /** {@link DefectEvent}, written exactly-once: read it with isolation.level=read_committed. */
    public static final String DEFECTS = "avmon.defects";
    /** {@link StreamHealth}, one per stream per 10 s, written exactly-once. */
    public static final String HEALTH = "avmon.health";
    /**
     * {@link #DEFECTS} as plain JSON, one object per event with the schema's field names (the job's
     * --defects-json-topic; the shipped deployments turn it on). For Kafka tools that know no Avro: Flink SQL's and
     * ksqlDB's JSON formats, Kafka Connect. Written exactly-once, like the Avro topic.
     */
    public static final String DEFECTS_JSON = "avmon.defects.json";
    /** {@link #HEALTH} as plain JSON (the job's --health-json-topic). */
    public static final String HEALTH_JSON = "avmon.health.json";
    /** Input records the job could not decode, byte for byte, with the cause in the "avmon.error" header. */
    public static final String DEAD_LETTER = "avmon.dead-letter";

    /**
     * Profile documents (YAML text, UTF-8), each a whole profile that replaces the one in force; the job reads the
     * topic from its start, so the last good document published is in force. One partition, compacted, key "profile".
     */
    public static final String CONTROL = "avmon.control";

    /** Every topic above, in this order: what a deployment creates before the job starts. */
    public static final List<String> ALL =
            List.of(FEATURES, DEFECTS, HEALTH, DEFECTS_JSON, HEALTH_JSON, DEAD_LETTER, CONTROL);

    private Topics() {}
}
