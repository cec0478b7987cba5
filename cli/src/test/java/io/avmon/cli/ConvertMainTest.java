package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        String classpath = ConverterImage.classpath();
        assertThat(classpath)
                .contains("/kafka-clients-", "/javacv-", "/picocli-")
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
}
