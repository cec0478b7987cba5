package io.avmon.job.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * An input record the job could not decode, kept byte for byte so it can be replayed once the cause is fixed.
 * A Flink POJO (public no-arg constructor, public fields), so it never falls back to Kryo.
 */
public class DeadLetter {
    /** Kafka topic the record was read from. */
    public String topic;

    public int partition;
    public long offset;
    /** The record's key as sent (the streamId in UTF-8 for well-behaved producers); may be null. */
    public byte[] key;
    /** The record's value as sent; may be null (a tombstone). */
    public byte[] value;
    /** Why it could not be read, in one line. */
    public String error;
    /** The kind of {@link #error}, from a closed set (a metric label). */
    public DeadLetterCause cause;

    public DeadLetter() {}

    public DeadLetter(
            String topic, int partition, long offset, byte[] key, byte[] value, DeadLetterCause cause, String error) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
        this.cause = cause;
        this.error = error;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof DeadLetter other)) return false;
        return partition == other.partition
                && offset == other.offset
                && Objects.equals(topic, other.topic)
                && Arrays.equals(key, other.key)
                && Arrays.equals(value, other.value)
                && cause == other.cause
                && Objects.equals(error, other.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, error);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + "/" + partition + "@" + offset + ": " + cause + ": " + error + "}";
    }
}
