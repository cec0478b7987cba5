package io.avmon.cli.metrics;

import io.avmon.cli.common.Errors;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.KafkaClientOptions;
import io.avmon.converter.FeaturePublisher;
import io.avmon.schema.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avmon exporter}: per-stream Prometheus metrics from the health and defect topics ({@link MetricsExporter}). */
@Command(
        name = "exporter",
        mixinStandardHelpOptions = true,
        description = {
            "Serve each stream's open defects, defects opened, frame rate, short-term loudness and input state as"
                    + " Prometheus metrics with a stream label, from the committed health and defect topics.",
            "Stop with Ctrl-C."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped",
            "2:Kafka is unreachable or refuses the credentials, the port is taken, or the arguments are wrong",
            "3:an internal error"
        })
public final class ExporterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--port",
            defaultValue = MetricsExporter.Settings.PORT,
            description = "Port of the metrics endpoint, /metrics on every interface (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--health-topic",
            defaultValue = Topics.HEALTH,
            description = "Health topic (default: ${DEFAULT-VALUE}).")
    String healthTopic;

    @Option(
            names = "--defect-topic",
            defaultValue = Topics.DEFECTS,
            description = "Defect topic (default: ${DEFAULT-VALUE}).")
    String defectTopic;

    @Option(
            names = "--stale-after-minutes",
            defaultValue = MetricsExporter.Settings.STALE_AFTER_MINUTES,
            description = "A stream without health for this long loses its series, 1-1440 (default: ${DEFAULT-VALUE}).")
    long staleAfterMinutes;

    @Option(
            names = "--defect-history-hours",
            defaultValue = MetricsExporter.Settings.DEFECT_HISTORY_HOURS,
            description = "How far back the defect topic is read at start to find the open defects, 1-720"
                    + " (default: ${DEFAULT-VALUE}).")
    long defectHistoryHours;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        MetricsExporter exporter;
        try {
            Map<String, String> clientSettings = kafka.settings();
            MetricsExporter.Settings settings = new MetricsExporter.Settings(
                    bootstrapServers,
                    clientSettings,
                    healthTopic,
                    defectTopic,
                    port,
                    Duration.ofMinutes(staleAfterMinutes),
                    Duration.ofHours(defectHistoryHours));
            FeaturePublisher.verifyReachable(bootstrapServers, clientSettings, FeaturePublisher.REACHABILITY_TIMEOUT);
            exporter = new MetricsExporter(settings, err);
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            err.println("avmon: " + Errors.oneLine(e));
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        spec.commandLine()
                .getOut()
                .println("avmon exporter: metrics on http://0.0.0.0:" + exporter.port() + "/metrics");
        spec.commandLine().getOut().flush();
        Thread hook = new Thread(exporter::stop, "avmon-exporter-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        exporter.run();
        return ExitCodes.OK;
    }
}
