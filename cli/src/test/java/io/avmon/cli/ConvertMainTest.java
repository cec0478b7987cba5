package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter image's entry point on the classpath deploy/converter/Dockerfile gives it, which has neither Flink,
 * nor the Kafka broker, nor the job: it converts a clip into a real broker and exits 0.
 */
class ConvertMainTest {

    @TempDir
    Path dir;

    @Test
    void convertMainPublishesAClipWithoutFlinkTheBrokerOrTheJobOnItsClasspath() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(5)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("channel.ts"));
        String classpath = converterImageClasspath();
        assertThat(classpath)
                .contains("/kafka-clients-", "/javacv-", "/picocli-", "/prometheus-metrics-exporter-httpserver-")
                .doesNotContain("/org/apache/flink/", "/kafka-server-", "/job/target/", "/avmon-job");

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 1);
            Process convert = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx512m",
                            "-Djava.io.tmpdir=" + dir,
                            "-Dlog4j2.configurationFile=log4j2-avmon.xml",
                            "-cp",
                            classpath,
                            ConvertMain.class.getName(),
                            "--stream-id",
                            "channel-1",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--metrics-port",
                            "0",
                            clip.file().toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(convert.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(convert.waitFor(2, TimeUnit.MINUTES)).isTrue();

            assertThat(convert.exitValue()).as(output).isZero();
            TopicPartition features = new TopicPartition(Topics.FEATURES, 0);
            long records = kafka.admin()
                    .listOffsets(Map.of(features, OffsetSpec.latest()))
                    .partitionResult(features)
                    .get()
                    .offset();
            assertThat(records).isGreaterThan(0);
        }
    }

    /**
     * The classpath deploy/converter/Dockerfile assembles: the converter's runtime dependencies (written by the
     * converter module's build), the artifacts the Dockerfile adds from the CLI's dependencies, and the classes of
     * the converter and the CLI.
     */
    static String converterImageClasspath() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Path converterDependencies = repo.resolve("converter/target/runtime-classpath.txt");
        assertThat(converterDependencies)
                .as("written by the converter module's build (mvn -pl cli -am)")
                .exists();
        Matcher added = Pattern.compile("-DincludeArtifactIds=(\\S+)")
                .matcher(Files.readString(repo.resolve("deploy/converter/Dockerfile")));
        assertThat(added.find())
                .as("the Dockerfile names what it adds from the CLI's dependencies")
                .isTrue();

        List<String> entries = new ArrayList<>();
        entries.add(repo.resolve("cli/target/classes").toString());
        entries.addAll(List.of(Files.readString(converterDependencies).strip().split(File.pathSeparator)));
        List<String> testClasspath =
                List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        for (String artifact : added.group(1).split(",")) {
            if (artifact.startsWith("avmon-")) {
                entries.add(repo.resolve(artifact.substring("avmon-".length()))
                        .resolve("target/classes")
                        .toString());
                continue;
            }
            Pattern jar = Pattern.compile(Pattern.quote(artifact) + "-\\d[^/]*\\.jar");
            entries.add(testClasspath.stream()
                    .filter(entry ->
                            jar.matcher(Path.of(entry).getFileName().toString()).matches())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(artifact + " is not among the CLI's dependencies")));
        }
        return String.join(File.pathSeparator, entries);
    }
}
