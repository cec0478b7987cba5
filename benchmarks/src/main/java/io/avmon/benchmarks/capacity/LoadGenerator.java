package io.avmon.benchmarks.capacity;

import io.avmon.converter.FeatureSink;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Feature records for N synthetic streams at 25 frames and 10 audio blocks a second each, as a fleet of converters
 * writes them: each stream replays a {@link FeatureTemplate} made by the real converter, from its own point in the
 * loop, so thumbnails and measures are real and the streams' defects are spread over time. A share of the
 * streams replays the template with black picture, so at any moment a few per cent are in a defect, opening and
 * closing every loop.
 *
 * <p>Records go out in time order across streams, 100 ms at a time, as the converters' clocks would interleave
 * them in Kafka. A record is sent before the next one is set up, so one mutable copy of each template record is
 * enough: the sink (FeaturePublisher) encodes it on send.
 */
public final class LoadGenerator {

    /** Every stream's records per second: 25 frames and 10 audio blocks of 100 ms. */
    public static final int RECORDS_PER_STREAM_SECOND = 35;

    /** Records go out 100 ms of every stream at a time. */
    public static final long STEP_US = 100_000;

    /** Sends every stream's records of [elapsedUs, elapsedUs + STEP_US) since {@code startMs}; returns how many. */
    @FunctionalInterface
    public interface Step {
        long send(long startMs, long elapsedUs);
    }

    private final FeatureTemplate clean;
    private final FeatureTemplate withBlack;
    private final StreamPlayback[] streams;

    /**
     * @param defectiveShare share of the streams (0..1) whose picture goes black for 4 s in every 20 s loop
     */
    LoadGenerator(FeatureTemplate clean, FeatureTemplate withBlack, int streamCount, double defectiveShare, long seed) {
        if (streamCount < 1 || defectiveShare < 0 || defectiveShare > 1) {
            throw new IllegalArgumentException("streams >= 1 and a defective share in 0..1");
        }
        this.clean = clean;
        this.withBlack = withBlack;
        Random random = new Random(seed);
        streams = new StreamPlayback[streamCount];
        int defective = (int) Math.round(streamCount * defectiveShare);
        for (int i = 0; i < streamCount; i++) {
            FeatureTemplate template = i < defective ? withBlack : clean;
            long phaseUs = (random.nextLong(template.durationUs()) / 40_000) * 40_000;
            streams[i] = new StreamPlayback(String.format("load-%05d", i), template, phaseUs);
        }
    }

    int streamCount() {
        return streams.length;
    }

    int defectiveStreams() {
        int n = 0;
        for (StreamPlayback stream : streams) {
            n += stream.template() == withBlack ? 1 : 0;
        }
        return n;
    }

    /**
     * Writes {@code seconds} of every stream as fast as the sink takes them, with ingest times from
     * {@code startMs} on: a backlog the job then reads at its own pace. Returns the records written.
     */
    long writeBacklog(FeatureSink sink, long startMs, int seconds) {
        long records = 0;
        for (long elapsedUs = 0; elapsedUs < seconds * 1_000_000L; elapsedUs += STEP_US) {
            records += step(sink, startMs, elapsedUs);
        }
        return records;
    }

    /**
     * Writes in real time, each 100 ms of every stream when the wall clock reaches it, until told to stop; tells
     * {@code lateness} how late each 100 ms went out (ms after it was due: records carry the due time as their ingest
     * time, so a generator that falls behind makes the job look late).
     */
    long writeLive(FeatureSink sink, BooleanSupplier keepGoing, LongConsumer lateness) throws InterruptedException {
        return paceLive(
                (startMs, elapsedUs) -> {
                    lateness.accept(System.currentTimeMillis() - (startMs + elapsedUs / 1000));
                    return step(sink, startMs, elapsedUs);
                },
                keepGoing);
    }

    /**
     * Runs {@code step} for each 100 ms when the wall clock reaches it, from now until told to stop; a step that
     * falls behind is caught up at once. Returns the records sent.
     */
    public static long paceLive(Step step, BooleanSupplier keepGoing) throws InterruptedException {
        long startMs = System.currentTimeMillis();
        long records = 0;
        for (long elapsedUs = 0; keepGoing.getAsBoolean(); elapsedUs += STEP_US) {
            long dueMs = startMs + elapsedUs / 1000;
            long waitMs = dueMs - System.currentTimeMillis();
            if (waitMs > 0) {
                Thread.sleep(waitMs);
            }
            records += step.send(startMs, elapsedUs);
        }
        return records;
    }

    /** Every stream's records of [elapsedUs, elapsedUs + 100 ms). */
    private long step(FeatureSink sink, long startMs, long elapsedUs) {
        long records = 0;
        long endUs = elapsedUs + STEP_US;
        for (StreamPlayback stream : streams) {
            records += stream.sendUntil(sink, startMs, endUs);
        }
        return records;
    }
}
