package io.avmon.cli;

import io.avmon.cli.common.Errors;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.KafkaClientOptions;
import io.avmon.cli.common.StreamIds;
import io.avmon.converter.ConverterMetrics;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.InputSchemes;
import io.avmon.converter.MetricsEndpoint;
import io.avmon.converter.StreamRunner;
import io.avmon.schema.InputState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The converter as a process of its own: one input in, feature records out to Kafka. Run one per stream. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Decode INPUT (a file or a live udp/rtp/srt/rtmp/http URL) and publish its feature records to Kafka.",
            "Live inputs reconnect with back-off and send heartbeats while down. Stop with Ctrl-C.",
            "Kafka unreachable at start: one line, then retries with back-off until it answers or Ctrl-C.",
            "Kafka lost while running: records wait in a bounded send buffer; when it is full the oldest are dropped."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the input ended or the converter was stopped",
            "2:the input cannot be read (missing, not media, unreadable), Kafka refuses the credentials or a record,"
                    + " or the arguments are wrong",
            "3:an internal error"
        })
public final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "A media file or live URL.")
    String input;

    @Option(
            names = "--stream-id",
            description = "Stream id, the Kafka key: letters, digits, '.', '_', '-', at most 128 characters"
                    + " (default: the file name without extension, other characters as '_').")
    String streamId;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "127.0.0.1:9092",
            description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--realtime", description = "Pace a file as if it were live (like ffmpeg -re).")
    boolean realtime;

    @Option(names = "--loop", description = "Loop a file forever, with continuous media time.")
    boolean loop;

    @Option(
            names = "--metrics-port",
            defaultValue = MetricsEndpoint.DEFAULT_PORT,
            description = "Port of the converter's Prometheus endpoint (/metrics, /-/healthy); 0 turns it off"
                    + " (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--send-buffer-mb",
            defaultValue = FeaturePublisher.DEFAULT_SEND_BUFFER_MB,
            description = "Memory for records waiting while Kafka is away, MiB, 1 to "
                    + FeaturePublisher.MAX_SEND_BUFFER_MB + "; when full the oldest are dropped"
                    + " (default: ${DEFAULT-VALUE}).")
    int sendBufferMb;

    @Option(
            names = "--allowed-schemes",
            paramLabel = "LIST",
            defaultValue = InputSchemes.DEFAULT_LIST,
            description = "URL schemes INPUT may use, comma-separated (default: ${DEFAULT-VALUE}). file, concat,"
                    + " subfile, pipe and the like reach local files and are refused unless listed; a plain path"
                    + " always opens.")
    String allowedSchemes;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String id = streamId != null ? streamId : StreamIds.fromFileName(input);
        String badId = StreamIds.optionProblem(id);
        if (badId != null) {
            err.println("avmon: " + badId);
            return ExitCodes.BAD_INPUT;
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            err.println("avmon: --metrics-port must be 0 to 65535: " + metricsPort);
            return ExitCodes.BAD_INPUT;
        }
        if (sendBufferMb < 1 || sendBufferMb > FeaturePublisher.MAX_SEND_BUFFER_MB) {
            err.println("avmon: --send-buffer-mb must be 1 to " + FeaturePublisher.MAX_SEND_BUFFER_MB + ": "
                    + sendBufferMb);
            return ExitCodes.BAD_INPUT;
        }
        InputSchemes schemes;
        try {
            schemes = InputSchemes.parse(allowedSchemes);
        } catch (IllegalArgumentException e) {
            err.println("avmon: --allowed-schemes: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        ConverterMetrics metrics = new ConverterMetrics();
        MetricsEndpoint endpoint;
        try {
            endpoint = metricsPort == 0 ? null : MetricsEndpoint.start(metricsPort, metrics);
        } catch (RuntimeException e) {
            err.println("avmon: " + Errors.oneLine(e));
            return ExitCodes.BAD_INPUT;
        }
        KafkaWait wait = new KafkaWait(err);
        // Docker stops a container after 10 s by default: drain for less than that.
        Thread hook = new Thread(() -> wait.stopAndAwaitFinish(Duration.ofSeconds(8)), "avmon-convert-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            FeaturePublisher publisher;
            try {
                publisher = wait.connect(() ->
                        new FeaturePublisher(bootstrapServers, new HashMap<>(kafka.settings()), metrics, sendBufferMb));
            } catch (RuntimeException e) {
                err.println("avmon: " + Errors.oneLine(e));
                return ExitCodes.BAD_INPUT;
            }
            if (publisher == null) {
                return ExitCodes.OK; // stopped while waiting for Kafka
            }
            try (publisher) {
                StreamRunner runner = new StreamRunner(
                        StreamRunner.Options.of(input, id)
                                .withRealtime(realtime)
                                .withLoop(loop)
                                .withSchemes(schemes),
                        publisher,
                        metrics);
                wait.onStop(runner::stop);
                runner.run();
                // A file that cannot be read fails the runner; a live input never does: it reconnects until stopped.
                if (runner.lastState() == InputState.FAILED) {
                    err.println("avmon: " + runner.failure());
                    return ExitCodes.BAD_INPUT;
                }
                return ExitCodes.OK;
            }
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
            wait.finished();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Called from the hook's shutdown: it is running, nothing to remove.
            }
        }
    }
}
