package io.avmon.converter;

import io.avmon.schema.InputState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Runs several inputs in one process, as an operator runs a host of channels: one {@link StreamRunner} per input,
 * each with its own stream id, reconnect, back-off and heartbeats, all into one {@link FeatureSink} (one Kafka
 * producer batches across streams) and one {@link ConverterMetrics} (labelled by stream).
 *
 * <p>Threading: one platform thread per input. A runner spends its time inside FFmpeg (reading the network,
 * decoding), native calls that would pin a virtual thread to its carrier anyway, and a blocked read of one feed must
 * not hold up another. Each input decodes on one thread by default ({@link StreamRunner.Options#decoderThreads()}):
 * with as many streams as cores the streams themselves fill the cores, while FFmpeg's frame threads would multiply
 * threads and frame buffers by the stream count and delay every frame by a frame per thread.
 *
 * <p>An input that fails for good (a bad file, an unsupported codec or protocol) ends its runner FAILED and is
 * reported to the failure listener at once; the others go on. A sink that fails (Kafka refused a record) fails them
 * all, since they share it: the others are stopped and {@link #run()} throws its error.
 */
public final class StreamGroup {
    /** How one input ended: {@code lastState} ENDED or FAILED, {@code failure} the FAILED message or null. */
    public record Outcome(String streamId, InputState lastState, String failure) {
        public boolean failed() {
            return lastState == InputState.FAILED;
        }
    }

    private final List<StreamRunner> runners = new ArrayList<>();
    private volatile BiConsumer<String, String> failureListener = (streamId, failure) -> {};

    public StreamGroup(List<StreamRunner.Options> inputs, FeatureSink sink, ConverterMetrics metrics) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(metrics, "metrics");
        for (StreamRunner.Options input : inputs) {
            runners.add(new StreamRunner(input, sink, metrics));
        }
    }

    /** Called from the failed input's thread with its stream id and its one-line cause, as soon as it gives up. */
    public void setFailureListener(BiConsumer<String, String> listener) {
        this.failureListener = Objects.requireNonNull(listener);
    }

    /**
     * Runs every input until each has ended, failed or been stopped.
     *
     * @return each input's outcome, in the order given
     * @throws RuntimeException the first sink failure, after every runner has returned
     */
    public List<Outcome> run() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        RuntimeException[] sinkFailure = new RuntimeException[1];
        for (StreamRunner runner : runners) {
            String streamId = runner.streamId();
            Thread thread = new Thread(
                    () -> {
                        try {
                            runner.run();
                        } catch (RuntimeException e) {
                            synchronized (sinkFailure) {
                                if (sinkFailure[0] == null) {
                                    sinkFailure[0] = e;
                                }
                            }
                            stop();
                            return;
                        }
                        if (runner.lastState() == InputState.FAILED) {
                            failureListener.accept(streamId, runner.failure());
                        }
                    },
                    "avmon-convert-" + streamId);
            threads.add(thread);
            thread.start();
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            stop();
            throw e;
        }
        synchronized (sinkFailure) {
            if (sinkFailure[0] != null) {
                throw sinkFailure[0];
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (StreamRunner runner : runners) {
            outcomes.add(new Outcome(runner.streamId(), runner.lastState(), runner.failure()));
        }
        return outcomes;
    }

    /** Asks every input to stop; {@link #run()} returns once each has sent ENDED "stopped". Any thread. */
    public void stop() {
        runners.forEach(StreamRunner::stop);
    }
}
