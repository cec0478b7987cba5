package io.avmon.cli;

import io.avmon.cli.common.Errors;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.KafkaClientOptions;
import io.avmon.cli.common.StreamIds;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.schema.InputState;
import java.io.PrintWriter;
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
            "Live inputs reconnect with back-off and send heartbeats while down. Stop with Ctrl-C."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the input ended or the converter was stopped",
            "2:the input cannot be read (missing, not media, unreadable), Kafka is unreachable, or the arguments are wrong",
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

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String id = streamId != null ? streamId : StreamIds.fromFileName(input);
        String badId = StreamIds.optionProblem(id);
        if (badId != null) {
            err.println("avmon: " + badId);
            return ExitCodes.BAD_INPUT;
        }
        FeaturePublisher publisher;
        try {
            publisher = new FeaturePublisher(bootstrapServers, new HashMap<>(kafka.settings()));
        } catch (RuntimeException e) {
            err.println("avmon: " + Errors.oneLine(e));
            return ExitCodes.BAD_INPUT;
        }
        try (publisher) {
            StreamRunner runner = new StreamRunner(
                    StreamRunner.Options.of(input, id).withRealtime(realtime).withLoop(loop), publisher);
            Thread hook = new Thread(runner::stop, "avmon-convert-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            runner.run();
            // A file that cannot be read fails the runner; a live input never does: it reconnects until stopped.
            if (runner.lastState() == InputState.FAILED) {
                err.println("avmon: " + runner.failure());
                return ExitCodes.BAD_INPUT;
            }
            return ExitCodes.OK;
        }
    }
}
