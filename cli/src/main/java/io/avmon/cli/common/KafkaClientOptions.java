package io.avmon.cli.common;

import io.avmon.schema.KafkaClientProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Kafka client flags every command that talks to Kafka takes (picocli mixin): a properties file and repeatable
 * {@code key=value} pairs, parsed by {@link KafkaClientProperties} exactly as the job parses its own.
 */
public final class KafkaClientOptions {

    @Option(
            names = "--kafka-properties",
            paramLabel = "FILE",
            description = "Kafka client settings (SASL, TLS, ...) for every Kafka client, as a properties file.")
    Path file;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "A Kafka client setting, repeatable; wins over --kafka-properties. Keep secrets in the file:"
                    + " a command line shows in process lists.")
    List<String> pairs = new ArrayList<>();

    /** The settings; throws IllegalArgumentException with a one-line message when the file or a pair is malformed. */
    public Map<String, String> settings() {
        return KafkaClientProperties.read(file, pairs);
    }
}
