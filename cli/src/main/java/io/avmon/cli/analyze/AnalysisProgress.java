package io.avmon.cli.analyze;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far each file's decoding has got, shared between the source readers and the CLI's progress bar.
 * Offline analysis runs its Flink MiniCluster inside the CLI's JVM, so a JVM-wide registry is enough; in a
 * remote cluster nothing would read it.
 */
public final class AnalysisProgress {

    private static final Map<String, FileProgress> FILES = new ConcurrentHashMap<>();

    private AnalysisProgress() {}

    public static FileProgress register(String streamId, String input, long durationUs) {
        FileProgress progress = new FileProgress(input, durationUs);
        FILES.put(streamId, progress);
        return progress;
    }

    static FileProgress of(String streamId) {
        return FILES.computeIfAbsent(streamId, id -> new FileProgress(id, -1));
    }

    public static void clear() {
        FILES.clear();
    }

    /** Media time decoded so far, summed over all files, in microseconds. */
    public static long decodedUs() {
        return FILES.values().stream().mapToLong(f -> f.positionUs.get()).sum();
    }

    public static final class FileProgress {
        private final String input;
        private final long durationUs;
        private final AtomicLong positionUs = new AtomicLong();
        private final Queue<String> warnings = new ConcurrentLinkedQueue<>();
        private volatile String failure;
        private volatile boolean finished;

        FileProgress(String input, long durationUs) {
            this.input = input;
            this.durationUs = durationUs;
        }

        void advanceTo(long mediaTimeUs) {
            positionUs.accumulateAndGet(mediaTimeUs, Math::max);
        }

        void warn(String message) {
            warnings.add(message);
        }

        void fail(String message) {
            failure = message;
        }

        void finish() {
            finished = true;
            if (durationUs > 0) {
                positionUs.accumulateAndGet(durationUs, Math::max);
            }
        }

        public String input() {
            return input;
        }

        public long positionUs() {
            return positionUs.get();
        }

        public List<String> warnings() {
            return List.copyOf(warnings);
        }

        public String failure() {
            return failure;
        }

        public boolean finished() {
            return finished;
        }
    }
}
