package io.avmon.cli.profile;

import io.avmon.cli.common.Errors;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.KafkaClientOptions;
import io.avmon.converter.FeaturePublisher;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.profile.InvalidProfileException;
import io.avmon.job.profile.ProfileBook;
import io.avmon.job.profile.ProfileYaml;
import io.avmon.schema.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Detection profiles: check a file, print the built-in settings, publish a file to a running job. */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description = {
            "Detection profiles: YAML defaults and per-stream overrides.",
            "A running job takes a published profile from the next record on, without a restart."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "2:the profile does not read (the cause is printed) or Kafka is unreachable",
            "3:an internal error"
        })
public final class ProfileCommand {

    /** The key profile documents are published under, so a compacted control topic keeps the last one. */
    public static final String RECORD_KEY = "profile";

    @Spec
    CommandSpec spec;

    @Command(name = "check", description = "Read a profile file and report the first problem, or what it sets.")
    int check(@Parameters(paramLabel = "FILE") Path file) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ProfileBook book = ProfileYaml.read(file);
            out.println(file + ": profile " + book.revision() + " reads; overrides for "
                    + (book.overriddenStreams().isEmpty() ? "no stream" : String.join(", ", book.overriddenStreams())));
            return ExitCodes.OK;
        } catch (InvalidProfileException e) {
            err.println("avmon: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Command(
            name = "defaults",
            description = "Print every setting with its built-in value, as a profile's defaults section.")
    int defaults() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(ProfileYaml.format(DefectKind.defaultProfile()));
        out.flush();
        return ExitCodes.OK;
    }

    @Command(
            name = "publish",
            description = {
                "Check a profile file, then send it to the job's control topic.",
                "The job applies it at once; a malformed one never leaves this machine."
            })
    int publish(
            @Parameters(paramLabel = "FILE") Path file,
            @Option(
                            names = "--bootstrap-servers",
                            defaultValue = "localhost:9092",
                            description = "Kafka (default: ${DEFAULT-VALUE}).")
                    String bootstrapServers,
            @Option(
                            names = "--topic",
                            defaultValue = Topics.CONTROL,
                            description = "Control topic (default: ${DEFAULT-VALUE}).")
                    String topic,
            @Mixin KafkaClientOptions kafka)
            throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ProfileBook book = ProfileYaml.read(file);
            byte[] document = Files.readAllBytes(file);
            Map<String, String> clientSettings = kafka.settings();
            FeaturePublisher.verifyReachable(bootstrapServers, clientSettings, Duration.ofSeconds(10));
            RecordMetadata sent = send(bootstrapServers, clientSettings, topic, document);
            out.println("published profile " + book.revision() + " to " + topic + " (partition " + sent.partition()
                    + ", offset " + sent.offset() + ") at " + bootstrapServers);
            return ExitCodes.OK;
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("avmon: " + Errors.oneLine(e));
            return ExitCodes.BAD_INPUT;
        } finally {
            out.flush();
            err.flush();
        }
    }

    static RecordMetadata send(
            String bootstrapServers, Map<String, String> clientSettings, String topic, byte[] document)
            throws InterruptedException {
        Properties config = new Properties();
        config.putAll(clientSettings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, RECORD_KEY.getBytes(StandardCharsets.UTF_8), document))
                    .get(40, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "could not publish to " + topic + " at " + bootstrapServers + ": " + Errors.oneLine(cause), cause);
        }
    }
}
