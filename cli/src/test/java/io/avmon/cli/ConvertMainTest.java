package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Severity;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter image's entry points on the classpath deploy/converter/Dockerfile gives it, which has neither Flink,
 * nor the Kafka broker, nor the job: ConvertMain converts a clip into a real broker and exits 0; ExporterMain serves
 * a stream's defect from that broker as Prometheus metrics.
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

    @Test
    void exporterMainServesAStreamsDefectsOnTheSameClasspath() throws Exception {
        String classpath = ConverterImage.classpath();
        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 1);
            int port = EmbeddedKafka.freePort();
            Process exporter = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-Dlog4j2.configurationFile=log4j2-avmon.xml",
                            "-cp",
                            classpath,
                            ExporterMain.class.getName(),
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--port",
                            String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("exporter.log").toFile())
                    .start();
            try {
                DefectEvent opened = DefectEvent.newBuilder()
                        .setEventId("e-1")
                        .setStreamId("channel-1")
                        .setDefectType(DefectType.BLACK_FRAMES)
                        .setState(DefectState.OPENED)
                        .setStartMediaTimeMs(10_000)
                        .setStartWallClockMs(System.currentTimeMillis())
                        .setSeverity(Severity.CRITICAL)
                        .setUnit("%")
                        .setDetector("BlackFrameDetector")
                        .build();
                String expected = "avmon_stream_open_defects{defect_severity=\"critical\",defect_type=\"BLACK_FRAMES\","
                        + "stream=\"channel-1\"} 1.0";
                HttpClient http = HttpClient.newHttpClient();
                String body = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                boolean sent = false;
                while (!body.contains(expected) && System.nanoTime() < deadline && exporter.isAlive()) {
                    try {
                        body = http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                        if (!sent) {
                            // Read live or, if sent before the exporter assigned its partitions, in its replay.
                            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                                    Map.of("bootstrap.servers", kafka.bootstrapServers()),
                                    new StringSerializer(),
                                    new ByteArraySerializer())) {
                                producer.send(new ProducerRecord<>(
                                                Topics.DEFECTS, "channel-1", RecordCodec.encode(opened)))
                                        .get();
                            }
                            sent = true;
                        }
                    } catch (IOException notYetUp) {
                        // the JVM is still starting
                    }
                    Thread.sleep(500);
                }
                assertThat(body)
                        .as(
                                Files.exists(dir.resolve("exporter.log"))
                                        ? Files.readString(dir.resolve("exporter.log"))
                                        : "")
                        .contains(expected);
            } finally {
                exporter.destroy();
                exporter.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
