package io.avmon.job.core;

import java.util.Locale;

/**
 * Why a record went to the dead-letter topic: a closed set, so it can be a metric label (one counter per cause)
 * and a header an operator can filter on. The detail of each case is in the dead letter's one-line error.
 */
public enum DeadLetterCause {
    /** The value is not an Avro single-object record: garbage, a tombstone, a truncated or corrupt body. */
    NOT_AVRO,
    /** A single-object header whose writer-schema fingerprint is no feature schema this job knows. */
    UNKNOWN_SCHEMA,
    /** The record's stream id breaks {@link io.avmon.schema.StreamIdRule}. */
    BAD_STREAM_ID,
    /** A measure that is NaN or infinite. */
    NON_FINITE_MEASURE,
    /** A size (picture, thumbnail, sample rate, sample count, channel count) below zero. */
    NEGATIVE_SIZE,
    /** An ingest time far from the job's clock, which would drag the watermark with it. */
    IMPLAUSIBLE_TIMESTAMP,
    /** A profile document on the control topic that does not parse or validate. */
    REJECTED_PROFILE;

    /** The label value: the name in lower case ({@code not_avro}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
