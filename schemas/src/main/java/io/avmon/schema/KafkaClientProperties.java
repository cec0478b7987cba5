package io.avmon.schema;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka client settings as every avmon process takes them (SASL, TLS, timeouts): a properties file
 * ({@code --kafka-properties FILE}) and {@code --kafka-property key=value}, repeatable, which wins over the file. The
 * converter, the job, {@code profile publish} and {@code notify} hand the result to every Kafka client they make. It
 * lives here, in the one module everything else depends on, so the job parses the flags exactly as the CLI does
 * without importing it.
 *
 * <p>Secrets must never reach a log: {@link #masked} is how avmon prints a set of settings. Kafka's own
 * configuration logging hides its PASSWORD-typed settings the same way ("[hidden]").
 */
public final class KafkaClientProperties {
    /** What a secret's value is printed as, as Kafka prints it. */
    public static final String HIDDEN = "[hidden]";

    /**
     * Settings Kafka declares as PASSWORD (or that carry key material) though their names do not say so; any setting
     * whose name contains "password" or "secret" is hidden as well.
     */
    private static final Set<String> SECRET_KEYS = Set.of(
            "sasl.jaas.config",
            "ssl.keystore.key",
            "ssl.keystore.certificate.chain",
            "ssl.truststore.certificates",
            "basic.auth.user.info");

    private KafkaClientProperties() {}

    /**
     * The file's settings (none when {@code file} is null), then each {@code key=value} on top of them, in order.
     *
     * @throws IllegalArgumentException with a one-line message naming the file or the malformed pair (never its
     *     value, which may be a password)
     */
    public static Map<String, String> read(Path file, Collection<String> keyValues) {
        Map<String, String> settings = new TreeMap<>();
        if (file != null) {
            Properties loaded = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                loaded.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read Kafka properties " + file + ": "
                                + e.getClass().getSimpleName() + " " + e.getMessage(),
                        e);
            }
            loaded.stringPropertyNames()
                    .forEach(key ->
                            settings.put(key.trim(), loaded.getProperty(key).trim()));
        }
        for (String pair : keyValues) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--kafka-property expects key=value, not "
                        + (equals < 0 ? "a pair without '='" : "a pair without a key"));
            }
            settings.put(
                    pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return settings;
    }

    /** Whether {@code key}'s value must never be printed. */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        return SECRET_KEYS.contains(lower) || lower.contains("password") || lower.contains("secret");
    }

    /** The settings as avmon prints them: every secret's value replaced by {@link #HIDDEN}, sorted by key. */
    public static Map<String, String> masked(Map<String, ?> settings) {
        Map<String, String> masked = new TreeMap<>();
        settings.forEach((key, value) -> masked.put(key, isSecret(key) ? HIDDEN : String.valueOf(value)));
        return masked;
    }
}
