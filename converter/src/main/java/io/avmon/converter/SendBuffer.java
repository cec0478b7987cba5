package io.avmon.converter;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Encoded records waiting for Kafka, bounded in bytes. Adding never blocks: when a record does not fit, the oldest
 * records are dropped (handed to {@code onDrop}) until it does. A monitor wants the newest picture of a stream
 * after an outage, and the decoder must keep up with a live feed, so old features give way to new ones.
 *
 * <p>The oldest record leaves only through {@link #handOverOldest}, which offers it to Kafka under the buffer's
 * lock: a record is either still here, where it is the first to be dropped, or in Kafka's hands, never half-way.
 * An earlier design took a record out, offered it with a blocking send and put it back when refused; a broker
 * that returned during that wait could then accept a record older than ones dropped meanwhile, and the stream
 * showed a lone old frame between two gaps.
 */
final class SendBuffer {
    /** One record as it goes to Kafka: the stream it belongs to (for metrics), key and value bytes. */
    record Entry(String streamId, byte[] key, byte[] value) {
        long sizeBytes() {
            return key.length + value.length;
        }
    }

    /** What became of the oldest record when it was offered. */
    enum Handover {
        /** The buffer stayed empty while waiting. */
        NOTHING_WAITING,
        /** The oldest record left the buffer: taken, or refused for good and accounted for by the taker. */
        HANDED_OVER,
        /** The taker cannot take it now; it stays first in line. */
        REFUSED
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final long capacityBytes;
    private final FeaturePublisher.WhenFull whenFull;
    private final Consumer<Entry> onDrop;
    private long bytes;

    SendBuffer(long capacityBytes, Consumer<Entry> onDrop) {
        this(capacityBytes, FeaturePublisher.WhenFull.DROP_OLDEST, onDrop);
    }

    SendBuffer(long capacityBytes, FeaturePublisher.WhenFull whenFull, Consumer<Entry> onDrop) {
        if (capacityBytes < 1) {
            throw new IllegalArgumentException("send buffer capacity must be positive: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.whenFull = whenFull;
        this.onDrop = onDrop;
    }

    /**
     * Appends {@code entry}. When it does not fit: with DROP_OLDEST drops the oldest entries until it does, never
     * blocking for long; with WAIT waits for the sender to make room (interrupted, it drops as DROP_OLDEST does).
     */
    synchronized void add(Entry entry) {
        if (whenFull == FeaturePublisher.WhenFull.WAIT) {
            try {
                while (!entries.isEmpty() && bytes + entry.sizeBytes() > capacityBytes) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        while (!entries.isEmpty() && bytes + entry.sizeBytes() > capacityBytes) {
            Entry oldest = entries.removeFirst();
            bytes -= oldest.sizeBytes();
            onDrop.accept(oldest);
        }
        entries.addLast(entry);
        bytes += entry.sizeBytes();
        notifyAll();
    }

    /**
     * Offers the oldest entry to {@code taker}, waiting up to {@code timeoutMs} for one. The taker runs under the
     * buffer's lock, so it must not block: {@link #add} waits for it. It returns true when the entry left (taken,
     * or failed for good), false when it cannot be taken now.
     */
    synchronized Handover handOverOldest(long timeoutMs, Predicate<Entry> taker) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (entries.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return Handover.NOTHING_WAITING;
            }
            wait(left);
        }
        Entry oldest = entries.peekFirst();
        if (!taker.test(oldest)) {
            return Handover.REFUSED;
        }
        entries.removeFirst();
        bytes -= oldest.sizeBytes();
        notifyAll();
        return Handover.HANDED_OVER;
    }

    /** Waits until every entry was handed over, up to {@code timeoutMs}; true when it was. */
    synchronized boolean awaitEmpty(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!entries.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Removes every entry, handing each to {@code onDrop}; returns how many. */
    synchronized int dropAll() {
        int dropped = entries.size();
        while (!entries.isEmpty()) {
            onDrop.accept(entries.removeFirst());
        }
        bytes = 0;
        notifyAll();
        return dropped;
    }

    synchronized long bytes() {
        return bytes;
    }
}
