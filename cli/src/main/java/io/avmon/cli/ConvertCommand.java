package io.avmon.cli;

import io.avmon.cli.common.Errors;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.KafkaClientOptions;
import io.avmon.cli.common.StreamIds;
import io.avmon.converter.ConverterMetrics;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.InputSchemes;
import io.avmon.converter.KafkaRefusedException;
import io.avmon.converter.MetricsEndpoint;
import io.avmon.converter.StreamGroup;
import io.avmon.converter.StreamRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The converter as a process of its own: one input, or many ({@code --input}, {@code --inputs}) as an operator runs a
 * host of channels, each its own stream, all into one Kafka producer and one metrics endpoint.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Decode INPUT (a file or a live udp/rtp/srt/rtmp/http URL) and publish its feature records to Kafka.",
            "Several inputs in one process: repeat --input ID=URL, or list them in --inputs FILE; each is a stream of"
                    + " its own, converted on a thread of its own.",
            "Live inputs reconnect with back-off and send heartbeats while down. Stop with Ctrl-C.",
            "Kafka unreachable at start: one line, then retries with back-off until it answers or Ctrl-C.",
            "Kafka lost while running: records wait in a bounded send buffer; when it is full the oldest are dropped."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every input ended or the converter was stopped",
            "2:an input cannot be read (missing, not media, unreadable; with several inputs, once all have ended,"
                    + " each named in a line of its own), Kafka refuses the credentials or a record, or the arguments"
                    + " are wrong",
            "3:an internal error"
        })
public final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "0..1", description = "A media file or live URL.")
    String input;

    @Option(
            names = "--input",
            paramLabel = "ID=URL",
            description = "One of several inputs: its stream id and its file or URL. Repeatable; instead of INPUT.")
    List<String> inputOptions = new ArrayList<>();

    @Option(
            names = "--inputs",
            paramLabel = "FILE",
            description = "A file of inputs, one '<stream-id> <url>' a line ('#' starts a comment); instead of"
                    + " INPUT, together with any --input.")
    Path inputsFile;

    @Option(
            names = "--decoder-threads",
            paramLabel = "N",
            defaultValue = "1",
            description = "FFmpeg decoding threads per input, 1 to " + MAX_DECODER_THREADS
                    + "; with several inputs the inputs already fill the cores (default: ${DEFAULT-VALUE}).")
    int decoderThreads;

    /** More frame threads than this only adds latency and memory: no core count here feeds more to one stream. */
    static final int MAX_DECODER_THREADS = 16;

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
        boolean several = !inputOptions.isEmpty() || inputsFile != null;
        if (several && input != null) {
            err.println("avmon: INPUT and --input/--inputs do not go together: give every input as --input ID=URL");
            return ExitCodes.BAD_INPUT;
        }
        if (several && streamId != null) {
            err.println("avmon: --stream-id is for a single INPUT: with --input/--inputs each input names its stream");
            return ExitCodes.BAD_INPUT;
        }
        if (!several && input == null) {
            err.println("avmon: no input: give INPUT, or --input ID=URL (repeatable) or --inputs FILE");
            return ExitCodes.BAD_INPUT;
        }
        List<InputList.Input> inputs;
        if (several) {
            try {
                inputs = InputList.parse(inputOptions, inputsFile);
            } catch (IllegalArgumentException e) {
                err.println("avmon: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        } else {
            String id = streamId != null ? streamId : StreamIds.fromFileName(input);
            String badId = StreamIds.optionProblem(id);
            if (badId != null) {
                err.println("avmon: " + badId);
                return ExitCodes.BAD_INPUT;
            }
            inputs = List.of(new InputList.Input(id, input, "INPUT"));
        }
        if (decoderThreads < 1 || decoderThreads > MAX_DECODER_THREADS) {
            err.println("avmon: --decoder-threads must be 1 to " + MAX_DECODER_THREADS + ": " + decoderThreads);
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
                List<StreamRunner.Options> runs = new ArrayList<>();
                for (InputList.Input each : inputs) {
                    runs.add(StreamRunner.Options.of(each.url(), each.streamId())
                            .withRealtime(realtime)
                            .withLoop(loop)
                            .withSchemes(schemes)
                            .withDecoderThreads(decoderThreads));
                }
                StreamGroup group = new StreamGroup(runs, publisher, metrics);
                // A file that cannot be read fails its runner; a live input never does: it reconnects until stopped.
                // With one input the line is as analyze writes it; with several it also names the stream.
                group.setFailureListener((id, failure) -> {
                    err.println("avmon: " + (several ? id + ": " : "") + failure);
                    err.flush();
                });
                wait.onStop(group::stop);
                boolean anyFailed;
                try {
                    anyFailed = group.run().stream().anyMatch(StreamGroup.Outcome::failed);
                    publisher.flush();
                } catch (KafkaRefusedException e) {
                    err.println("avmon: " + Errors.oneLine(e));
                    return ExitCodes.BAD_INPUT;
                }
                return anyFailed ? ExitCodes.BAD_INPUT : ExitCodes.OK;
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
