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
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover: the TaskManager running the job dies while a live stream is being monitored; the job restarts on a
 * new one from its last checkpoint. A read_committed consumer must still see every defect exactly once: nothing
 * lost, nothing doubled by the replay.
 */
class FailoverTest {

    @TempDir
    Path dir;

    @Test
    void taskManagerLossLosesNoDefectAndDuplicatesNone() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(17)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.SILENCE)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("failover.ts"));

        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort();
                MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                        .setConfiguration(conf)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(1)
                        .build())) {
            kafka.createTopics(Topics.ALL, 1);
            cluster.start();

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            AvmonJob.define(env, JobOptions.fromArgs(new String[] {
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--checkpoint-interval-ms",
                "500",
                "--starting-offsets",
                "earliest",
                "--parallelism",
                "1",
                "--checkpoint-dir",
                dir.resolve("checkpoints").toUri().toString()
            }));
            JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
            awaitStatus(cluster, job, JobStatus.RUNNING);

            // The stream plays live; the TaskManager dies during the black stretch, after checkpoints have passed.
            Thread converter = new Thread(
                    () -> {
                        try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                            new StreamRunner(
                                            StreamRunner.Options.of(clip.file().toString(), "failover")
                                                    .withRealtime(true),
                                            publisher)
                                    .run();
                        }
                    },
                    "converter");
            converter.start();
            Thread.sleep(6_000);
            cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            cluster.startTaskManager();
            converter.join(60_000);

            List<DefectEvent> events = CommittedDefects.readAll(kafka.bootstrapServers(), 6, Duration.ofSeconds(90));
            long restartedAt = cluster.getExecutionGraph(job).get().getStatusTimestamp(JobStatus.RESTARTING);
            cluster.cancelJob(job).get(30, TimeUnit.SECONDS);

            assertThat(restartedAt)
                    .as("the job went through a restart after the TaskManager died")
                    .isPositive();

            Map<String, Long> copies = events.stream()
                    .collect(Collectors.groupingBy(e -> e.getEventId() + "/" + e.getState(), Collectors.counting()));
            assertThat(copies)
                    .as("each defect's OPENED and CLOSED exactly once")
                    .allSatisfy((key, count) -> assertThat(count).isEqualTo(1));
            List<DefectEvent> closed = events.stream()
                    .filter(e -> e.getState() == DefectState.CLOSED)
                    .toList();
            TruthMatch match = TruthMatch.of(clip.truth(), closed, 0.5);
            assertThat(match.missed()).as("defects lost in the failover").isEmpty();
            assertThat(match.falseAlarms()).isEmpty();
            assertThat(match.timingErrors()).isEmpty();
        }
    }

    private static void awaitStatus(MiniCluster cluster, JobID job, JobStatus wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.getJobStatus(job).get() != wanted) {
            assertThat(System.nanoTime()).as("job reaches " + wanted).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
