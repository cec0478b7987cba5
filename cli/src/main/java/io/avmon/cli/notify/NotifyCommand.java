package io.avmon.cli.notify;

import io.avmon.cli.common.Errors;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.KafkaClientOptions;
import io.avmon.converter.FeaturePublisher;
import io.avmon.schema.Topics;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avmon notify}: the defect topic to a webhook, as {@link WebhookBridge} describes. */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        description = {
            "Post each committed defect event (OPENED and CLOSED) to a webhook as JSON, once per eventId and state.",
            "Retries with back-off while the webhook fails; remembers what was acknowledged in --state-file, so a"
                    + " restart or a replay never posts an event twice. Stop with Ctrl-C."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped",
            "2:Kafka is unreachable or refuses the credentials, the state file cannot be used, or the arguments are"
                    + " wrong",
            "3:an internal error"
        })
public final class NotifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--webhook", required = true, paramLabel = "URL", description = "Where to POST each event.")
    URI webhook;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = Topics.DEFECTS, description = "Defect topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--group-id",
            defaultValue = "avmon-notify",
            description =
                    "Consumer group; offsets are committed after each acknowledged post (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(
            names = "--starting-offsets",
            defaultValue = "latest",
            description = "latest or earliest: where a new group starts (default: ${DEFAULT-VALUE}).")
    String startingOffsets;

    @Option(
            names = "--state-file",
            defaultValue = "avmon-notify.state",
            description = "The acknowledged (eventId, state) pairs; keep it on a volume (default: ${DEFAULT-VALUE}).")
    Path stateFile;

    @Option(
            names = "--max-backoff-s",
            defaultValue = "30",
            description = "Longest wait between attempts while the webhook fails (default: ${DEFAULT-VALUE}).")
    long maxBackoffSeconds;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        WebhookBridge bridge;
        try {
            String offsets = startingOffsets.toLowerCase(Locale.ROOT);
            if (!offsets.equals("latest") && !offsets.equals("earliest")) {
                throw new IllegalArgumentException("--starting-offsets must be latest or earliest, not " + offsets);
            }
            if (webhook.getScheme() == null || !webhook.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("--webhook must be an http or https URL");
            }
            Map<String, String> clientSettings = kafka.settings();
            FeaturePublisher.verifyReachable(bootstrapServers, clientSettings, FeaturePublisher.REACHABILITY_TIMEOUT);
            bridge = new WebhookBridge(
                    new WebhookBridge.Settings(
                            bootstrapServers,
                            clientSettings,
                            topic,
                            groupId,
                            offsets.equals("earliest"),
                            webhook,
                            stateFile,
                            Duration.ofMillis(500),
                            Duration.ofSeconds(Math.max(1, maxBackoffSeconds)),
                            Duration.ofSeconds(10)),
                    err);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("avmon: " + Errors.oneLine(e));
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        Thread hook = new Thread(bridge::stop, "avmon-notify-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        bridge.run();
        return ExitCodes.OK;
    }
}
