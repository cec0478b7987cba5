package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.cli.metrics.MetricsExporter;
import io.avmon.converter.ConverterMetrics;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.MetricsEndpoint;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.PrintWriter;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics path of deploy/: the job with Flink's own Prometheus reporter and avmon exporter beside it, scraped by a
 * real Prometheus server running deploy/prometheus/prometheus.yml and alerts.yml (its targets pointed at this JVM),
 * over a clip played in real time with a black stretch (a critical defect) at a known time. Every query of every
 * Grafana dashboard must return data, every alert rule must be evaluated without error, and the critical-defect
 * alert must fire for the black stretch. Needs the prometheus binary (Debian package prometheus; .ci/run installs
 * it).
 */
class PrometheusMetricsTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final String STREAM = "metrics";
    private static final Pattern ALERT_SELECTOR =
            Pattern.compile("(?:(?:flink|avmon)_[A-Za-z0-9_]+|\\bup)(?:\\{[^}]*\\})?");
    private static final Pattern ALERT_NAME = Pattern.compile("^\\s*- alert: (\\w+)\\s*$");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((\\w+)");
    private final HttpClient http = HttpClient.newHttpClient();
    /** The exporter's endpoint, whose per-stream lines a failed wait shows. */
    private URI exporterMetrics;

    @TempDir
    Path dir;

    @Test
    void everyDashboardQueryHasDataEveryAlertRuleRunsAndACriticalDefectFiresItsAlert() throws Exception {
        Path prometheusBinary = Path.of("/usr/bin/prometheus");
        assumeTrue(Files.isExecutable(prometheusBinary), "prometheus is not installed (apt-get install prometheus)");

        int reporterPort = EmbeddedKafka.freePort();
        int prometheusPort = EmbeddedKafka.freePort();
        Files.copy(REPO.resolve("deploy/prometheus/alerts.yml"), dir.resolve("alerts.yml"));

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 1);
            MetricsExporter exporter = new MetricsExporter(
                    MetricsExporter.Settings.of(kafka.bootstrapServers(), Map.of(), 0),
                    new PrintWriter(System.err, true));
            exporterMetrics = URI.create("http://127.0.0.1:" + exporter.port() + "/metrics");
            Thread exporterThread = new Thread(exporter::run, "exporter");
            exporterThread.start();
            // Reading from the topics' ends before the converter writes, so nothing of the run is behind it.
            assertThat(exporter.awaitReading(Duration.ofSeconds(60))).isTrue();

            // The converter's own endpoint, as convert serves it (--metrics-port).
            ConverterMetrics converterMetrics = new ConverterMetrics();
            MetricsEndpoint converterEndpoint = MetricsEndpoint.start(0, converterMetrics);

            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("flink", reporterPort);
            ports.put("avmon-exporter", exporter.port());
            ports.put("avmon-converter", converterEndpoint.port());
            Path configFile = Files.writeString(dir.resolve("prometheus.yml"), scrapeConfig(ports));

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
            Thread converter = null;
            try {
                // Played in real time, so the black stretch (critical, raised after 3 s) stays open for about 9 s:
                // long enough for scrapes and rule evaluations to see it, as they would a real outage.
                Clip clip = ClipWriter.write(
                        ClipSpec.builder()
                                .seed(4)
                                .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(12, VideoKind.BLACK, AudioContent.PROGRAMME)
                                .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .build(),
                        dir.resolve("metrics.ts"));
                long startSeconds = System.currentTimeMillis() / 1000 - 1;
                converter = new Thread(
                        () -> {
                            try (FeaturePublisher publisher =
                                    new FeaturePublisher(kafka.bootstrapServers(), Map.of(), converterMetrics, 64)) {
                                new StreamRunner(
                                                StreamRunner.Options.of(
                                                                clip.file().toString(), STREAM)
                                                        .withRealtime(true),
                                                publisher,
                                                converterMetrics)
                                        .run();
                            }
                        },
                        "converter");
                converter.start();
                String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/";

                // The injected black stretch pages: one alert, for this stream and type.
                awaitResult(
                        api,
                        "ALERTS{alertname=\"AvmonStreamCriticalDefect\",alertstate=\"firing\",stream=\"" + STREAM
                                + "\",defect_type=\"BLACK_FRAMES\"}");
                converter.join(60_000);
                // ... and resolves once the picture is back and the CLOSED committed.
                awaitResult(
                        api, "avmon_stream_open_defects{stream=\"" + STREAM + "\",defect_type=\"BLACK_FRAMES\"} == 0");
                awaitResult(
                        api,
                        "avmon_stream_defects_opened_total{stream=\"" + STREAM
                                + "\",defect_type=\"BLACK_FRAMES\"} == 1");
                // Health while the clip played (its last window may be after its end, so the gauges hold that now).
                awaitResult(api, "max_over_time(avmon_stream_frames_per_second{stream=\"" + STREAM + "\"}[5m]) > 20");
                awaitResult(
                        api,
                        "max_over_time(avmon_stream_input_state{stream=\"" + STREAM + "\",state=\"live\"}[5m]) == 1");
                // The converter's own series, per stream.
                awaitResult(api, "avmon_converter_video_frames_total{stream=\"" + STREAM + "\"} > 400");
                awaitResult(api, "avmon_converter_records_sent_total{stream=\"" + STREAM + "\"} > 400");
                // The detectors' own counters, from Flink's reporter.
                awaitResult(
                        api,
                        "flink_taskmanager_job_task_operator_recordsInspected{operator_name=\"BlackFrameDetector\"} > 400");
                awaitResult(api, "sum(flink_taskmanager_job_task_operator_defectsOpened) >= 1");
                long endSeconds = System.currentTimeMillis() / 1000;

                List<String> empty = new ArrayList<>();
                for (String query : dashboardQueries()) {
                    if (queryRange(api, query, startSeconds, endSeconds).isEmpty()) {
                        empty.add(query);
                    }
                }
                assertThat(empty)
                        .as("dashboard queries with no data over the run")
                        .isEmpty();
                // A rule on a series that is never reported would never fire: every selector must find one.
                assertThat(absent(api, alertSelectors()))
                        .as("series the alert rules select but Prometheus does not have")
                        .isEmpty();
                assertThat(ruleHealth(api))
                        .as("every rule of alerts.yml, as Prometheus evaluated it")
                        .isEqualTo(alertNames().stream()
                                .collect(Collectors.toMap(name -> name, name -> "ok", (a, b) -> a, TreeMap::new)));
            } finally {
                if (converter != null) {
                    converter.join(60_000);
                }
                prometheus.destroy();
                prometheus.waitFor(10, TimeUnit.SECONDS);
                converterEndpoint.close();
                job.cancel().get();
                exporter.stop();
                exporterThread.join(10_000);
            }
        }
    }

    /** deploy/prometheus/prometheus.yml with each job's targets on this JVM's ports, scraped and evaluated each second. */
    private static String scrapeConfig(Map<String, Integer> ports) throws Exception {
        StringBuilder config = new StringBuilder();
        String job = null;
        for (String line : Files.readAllLines(REPO.resolve("deploy/prometheus/prometheus.yml"))) {
            Matcher jobName = Pattern.compile("^\\s*- job_name: (\\S+)").matcher(line);
            if (jobName.find()) {
                job = jobName.group(1);
            }
            if (line.contains("targets: [") && job != null && ports.containsKey(job)) {
                line = line.replaceAll("targets: \\[.*\\]", "targets: [\"127.0.0.1:" + ports.get(job) + "\"]");
            }
            config.append(line.replace("_interval: 5s", "_interval: 1s")).append('\n');
        }
        for (int port : ports.values()) {
            assertThat(config).contains("127.0.0.1:" + port);
        }
        return config.toString();
    }

    /**
     * Every PromQL query of every dashboard: panel targets, annotations, and the metric each template variable lists
     * values of; {@code $stream} is this test's stream.
     */
    private static List<String> dashboardQueries() throws Exception {
        List<String> queries = new ArrayList<>();
        try (var dashboards = Files.list(REPO.resolve("deploy/grafana/dashboards"))) {
            for (Path dashboard : dashboards.sorted().toList()) {
                collectQueries(new ObjectMapper().readTree(dashboard.toFile()), queries);
            }
        }
        assertThat(queries).isNotEmpty();
        return queries.stream().map(query -> query.replace("$stream", STREAM)).toList();
    }

    private static void collectQueries(JsonNode node, List<String> queries) {
        if (node.isObject()) {
            if (node.has("expr")) {
                queries.add(node.get("expr").asText());
            }
            if (node.has("definition")) {
                Matcher m = LABEL_VALUES.matcher(node.get("definition").asText());
                if (m.find()) {
                    queries.add(m.group(1));
                }
            }
        }
        for (JsonNode child : node) {
            collectQueries(child, queries);
        }
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

    private static Set<String> alertNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(REPO.resolve("deploy/prometheus/alerts.yml"))) {
            Matcher m = ALERT_NAME.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        assertThat(names).contains("AvmonStreamCriticalDefect");
        return names;
    }

    /** Each loaded alert rule's health ("ok" once evaluated without error), waiting until every one was evaluated. */
    private Map<String, String> ruleHealth(String api) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> health = new TreeMap<>();
        while (true) {
            health.clear();
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(api + "rules?type=alert")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode group : new ObjectMapper().readTree(response.body()).at("/data/groups")) {
                for (JsonNode rule : group.get("rules")) {
                    String lastError = rule.path("lastError").asText("");
                    health.put(
                            rule.get("name").asText(),
                            rule.get("health").asText() + (lastError.isEmpty() ? "" : ": " + lastError));
                }
            }
            if (!health.containsValue("unknown") || System.nanoTime() > deadline) {
                return health;
            }
            Thread.sleep(500);
        }
    }

    /** The selectors of which Prometheus has no series. */
    private Set<String> absent(String api, Set<String> selectors) throws Exception {
        Set<String> absent = new TreeSet<>();
        for (String selector : selectors) {
            if (query(api, "query?query=", "count(" + selector + ")").isEmpty()) {
                absent.add(selector);
            }
        }
        return absent;
    }

    private JsonNode awaitResult(String api, String promql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode result = query(api, "query?query=", promql);
        while (result.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            result = query(api, "query?query=", promql);
        }
        if (result.isEmpty()) {
            String scraped = http.send(
                            HttpRequest.newBuilder(exporterMetrics).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(result)
                    .as("Prometheus result for " + promql + "; the exporter serves:\n"
                            + scraped.lines()
                                    .filter(line -> !line.startsWith("#") && !line.contains("defect_type="))
                                    .collect(Collectors.joining("\n")))
                    .isNotEmpty();
        }
        return result;
    }

    private JsonNode queryRange(String api, String promql, long startSeconds, long endSeconds) throws Exception {
        return query(api, "query_range?start=" + startSeconds + "&end=" + endSeconds + "&step=1&query=", promql);
    }

    private JsonNode query(String api, String endpoint, String promql) throws Exception {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(
                                    URI.create(api + endpoint + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
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
