package io.avmon.job.detect;

/**
 * The part of a stream's keyed state (a Flink POJO) that {@link StreamState} needs to forget it: when it was last
 * written, and the one timer armed to forget it. A state class extends this and adds its own fields.
 */
public abstract class ExpiringState {
    /** No expiry timer is armed. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /**
     * Processing time (ms) of the last write. 0 in state written before these fields existed (a savepoint of 0.1.0,
     * migrated from Flink's TTL): such state reads as expired.
     */
    public long writtenMs;
    /** Processing time (ms) of the armed expiry timer; {@link #NO_TIMER} before one. */
    public long expiryTimerMs = NO_TIMER;
}
