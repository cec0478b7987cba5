package io.avmon.converter;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Encoded records waiting for Kafka, bounded in bytes. Adding never blocks: when a record does not fit, the oldest
 * records are dropped (handed to {@code onDrop}) until it does. A monitor wants the newest picture of a stream
 * after an outage, and the decoder must keep up with a live feed, so old features give way to new ones.
 */
final class SendBuffer {
    /** One record as it goes to Kafka: the stream it belongs to (for metrics), key and value bytes. */
    record Entry(String streamId, byte[] key, byte[] value) {
        long sizeBytes() {
            return key.length + value.length;
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final long capacityBytes;
    private final Consumer<Entry> onDrop;
    private long bytes;
    /** Whether the sender holds an entry it took and has not yet handed on or put back. */
    private boolean inFlight;
    /**
     * Whether entries were dropped while the sender held one: the one it holds is older than all of them, so it
     * must not come back ahead of the newer entries that were kept.
     */
    private boolean droppedWhileInFlight;

    SendBuffer(long capacityBytes, Consumer<Entry> onDrop) {
        if (capacityBytes < 1) {
            throw new IllegalArgumentException("send buffer capacity must be positive: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.onDrop = onDrop;
    }

    /** Appends {@code entry}, dropping the oldest entries while it does not fit. Never blocks. */
    synchronized void add(Entry entry) {
        makeRoom(entry.sizeBytes());
        entries.addLast(entry);
        bytes += entry.sizeBytes();
        notifyAll();
    }

    /**
     * Puts back at the head an entry {@link #take} returned that could not be handed on, unless newer entries
     * already fill the buffer, or newer ones were dropped meanwhile: then it is the oldest, and is dropped too.
     */
    synchronized void putBack(Entry entry) {
        inFlight = false;
        notifyAll();
        if (droppedWhileInFlight || bytes + entry.sizeBytes() > capacityBytes) {
            onDrop.accept(entry);
            return;
        }
        entries.addFirst(entry);
        bytes += entry.sizeBytes();
        notifyAll();
    }

    /** The oldest entry, waiting up to {@code timeoutMs} for one; null when none came. */
    synchronized Entry take(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (entries.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        Entry entry = entries.removeFirst();
        bytes -= entry.sizeBytes();
        inFlight = true;
        droppedWhileInFlight = false;
        return entry;
    }

    /** The entry {@link #take} returned was handed on. */
    synchronized void handedOn() {
        inFlight = false;
        notifyAll();
    }

    /** Waits until every entry was handed on, up to {@code timeoutMs}; true when it was. */
    synchronized boolean awaitEmpty(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!entries.isEmpty() || inFlight) {
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

    private void makeRoom(long needed) {
        while (!entries.isEmpty() && bytes + needed > capacityBytes) {
            Entry oldest = entries.removeFirst();
            bytes -= oldest.sizeBytes();
            droppedWhileInFlight |= inFlight;
            onDrop.accept(oldest);
        }
    }
}
