package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar submitted the way {@code flink run} submits it: Flink's own CliFrontend, in a JVM of its own,
 * to a cluster JVM whose classpath holds only Flink's runtime jars (no Avro, no Kafka connector, nothing of
 * avmon). A dependency missing from the jar, or one that clashes with Flink's, fails here as it would in
 * production.
 */
class FlinkRunSubmissionTest {

    private static final Path JOB_JAR =
            Path.of("..", "job", "target", "avmon-job.jar").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void shadedJarRunsOnAPlainFlinkClusterAndReportsDefects() throws Exception {
        assertThat(JOB_JAR)
                .as("build the job module first (mvn verify builds it before the CLI tests)")
                .exists();
        List<String> jvmOptions = Arrays.asList(Files.readString(Path.of("target", "launcher", "jvm-options.txt"))
                .trim()
                .split("\\s+"));
        String flinkClasspath =
                Files.readString(Path.of("target", "flink-dist-classpath.txt")).trim();
        assertThat(flinkClasspath)
                .doesNotContain("avro")
                .doesNotContain("kafka")
                .doesNotContain("avmon");

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 2);
            int restPort = EmbeddedKafka.freePort();

            Process cluster = java(
                            jvmOptions,
                            flinkClasspath
                                    + File.pathSeparator
                                    + Path.of("target", "test-classes").toAbsolutePath(),
                            List.of(LocalFlinkCluster.class.getName(), String.valueOf(restPort)),
                            Map.of())
                    .start();
            try {
                awaitReady(cluster);

                Path confDir = Files.createDirectories(dir.resolve("conf"));
                Files.writeString(
                        confDir.resolve("config.yaml"), "rest:\n  address: 127.0.0.1\n  port: " + restPort + "\n");
                Process submit = java(
                                jvmOptions,
                                flinkClasspath,
                                List.of(
                                        "org.apache.flink.client.cli.CliFrontend",
                                        "run",
                                        "-d",
                                        JOB_JAR.toString(),
                                        "--bootstrap-servers",
                                        kafka.bootstrapServers(),
                                        "--checkpoint-interval-ms",
                                        "500",
                                        "--starting-offsets",
                                        "earliest"),
                                Map.of("FLINK_CONF_DIR", confDir.toString()))
                        .redirectErrorStream(true)
                        .start();
                String submitOutput = new String(submit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(submit.waitFor(2, TimeUnit.MINUTES)).isTrue();
                assertThat(submit.exitValue()).as(submitOutput).isZero();
                assertThat(submitOutput).contains("Job has been submitted with JobID");

                Clip clip = ClipWriter.write(
                        ClipSpec.builder()
                                .seed(3)
                                .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                                .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .build(),
                        dir.resolve("submitted.ts"));
                try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                    new StreamRunner(StreamRunner.Options.of(clip.file().toString(), "submitted"), publisher).run();
                }

                List<DefectEvent> closed =
                        CommittedDefects.readClosed(kafka.bootstrapServers(), 1, Duration.ofSeconds(120));

                assertThat(closed).singleElement().satisfies(defect -> {
                    assertThat(defect.getDefectType()).isEqualTo(DefectType.BLACK_FRAMES);
                    assertThat(defect.getStreamId()).isEqualTo("submitted");
                    assertThat(defect.getStartMediaTimeMs() / 1000.0).isCloseTo(3.0, Offset.offset(0.5));
                });
            } finally {
                cluster.getOutputStream().close();
                if (!cluster.waitFor(20, TimeUnit.SECONDS)) {
                    cluster.destroyForcibly();
                }
            }
        }
    }

    private static ProcessBuilder java(
            List<String> jvmOptions, String classpath, List<String> mainAndArgs, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(classpath);
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return builder;
    }

    private static void awaitReady(Process cluster) throws Exception {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY")) {
                // Keep draining its output so the cluster never blocks on a full pipe.
                Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "cluster-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the Flink cluster process exited before it was ready:\n" + seen);
    }
}
