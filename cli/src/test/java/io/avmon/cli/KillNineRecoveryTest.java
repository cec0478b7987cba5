package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job process dies by {@code kill -9} while a live stream is monitored: the production
 * {@code AvmonJob} main runs in a JVM of its own (a local cluster inside, as an application-mode deployment has
 * one per job) against the test's broker, retaining its checkpoints in a directory. After SIGKILL a new JVM starts
 * from the latest retained {@code chk-N}, as a crashed deployment comes back, with the same transactional ids: it
 * aborts the dead JVM's open transactions, commits what its checkpoint had prepared and reads on from the
 * checkpoint's offsets. A read_committed consumer must see every defect exactly once, as injected.
 */
class KillNineRecoveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String RUN = "kill-nine";

    @TempDir
    Path dir;

    @Test
    void aJobProcessKilledWithSigkillComesBackFromItsRetainedCheckpointWithEveryDefectOnce() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(320, 180)
                        .seed(29)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("kill-nine.ts"));
        Path profile = Files.writeString(
                dir.resolve("profile.yaml"),
                // Off as in FailoverRig: the job's own outage is not the stream's stall.
                "defaults:\n  stream-stall: { enabled: false }\n");
        Path checkpoints = dir.resolve("checkpoints");
        String features = Topics.FEATURES + "." + RUN;
        String defects = Topics.DEFECTS + "." + RUN;

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort();
                Admin admin = kafka.admin()) {
            kafka.createTopics(Topics.ALL, 1);
            kafka.createTopics(List.of(features, defects), 1);
            List<String> jobArgs = List.of(
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--features-topic",
                    features,
                    "--defects-topic",
                    defects,
                    "--group-id",
                    RUN,
                    "--transactional-id-prefix",
                    RUN,
                    "--starting-offsets",
                    "earliest",
                    "--parallelism",
                    "1",
                    "--checkpoint-interval-ms",
                    "500",
                    "--profile",
                    profile.toString(),
                    "--checkpoint-dir",
                    checkpoints.toUri().toString());

            Process first = startJob(jobArgs, Map.of(), "first");
            Process second = null;
            try {
                awaitRetainedCheckpoint(checkpoints, first, "first", folder -> true, 0);
                // The black stretch is open (raised at 5 s): the dead JVM leaves a defect half reported.
                CompletableFuture<Void> cue = new CompletableFuture<>();
                Thread converter = FailoverRig.playLive(kafka.bootstrapServers(), features, clip, RUN, 6, cue);
                cue.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

                long killedAt = System.nanoTime();
                first.destroyForcibly();
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
                Path restoreFrom =
                        latestRetainedCheckpoint(checkpoints, folder -> true).orElseThrow();
                Predicate<Path> secondJob = folder -> !folder.equals(restoreFrom.getParent());

                second = startJob(
                        jobArgs,
                        Map.of(
                                "execution.state-recovery.path",
                                restoreFrom.toUri().toString()),
                        "second");
                Path firstOfSecond = awaitRetainedCheckpoint(checkpoints, second, "second", secondJob, 0);
                // A new JVM started at once, as a supervisor with no restart delay would: its start is most of it.
                ReliabilityFigures.record(
                        RUN, "recovery ms, kill to first checkpoint after", ReliabilityFigures.millisSince(killedAt));
                converter.join(TIMEOUT.toMillis());
                awaitEveryRecordCommitted(admin, features);
                // One more checkpoint after the last offsets: its transaction holds the last CLOSED events.
                awaitRetainedCheckpoint(
                        checkpoints,
                        second,
                        "second",
                        secondJob,
                        checkpointId(
                                latestRetainedCheckpoint(checkpoints, secondJob).orElseThrow()));
                List<DefectEvent> events = CommittedDefects.readToEnd(kafka.bootstrapServers(), defects);

                assertThat(checkpointId(firstOfSecond))
                        .as("the second JVM's job numbers its checkpoints on from the one it restored")
                        .isGreaterThan(checkpointId(restoreFrom));
                FailoverRig.assertExactlyOnceAgainstTruth(events, clip.truth(), RUN);
            } finally {
                first.destroyForcibly();
                if (second != null) {
                    second.destroyForcibly();
                    second.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** A JVM running the production main through {@link ApplicationLauncher}, its output in {@code <name>.log}. */
    private Process startJob(List<String> jobArgs, Map<String, String> flinkSettings, String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(Files.readString(Path.of("target", "launcher", "jvm-options.txt"))
                .trim()
                .split("\\s+")));
        command.add("-Xmx768m");
        flinkSettings.forEach((key, value) -> command.add("-Dflink." + key + "=" + value));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(ApplicationLauncher.class.getName());
        command.addAll(jobArgs);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    /** The newest {@code chk-N} that holds its metadata, among the job folders under {@code checkpoints}. */
    private static Optional<Path> latestRetainedCheckpoint(Path checkpoints, Predicate<Path> jobFolder)
            throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(checkpoints, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> jobFolder.test(p.getParent()))
                    .max(Comparator.comparingLong(KillNineRecoveryTest::checkpointId));
        }
    }

    private static long checkpointId(Path chk) {
        return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
    }

    /** Waits for a retained checkpoint of a job folder matching {@code jobFolder}, while the job's JVM stays alive. */
    private Path awaitRetainedCheckpoint(
            Path checkpoints, Process job, String name, Predicate<Path> jobFolder, long afterId) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Optional<Path> latest = latestRetainedCheckpoint(checkpoints, jobFolder);
            if (latest.isPresent() && checkpointId(latest.get()) > afterId) {
                return latest.get();
            }
            if (!job.isAlive()) {
                throw new AssertionError(
                        "the " + name + " job JVM exited with " + job.exitValue() + "; its log:\n" + tail(log(name)));
            }
            assertThat(System.nanoTime()).as("a checkpoint is retained").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 4000));
    }

    private static void awaitEveryRecordCommitted(Admin admin, String features) throws Exception {
        TopicPartition partition = new TopicPartition(features, 0);
        long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                .all()
                .get()
                .get(partition)
                .offset();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(RUN)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition);
            if (committed != null && committed.offset() >= end) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("the job reads the whole feature topic")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
