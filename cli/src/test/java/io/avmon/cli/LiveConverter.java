package io.avmon.cli;

import io.avmon.converter.FeatureSink;
import io.avmon.converter.StreamRunner;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.InputState;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;

/**
 * A converter on a live input, on a thread of its own, publishing through {@code publisher} as {@code avmon convert}
 * does, and keeping a copy of what it sent so a test can date the feed's outages by the converter's own clock.
 */
final class LiveConverter implements AutoCloseable {
    /** What the converter sent, in order. Thread-safe: the heartbeat timer sends too. */
    final List<SpecificRecord> sent = new CopyOnWriteArrayList<>();

    /** When each of {@link #sent} was sent (epoch ms). */
    final List<Long> sentAtMs = new CopyOnWriteArrayList<>();

    private final StreamRunner runner;
    private final Thread thread;

    LiveConverter(String input, String streamId, FeatureSink publisher) {
        FeatureSink copying = record -> {
            publisher.send(record);
            sent.add(record);
            sentAtMs.add(System.currentTimeMillis());
        };
        runner = new StreamRunner(StreamRunner.Options.of(input, streamId), copying);
        thread = new Thread(runner, "converter-" + streamId);
        thread.start();
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    InputState lastState() {
        return runner.lastState();
    }

    List<InputState> states() {
        return sent.stream()
                .filter(StreamStatus.class::isInstance)
                .map(r -> ((StreamStatus) r).getState())
                .toList();
    }

    List<VideoFrameFeatures> frames() {
        return sent.stream()
                .filter(VideoFrameFeatures.class::isInstance)
                .map(VideoFrameFeatures.class::cast)
                .toList();
    }

    /** Ingest times (epoch ms) of the video frames and audio blocks sent, in order. */
    List<Long> mediaIngestTimesMs() {
        return sent.stream()
                .map(r -> r instanceof VideoFrameFeatures v
                        ? (Long) v.getIngestTimeMs()
                        : r instanceof AudioBlockFeatures a ? (Long) a.getIngestTimeMs() : null)
                .filter(t -> t != null)
                .toList();
    }

    /** The longest wait between two media records the converter sent, ms: the longest the feed went quiet. */
    long longestQuietMs() {
        List<Long> times = mediaIngestTimesMs();
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        return longest;
    }

    /**
     * Where media records stopped for longer than {@code minMs}: "quiet ms before media s" for each, for failure
     * messages.
     */
    List<String> quietStretches(long minMs) {
        List<SpecificRecord> media = sent.stream()
                .filter(r -> r instanceof VideoFrameFeatures || r instanceof AudioBlockFeatures)
                .toList();
        List<String> stretches = new java.util.ArrayList<>();
        for (int i = 1; i < media.size(); i++) {
            long quiet = ingestMs(media.get(i)) - ingestMs(media.get(i - 1));
            if (quiet > minMs) {
                stretches.add(quiet + " ms before " + mediaUs(media.get(i)) / 1e6 + " s (after "
                        + mediaUs(media.get(i - 1)) / 1e6 + " s)");
            }
        }
        return stretches;
    }

    /** The media records sent between two media times (s), as "kind media@sent", for failure messages. */
    List<String> around(double fromS, double toS) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            SpecificRecord r = sent.get(i);
            if ((r instanceof VideoFrameFeatures || r instanceof AudioBlockFeatures)
                    && mediaUs(r) >= fromS * 1e6
                    && mediaUs(r) <= toS * 1e6) {
                out.add((r instanceof VideoFrameFeatures ? "v" : "a") + mediaUs(r) / 1000 + "@"
                        + sentAtMs.get(i) % 100000);
            }
        }
        return out;
    }

    private static long ingestMs(SpecificRecord r) {
        return r instanceof VideoFrameFeatures v ? v.getIngestTimeMs() : ((AudioBlockFeatures) r).getIngestTimeMs();
    }

    private static long mediaUs(SpecificRecord r) {
        return r instanceof VideoFrameFeatures v ? v.getMediaTimeUs() : ((AudioBlockFeatures) r).getMediaTimeUs();
    }

    /** Waits until {@code count} video frames have been sent; false on timeout. */
    boolean awaitFrames(int count, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (frames().size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        return frames().size() >= count;
    }

    /** Stops the converter (it sends ENDED) and waits for its thread. */
    @Override
    public void close() throws InterruptedException {
        runner.stop();
        thread.join(10_000);
    }
}
