package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.InjectedDefect;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A broker and a one-slot MiniCluster for failover tests: the production job runs on it while a converter plays a
 * clip in real time, and the test kills the TaskManager at the moment it wants. Several runs may share one rig:
 * each has its own topics, consumer group and transactional ids.
 *
 * <p>Stall detection stays on: a job down for longer than the stall's raise delay must not take its own outage for
 * a stall of the streams it restores (StreamStallDetector counts silence from its restart at the earliest).
 *
 * <p>Checkpoint state is always written to files (no state inline in the metadata), so that a checkpoint held by
 * {@link HeldCheckpointFileSystem} is held on the TaskManager.
 */
final class FailoverRig implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    final EmbeddedKafka kafka;
    final MiniCluster cluster;
    private final Admin admin;
    /** MiniCluster keeps a killed TaskManager in its list: the one running now is the last one started. */
    private int liveTaskManager;

    private long killedAtNanos;

    private FailoverRig(EmbeddedKafka kafka, MiniCluster cluster) throws IOException {
        this.kafka = kafka;
        this.cluster = cluster;
        this.admin = kafka.admin();
    }

    static FailoverRig start() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(CheckpointingOptions.FS_SMALL_FILE_THRESHOLD, MemorySize.ZERO);
        EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort();
        kafka.createTopics(Topics.ALL, 1);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1)
                .build());
        cluster.start();
        return new FailoverRig(kafka, cluster);
    }

    /**
     * Starts the job on topics of its own and, once its first checkpoint has completed, a real-time converter
     * playing {@code clip}. The run's {@link Run#cue()} completes when the converter has sent the frame
     * {@code cueSeconds} into the clip.
     *
     * @param checkpointDir the job's {@code --checkpoint-dir}
     * @param extraArgs further job flags (a profile, a checkpoint interval)
     */
    Run start(String name, Clip clip, String checkpointDir, double cueSeconds, List<String> extraArgs)
            throws Exception {
        String features = Topics.FEATURES + "." + name;
        String defects = Topics.DEFECTS + "." + name;
        kafka.createTopics(List.of(features, defects), 1);
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--features-topic", features,
                "--defects-topic", defects,
                "--group-id", name,
                "--transactional-id-prefix", name,
                "--starting-offsets", "earliest",
                "--parallelism", "1",
                "--checkpoint-dir", checkpointDir));
        if (!extraArgs.contains("--checkpoint-interval-ms")) {
            args.addAll(List.of("--checkpoint-interval-ms", "500"));
        }
        args.addAll(extraArgs);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AvmonJob.define(env, JobOptions.fromArgs(args.toArray(String[]::new)));
        JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
        Run run = new Run(name, clip, job, features, defects);
        run.awaitCompletedCheckpoints(1);
        run.play(cueSeconds);
        return run;
    }

    /** Kills the TaskManager running the job; the job waits for a new one ({@link #replaceTaskManager()}). */
    void killTaskManager() throws Exception {
        killedAtNanos = System.nanoTime();
        cluster.terminateTaskManager(liveTaskManager).get(30, TimeUnit.SECONDS);
    }

    /** When the last {@link #killTaskManager()} began ({@link System#nanoTime()}). */
    long killedAtNanos() {
        return killedAtNanos;
    }

    void replaceTaskManager() throws Exception {
        cluster.startTaskManager();
        liveTaskManager++;
    }

    @Override
    public void close() throws Exception {
        admin.close();
        cluster.close();
        kafka.close();
    }

    /** One job and one converter on the rig. */
    final class Run {
        final String name;
        final Clip clip;
        final JobID job;
        final String featuresTopic;
        final String defectsTopic;
        private final CompletableFuture<Void> cue = new CompletableFuture<>();
        private Thread converter;

        private Run(String name, Clip clip, JobID job, String featuresTopic, String defectsTopic) {
            this.name = name;
            this.clip = clip;
            this.job = job;
            this.featuresTopic = featuresTopic;
            this.defectsTopic = defectsTopic;
        }

        private void play(double cueSeconds) {
            converter = playLive(kafka.bootstrapServers(), featuresTopic, clip, name, cueSeconds, cue);
        }

        /** Waits until the converter has sent (and flushed) the frame at the cue. */
        void awaitCue() throws Exception {
            cue.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        /**
         * Waits for the first checkpoint after the TaskManager was replaced, the moment the job is back and its
         * progress durable again, and records the time since the kill.
         */
        void awaitRecovery() throws Exception {
            awaitCompletedCheckpoints(checkpoints().getNumberOfCompletedCheckpoints() + 1);
            ReliabilityFigures.record(
                    name, "recovery ms, kill to first checkpoint after", ReliabilityFigures.millisSince(killedAtNanos));
        }

        CheckpointStatsCounts checkpoints() throws Exception {
            return cluster.getExecutionGraph(job)
                    .get()
                    .getCheckpointStatsSnapshot()
                    .getCounts();
        }

        void awaitCompletedCheckpoints(long count) throws Exception {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (checkpoints().getNumberOfCompletedCheckpoints() < count) {
                assertThat(System.nanoTime())
                        .as(name + ": checkpoint " + count + " completes")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        /**
         * Waits for the converter to end and the job to commit its offsets at the end of the feature topic, then
         * for one more checkpoint, whose transaction holds the defects those last records closed; cancels the job
         * and returns every committed defect event.
         */
        List<DefectEvent> finish() throws Exception {
            converter.join(TIMEOUT.toMillis());
            assertThat(converter.isAlive()).as(name + ": the converter ends").isFalse();
            TopicPartition partition = new TopicPartition(featuresTopic, 0);
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                    .all()
                    .get()
                    .get(partition)
                    .offset();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (committedOffset(partition) < end) {
                assertThat(System.nanoTime())
                        .as(name + ": the job reads the whole feature topic")
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
            awaitCompletedCheckpoints(checkpoints().getNumberOfCompletedCheckpoints() + 1);
            cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
            return CommittedDefects.readToEnd(kafka.bootstrapServers(), defectsTopic);
        }

        private long committedOffset(TopicPartition partition) throws Exception {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(name)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition);
            return offset == null ? 0 : offset.offset();
        }

        boolean restarted() throws Exception {
            return cluster.getExecutionGraph(job).get().getStatusTimestamp(JobStatus.RESTARTING) > 0;
        }
    }

    /**
     * Starts a real-time converter playing {@code clip} as stream {@code streamId} into {@code featuresTopic};
     * {@code cue} completes once it has sent (and flushed) the frame {@code cueSeconds} into the clip.
     */
    static Thread playLive(
            String bootstrapServers,
            String featuresTopic,
            Clip clip,
            String streamId,
            double cueSeconds,
            CompletableFuture<Void> cue) {
        Thread converter = new Thread(
                () -> {
                    try (FeaturePublisher publisher = new FeaturePublisher(
                            bootstrapServers, Map.of(FeaturePublisher.TOPIC_OVERRIDE, featuresTopic))) {
                        long[] firstUs = {Long.MIN_VALUE};
                        new StreamRunner(
                                        StreamRunner.Options.of(clip.file().toString(), streamId)
                                                .withRealtime(true),
                                        record -> {
                                            publisher.send(record);
                                            if (record instanceof VideoFrameFeatures frame) {
                                                long us = frame.getMediaTimeUs();
                                                firstUs[0] = firstUs[0] == Long.MIN_VALUE ? us : firstUs[0];
                                                if (us - firstUs[0] >= cueSeconds * 1e6 && !cue.isDone()) {
                                                    publisher.flush();
                                                    cue.complete(null);
                                                }
                                            }
                                        })
                                .run();
                    } catch (RuntimeException e) {
                        cue.completeExceptionally(e);
                        throw e;
                    }
                },
                "converter-" + streamId);
        converter.start();
        return converter;
    }

    /**
     * What a consumer of the defect topic must see after any failure: every defect's OPENED and CLOSED exactly once,
     * every opened defect closed, and the closed ones equal to the injected truth (none missed, no false alarm,
     * start and end within half a second).
     */
    static void assertExactlyOnceAgainstTruth(List<DefectEvent> events, List<InjectedDefect> truth, String run) {
        Map<String, Long> copies = events.stream()
                .collect(Collectors.groupingBy(e -> e.getEventId() + "/" + e.getState(), Collectors.counting()));
        List<DefectEvent> closed =
                events.stream().filter(e -> e.getState() == DefectState.CLOSED).toList();
        TruthMatch match = TruthMatch.of(truth, closed, 0.5);
        ReliabilityFigures.record(run, "defects injected", truth.size());
        ReliabilityFigures.record(run, "events committed", events.size());
        ReliabilityFigures.record(run, "defects lost", match.missed().size());
        ReliabilityFigures.record(
                run,
                "events duplicated",
                copies.values().stream().mapToLong(count -> count - 1).sum());

        assertThat(copies)
                .as(run + ": each defect's OPENED and CLOSED exactly once")
                .allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
        assertThat(closed.stream().map(DefectEvent::getEventId).sorted().toList())
                .as(run + ": every defect opened is closed")
                .isEqualTo(events.stream()
                        .filter(e -> e.getState() == DefectState.OPENED)
                        .map(DefectEvent::getEventId)
                        .sorted()
                        .toList());
        assertThat(match.missed()).as(run + ": defects lost in the failover").isEmpty();
        assertThat(match.falseAlarms())
                .as(run + ": defects where nothing was injected")
                .isEmpty();
        assertThat(match.timingErrors()).as(run).isEmpty();
    }
}
