package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics path of deploy/: the job with Flink's own Prometheus reporter, scraped by a real Prometheus server
 * running deploy/prometheus/prometheus.yml (its targets pointed at this JVM), and the Grafana dashboard's
 * queries asked of it. Needs the prometheus binary (Debian package prometheus; .ci/run installs it).
 */
class PrometheusMetricsTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern METRIC = Pattern.compile("flink_[A-Za-z0-9_]+");
    private static final Pattern ALERT_SELECTOR = Pattern.compile("(?:flink_[A-Za-z0-9_]+|\\bup)(?:\\{[^}]*\\})?");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void detectorMetricsReachPrometheusAndEveryDashboardMetricExists() throws Exception {
        Path prometheusBinary = Path.of("/usr/bin/prometheus");
        assumeTrue(Files.isExecutable(prometheusBinary), "prometheus is not installed (apt-get install prometheus)");

        int reporterPort = EmbeddedKafka.freePort();
        int prometheusPort = EmbeddedKafka.freePort();
        String scrapeConfig = Files.readString(REPO.resolve("deploy/prometheus/prometheus.yml"))
                .replaceAll("targets: \\[.*\\]", "targets: [\"127.0.0.1:" + reporterPort + "\"]")
                .replace("scrape_interval: 5s", "scrape_interval: 1s");
        assertThat(scrapeConfig).contains("127.0.0.1:" + reporterPort);
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), scrapeConfig);

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 1);
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_PORT, "0");
            // The same keys as docker-compose.yml (FLINK_PROPERTIES) and deploy/k8s/flink-deployment.yaml, with a free
            // port.
            conf.setString("metrics.reporters", "prom");
            conf.setString(
                    "metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", String.valueOf(reporterPort));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            AvmonJob.define(env, JobOptions.fromArgs(new String[] {
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--checkpoint-interval-ms",
                "500",
                "--starting-offsets",
                "earliest",
                "--parallelism",
                "1"
            }));
            JobClient job = env.executeAsync("avmon metrics");

            Process prometheus = new ProcessBuilder(
                            prometheusBinary.toString(),
                            "--config.file=" + configFile,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            try {
                Clip clip = ClipWriter.write(
                        ClipSpec.builder()
                                .seed(4)
                                .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                                .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .build(),
                        dir.resolve("metrics.ts"));
                try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                    new StreamRunner(StreamRunner.Options.of(clip.file().toString(), "metrics"), publisher).run();
                }
                String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=";

                // The black detector saw every frame and flagged the black stretch; the lifecycle opened a defect.
                JsonNode inspected = awaitResult(
                        api,
                        "flink_taskmanager_job_task_operator_recordsInspected{operator_name=\"BlackFrameDetector\"} > 150");
                assertThat(inspected.get(0).at("/value/1").asDouble()).isGreaterThan(150);
                awaitResult(
                        api,
                        "flink_taskmanager_job_task_operator_defectiveRecords{operator_name=\"BlackFrameDetector\"} > 90");
                awaitResult(api, "sum(flink_taskmanager_job_task_operator_defectsOpened) >= 1");

                assertThat(absent(api, dashboardMetrics()))
                        .as("metrics the Grafana dashboard queries but Flink does not report")
                        .isEmpty();
                // A rule on a series that is never reported would never fire: every selector must find one.
                assertThat(absent(api, alertSelectors()))
                        .as("series the alert rules select but Prometheus does not have")
                        .isEmpty();
            } finally {
                prometheus.destroy();
                prometheus.waitFor(10, TimeUnit.SECONDS);
                job.cancel().get();
            }
        }
    }

    private static Set<String> dashboardMetrics() throws Exception {
        Set<String> metrics = new TreeSet<>();
        try (var dashboards = Files.list(REPO.resolve("deploy/grafana/dashboards"))) {
            for (Path dashboard : dashboards.toList()) {
                for (JsonNode panel :
                        new ObjectMapper().readTree(dashboard.toFile()).get("panels")) {
                    for (JsonNode target : panel.get("targets")) {
                        Matcher m = METRIC.matcher(target.get("expr").asText());
                        while (m.find()) {
                            metrics.add(m.group());
                        }
                    }
                }
            }
        }
        assertThat(metrics).isNotEmpty();
        return metrics;
    }

    /** The series selectors in deploy/prometheus/alerts.yml's expressions: each metric with its label matchers. */
    private static Set<String> alertSelectors() throws Exception {
        Set<String> selectors = new TreeSet<>();
        for (String line : Files.readAllLines(REPO.resolve("deploy/prometheus/alerts.yml"))) {
            if (line.strip().startsWith("expr:")) {
                Matcher m = ALERT_SELECTOR.matcher(line);
                while (m.find()) {
                    selectors.add(m.group());
                }
            }
        }
        assertThat(selectors).contains("up{job=\"flink\"}");
        return selectors;
    }

    /** The selectors of which Prometheus has no series. */
    private Set<String> absent(String api, Set<String> selectors) throws Exception {
        Set<String> absent = new TreeSet<>();
        for (String selector : selectors) {
            if (query(api, "count(" + selector + ")").isEmpty()) {
                absent.add(selector);
            }
        }
        return absent;
    }

    private JsonNode awaitResult(String api, String promql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode result = query(api, promql);
        while (result.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            result = query(api, promql);
        }
        assertThat(result).as("Prometheus result for " + promql).isNotEmpty();
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
