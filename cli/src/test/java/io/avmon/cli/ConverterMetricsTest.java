package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter's own metrics path: {@code ConvertMain} on the converter image's classpath converts a generated clip
 * (paced, looped, as a live feed) into a real broker and serves its endpoint; a real Prometheus scrapes it with
 * deploy/prometheus/prometheus.yml and evaluates deploy/prometheus/alerts.yml. The per-stream series exist with the
 * stream label, AvmonConverterDown is quiet while the converter runs and becomes active once it is stopped.
 * Skipped where the prometheus binary is missing (Debian package prometheus).
 */
class ConverterMetricsTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final String STREAM = "channel-7";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesPerStreamConverterSeriesAndTheDownAlertFiresWhenTheConverterStops() throws Exception {
        Path prometheusBinary = Path.of("/usr/bin/prometheus");
        assumeTrue(Files.isExecutable(prometheusBinary), "prometheus is not installed (apt-get install prometheus)");

        int metricsPort = EmbeddedKafka.freePort();
        int prometheusPort = EmbeddedKafka.freePort();
        String scrapeConfig = Files.readString(REPO.resolve("deploy/prometheus/prometheus.yml"))
                .replace("\"converter:9464\"", "\"127.0.0.1:" + metricsPort + "\"")
                .replace("scrape_interval: 5s", "scrape_interval: 1s")
                .replace("evaluation_interval: 5s", "evaluation_interval: 1s");
        assertThat(scrapeConfig).contains("127.0.0.1:" + metricsPort);
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), scrapeConfig);
        Files.copy(REPO.resolve("deploy/prometheus/alerts.yml"), dir.resolve("alerts.yml"));
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(7)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("channel.ts"));

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 1);
            Process converter = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx512m",
                            "-Djava.io.tmpdir=" + dir,
                            "-Dlog4j2.configurationFile=log4j2-avmon.xml",
                            "-cp",
                            ConverterImage.classpath(),
                            ConvertMain.class.getName(),
                            "--stream-id",
                            STREAM,
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--metrics-port",
                            String.valueOf(metricsPort),
                            "--realtime",
                            "--loop",
                            clip.file().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("converter.log").toFile())
                    .start();
            Process prometheus = new ProcessBuilder(
                            prometheusBinary.toString(),
                            "--config.file=" + configFile,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            try {
                String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=";
                awaitResult(api, "avmon_converter_video_frames_total{stream=\"" + STREAM + "\"} > 25");
                awaitResult(api, "avmon_converter_records_sent_total{stream=\"" + STREAM + "\"} > 25");
                awaitResult(api, "avmon_converter_input_up{stream=\"" + STREAM + "\"} == 1");
                for (String series : List.of(
                        "avmon_converter_audio_blocks_total",
                        "avmon_converter_reconnects_total",
                        "avmon_converter_records_dropped_total",
                        "avmon_converter_records_failed_total",
                        "avmon_converter_last_frame_timestamp_seconds")) {
                    assertThat(query(api, series + "{stream=\"" + STREAM + "\", job=\"avmon-converter\"}"))
                            .as(series)
                            .hasSize(1);
                }
                assertThat(query(api, "avmon_converter_records_dropped_total{stream=\"" + STREAM + "\"} > 0"))
                        .as("nothing dropped while the broker is up")
                        .isEmpty();
                assertThat(query(api, "avmon_converter_send_buffer_bytes")).hasSize(1);
                assertThat(query(api, "ALERTS{alertname=\"AvmonConverterDown\"}"))
                        .as("quiet while the converter decodes")
                        .isEmpty();

                converter.destroy();
                assertThat(converter.waitFor(60, TimeUnit.SECONDS)).isTrue();

                JsonNode alert = awaitResult(api, "ALERTS{alertname=\"AvmonConverterDown\"}");
                assertThat(alert.get(0).at("/metric/instance").asText()).isEqualTo("127.0.0.1:" + metricsPort);
                assertThat(alert.get(0).at("/metric/severity").asText()).isEqualTo("critical");
            } finally {
                converter.destroyForcibly();
                prometheus.destroy();
                prometheus.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private JsonNode awaitResult(String api, String promql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode result = query(api, promql);
        while (result.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            result = query(api, promql);
        }
        assertThat(result)
                .as("Prometheus result for " + promql + "; converter log: "
                        + Files.readString(dir.resolve("converter.log")))
                .isNotEmpty();
        return result;
    }

    private JsonNode query(String api, String promql) throws Exception {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(api + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.get("status").asText())
                    .as(promql + ": " + response.body())
                    .isEqualTo("success");
            return body.at("/data/result");
        } catch (ConnectException notYetUp) {
            return new ObjectMapper().createArrayNode();
        }
    }
}
