package io.avmon.cli;

import io.avmon.cli.common.Errors;
import io.avmon.converter.KafkaUnreachableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waits for Kafka at a converter's start: a cluster that does not answer gets one line on stderr per attempt
 * ("avmon: Kafka unreachable at ...; retrying in 4 s") and another try, with back-off from 1 s to 30 s, until it
 * answers or the process is stopped. A broker that starts after its converters (compose, Kubernetes) is normal;
 * rejected credentials are not, and end the wait at once.
 */
final class KafkaWait {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final PrintWriter err;
    private volatile boolean stopped;
    private volatile Runnable onStop = () -> {};
    private final CountDownLatch finished = new CountDownLatch(1);

    KafkaWait(PrintWriter err) {
        this.err = err;
    }

    /** Connects, retrying while Kafka is unreachable; null when stopped first. Other failures are thrown. */
    <T> T connect(Supplier<T> connection) {
        long backoffMs = FIRST_BACKOFF.toMillis();
        while (!stopped) {
            try {
                return connection.get();
            } catch (KafkaUnreachableException e) {
                err.println("avmon: " + Errors.oneLine(e) + "; retrying in " + backoffMs / 1000 + " s");
                err.flush();
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            }
        }
        return null;
    }

    /** What stopping does once connected (stop the runner). */
    void onStop(Runnable action) {
        this.onStop = action;
        if (stopped) {
            action.run();
        }
    }

    /** Ends the wait, or runs {@link #onStop}'s action once connected. Any thread (the shutdown hook). */
    void stop() {
        stopped = true;
        onStop.run();
    }

    /** The command finished: buffered records were sent or given up, the endpoint closed. */
    void finished() {
        finished.countDown();
    }

    /**
     * For the shutdown hook: stops, then waits up to {@code timeout} for the command to finish, so that SIGTERM
     * (docker stop, a pod deleted) still sends what the buffer holds before the JVM halts.
     */
    void stopAndAwaitFinish(Duration timeout) {
        stop();
        try {
            finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sleep(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!stopped && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }
    }
}
