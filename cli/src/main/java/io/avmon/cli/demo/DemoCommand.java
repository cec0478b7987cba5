package io.avmon.cli.demo;

import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.StreamIds;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.cli.metrics.MetricsExporter;
import io.avmon.cli.profile.ProfileOption;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.job.profile.InvalidProfileException;
import io.avmon.schema.Topics;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.DemoClip;
import io.avmon.testmedia.InjectedDefect;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The whole path in one JVM: an embedded Kafka broker, a Flink MiniCluster running the production job, and the
 * converter feeding it a live stream. By default the stream is a generated clip with defects at known times,
 * looped in real time.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run Kafka, the Flink job and the converter in one JVM, and print defects as they happen.",
            "Stop with Ctrl-C."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "2:a port is taken or the input cannot be read", "3:an internal error"})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Loopback port of the embedded broker (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--web-port",
            defaultValue = "8081",
            description = "Port of Flink's web UI (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(
            names = "--metrics-port",
            defaultValue = MetricsExporter.Settings.PORT,
            description = "Port of the per-stream metrics (avmon exporter's, /metrics) (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--flink-metrics-port",
            defaultValue = "9249",
            description = "Port of Flink's own Prometheus reporter, the pipeline metrics (default: ${DEFAULT-VALUE}).")
    int flinkMetricsPort;

    @Option(
            names = "--input",
            paramLabel = "FILE|URL",
            description = "Monitor this file or live URL instead of the generated clip.")
    String input;

    @Option(
            names = "--stream-id",
            defaultValue = "demo-channel",
            description = "Stream id of the input (default: ${DEFAULT-VALUE}).")
    String streamId;

    @Option(names = "--health", description = "Also print each stream's 10 s health record.")
    boolean printHealth;

    @Option(
            names = "--run-for",
            paramLabel = "SECONDS",
            description = "Stop by itself after this many seconds (default: run until Ctrl-C).")
    long runForSeconds;

    @Mixin
    ProfileOption profile;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "1000",
            description = "Defects reach read_committed consumers at each checkpoint (default: ${DEFAULT-VALUE}).")
    long checkpointIntervalMs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String badId = StreamIds.optionProblem(streamId);
        if (badId != null) {
            err.println("avmon: " + badId);
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        try {
            profile.book();
        } catch (InvalidProfileException e) {
            err.println("avmon: " + e.getMessage());
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        Path workDir = Files.createTempDirectory("avmon-demo");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: release the main thread, then hold the JVM until it has cancelled the job and closed the broker
        // (the JVM halts as soon as its hooks return).
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        stopped.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "avmon-demo-stop");

        String source = input;
        List<InjectedDefect> schedule = List.of();
        if (source == null) {
            Clip clip = DemoClip.write(workDir);
            source = clip.file().toString();
            schedule = clip.truth();
        }

        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start("127.0.0.1", kafkaPort, workDir.resolve("kafka"), true);
        } catch (IOException e) {
            err.println("avmon: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        JobClient job = null;
        DefectPrinter printer = null;
        StreamRunner runner = null;
        MetricsExporter exporter = null;
        Thread[] threads = new Thread[3];
        // From here on there is something to stop; the finally block below always releases the hook.
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            kafka.createTopics(Topics.ALL, 2);

            // The per-stream metrics, as `avmon exporter` serves them next to a real job; a taken port ends the demo
            // here, in one line, before Flink starts.
            try {
                exporter = new MetricsExporter(
                        MetricsExporter.Settings.of(kafka.bootstrapServers(), Map.of(), metricsPort), err);
            } catch (IOException e) {
                err.println("avmon: " + e.getMessage());
                err.flush();
                return ExitCodes.BAD_INPUT;
            }
            threads[2] = start(exporter::run, "avmon-demo-exporter");

            Configuration conf = new Configuration();
            conf.set(RestOptions.PORT, webPort);
            // Flink's own reporter with the keys docker-compose.yml and the FlinkDeployment set: the Pipeline
            // dashboard reads it.
            conf.setString("metrics.reporters", "prom");
            conf.setString(
                    "metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", String.valueOf(flinkMetricsPort));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            List<String> jobArgs = new ArrayList<>(List.of(
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--checkpoint-interval-ms",
                    String.valueOf(checkpointIntervalMs),
                    "--starting-offsets",
                    "earliest",
                    "--parallelism",
                    "1",
                    "--defects-json-topic",
                    Topics.DEFECTS_JSON,
                    "--health-json-topic",
                    Topics.HEALTH_JSON));
            if (profile.file() != null) {
                jobArgs.addAll(List.of("--profile", profile.file().toString()));
            }
            AvmonJob.define(env, JobOptions.fromArgs(jobArgs.toArray(String[]::new)));
            job = env.executeAsync("avmon demo");

            printer = new DefectPrinter(kafka.bootstrapServers(), Topics.DEFECTS, Topics.HEALTH, printHealth, out);
            threads[0] = start(printer, "avmon-demo-printer");

            FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of());
            runner = new StreamRunner(
                    StreamRunner.Options.of(source, streamId).withRealtime(true).withLoop(input == null), publisher);
            threads[1] = start(runner, "avmon-demo-converter");

            banner(out, kafka.bootstrapServers(), source, schedule);
            if (runForSeconds > 0) {
                stop.await(runForSeconds, TimeUnit.SECONDS);
            } else {
                stop.await();
            }
            out.println("stopping...");
            out.flush();
            return ExitCodes.OK;
        } finally {
            if (runner != null) {
                runner.stop();
            }
            if (job != null) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            if (printer != null) {
                printer.stop();
            }
            if (exporter != null) {
                exporter.stop();
            }
            for (Thread thread : threads) {
                if (thread != null) {
                    thread.join(5000);
                }
            }
            kafka.close();
            out.println("stopped.");
            out.flush();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is what brought us here.
            }
        }
    }

    private static Thread start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void banner(PrintWriter out, String bootstrap, String source, List<InjectedDefect> schedule) {
        out.println("avmon demo is running. Stop it with Ctrl-C.");
        out.println("  input:        " + source
                + (input == null ? " (generated, looped in real time as stream '" + streamId + "')" : ""));
        out.println("  Kafka:        " + bootstrap + "  topics: " + Topics.DEFECTS + " (defects), " + Topics.HEALTH
                + " (health), " + Topics.FEATURES + " (features); as JSON: " + Topics.DEFECTS_JSON + ", "
                + Topics.HEALTH_JSON);
        out.println("  Flink web UI: http://localhost:" + webPort);
        out.println("  Prometheus:   http://localhost:" + metricsPort + "/metrics (per stream), http://localhost:"
                + flinkMetricsPort + "/metrics (Flink's pipeline metrics)");
        if (!schedule.isEmpty()) {
            out.println("  defects in each loop of the clip:");
            for (InjectedDefect defect : schedule) {
                out.println(String.format(
                        Locale.ROOT,
                        "    %-20s %6.1f s - %6.1f s",
                        defect.defectType(),
                        defect.startSeconds(),
                        defect.endSeconds()));
            }
        }
        out.println("Defects appear below as they are raised (OPENED) and cleared (CLOSED):");
        out.flush();
    }
}
