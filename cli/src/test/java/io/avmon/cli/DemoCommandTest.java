package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The demo, run as a user runs it, on free ports and for a bounded time. */
class DemoCommandTest {

    @Test
    void printsBlackStretchOfGeneratedClipServesItsMetricsAndStopsCleanly() throws Exception {
        String kafkaPort = String.valueOf(EmbeddedKafka.freePort());
        String webPort = String.valueOf(EmbeddedKafka.freePort());
        int metricsPort = EmbeddedKafka.freePort();
        int flinkMetricsPort = EmbeddedKafka.freePort();
        // What a Prometheus scraping the demo would see while it runs: the stream's series and Flink's.
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread scraper = new Thread(() -> {
            HttpClient http = HttpClient.newHttpClient();
            while (running.get()) {
                seen.addAll(scrape(http, metricsPort, "(avmon_stream_[a-z_]+)\\{[^}]*stream=\"demo-channel\""));
                seen.addAll(scrape(http, flinkMetricsPort, "(flink_taskmanager_job_task_operator_recordsInspected)"));
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        scraper.start();

        AnalyzeCommandTest.Result result;
        try {
            result = AnalyzeCommandTest.run(
                    "demo",
                    "--kafka-port",
                    kafkaPort,
                    "--web-port",
                    webPort,
                    "--metrics-port",
                    String.valueOf(metricsPort),
                    "--flink-metrics-port",
                    String.valueOf(flinkMetricsPort),
                    "--run-for",
                    "24");
        } finally {
            running.set(false);
            scraper.join(10_000);
        }

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(seen)
                .contains(
                        "avmon_stream_frames_per_second",
                        "avmon_stream_open_defects",
                        "flink_taskmanager_job_task_operator_recordsInspected");
        assertThat(result.out())
                .contains("Kafka:        127.0.0.1:" + kafkaPort)
                .contains("http://localhost:" + webPort)
                .contains("http://localhost:" + metricsPort + "/metrics")
                .containsPattern("OPENED +BLACK_FRAMES .*demo-channel +since 0:00:10\\.")
                .contains("stopping...")
                .contains("stopped.");
    }

    /** Group 1 of each match of {@code pattern} on a loopback metrics endpoint (a metric name); none while down. */
    private static Set<String> scrape(HttpClient http, int port, String pattern) {
        try {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher m = Pattern.compile(pattern).matcher(body);
            Set<String> found = new HashSet<>();
            while (m.find()) {
                found.add(m.group(1));
            }
            return found;
        } catch (IOException e) {
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    @Test
    void takenKafkaPortIsOneLineAndExitTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AnalyzeCommandTest.Result result = AnalyzeCommandTest.run(
                    "demo", "--kafka-port", String.valueOf(taken.getLocalPort()), "--input", "/dev/null");

            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.err().strip())
                    .startsWith("avmon: port 127.0.0.1:" + taken.getLocalPort() + " is in use")
                    .doesNotContain("\n");
        }
    }

    @Test
    void aStreamIdThatCouldNotBeANameIsOneLineAndExitTwoBeforeAnythingStarts() {
        AnalyzeCommandTest.Result result =
                AnalyzeCommandTest.run("demo", "--stream-id", "studio 1", "--input", "/dev/null");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip())
                .startsWith("avmon: --stream-id: stream id has whitespace U+0020 at position 6")
                .doesNotContain("\n");
    }
}
