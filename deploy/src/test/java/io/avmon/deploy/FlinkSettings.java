package io.avmon.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;

/**
 * Flink settings checked against the options Flink 2.2 declares: Flink ignores a key it does not know, so a
 * misspelt one (high-availablity.type) would silently leave HA off.
 */
final class FlinkSettings {
    /** Flink's own option classes for what avmon's deployments configure. */
    private static final List<Class<?>> OPTION_CLASSES = List.of(
            CoreOptions.class,
            CheckpointingOptions.class,
            StateBackendOptions.class,
            StateRecoveryOptions.class,
            HighAvailabilityOptions.class,
            RestartStrategyOptions.class,
            JobManagerOptions.class,
            TaskManagerOptions.class,
            MetricOptions.class,
            RestOptions.class);

    /**
     * The Flink Kubernetes Operator's own settings, read by the operator from flinkConfiguration. Its option
     * classes are not in the API jar Maven serves here, so the ones used are named.
     */
    private static final Set<String> OPERATOR_KEYS = Set.of(
            "kubernetes.operator.periodic.savepoint.interval", "kubernetes.operator.savepoint.history.max.count");

    private static final String REPORTER_PREFIX = "metrics.reporter.";

    private FlinkSettings() {}

    /** The keys of {@code settings} that no option declares. */
    static Set<String> unknownKeys(Map<String, String> settings) {
        Set<String> known = new TreeSet<>(OPERATOR_KEYS);
        Set<String> reporterSuffixes = new TreeSet<>(List.of(prometheusPortKey()));
        for (Class<?> options : OPTION_CLASSES) {
            for (ConfigOption<?> option : declaredOptions(options)) {
                // Reporter options are declared by their suffix: metrics.reporter.<name>.<suffix>.
                Set<String> target =
                        options == MetricOptions.class && !option.key().startsWith("metrics.")
                                ? reporterSuffixes
                                : known;
                target.add(option.key());
                for (FallbackKey fallback : option.fallbackKeys()) {
                    target.add(fallback.getKey());
                }
            }
        }
        List<String> reporters =
                List.of(settings.getOrDefault("metrics.reporters", "").split("\\s*,\\s*"));
        Set<String> unknown = new TreeSet<>();
        for (String key : settings.keySet()) {
            boolean reporterKey = reporters.stream()
                    .anyMatch(name -> key.startsWith(REPORTER_PREFIX + name + ".")
                            && reporterSuffixes.contains(key.substring((REPORTER_PREFIX + name + ".").length())));
            if (!known.contains(key) && !reporterKey) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    private static List<ConfigOption<?>> declaredOptions(Class<?> options) {
        return Arrays.stream(options.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class)
                .map(FlinkSettings::optionIn)
                .toList();
    }

    private static ConfigOption<?> optionIn(Field field) {
        try {
            return (ConfigOption<?>) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Prometheus reporter's port argument, as its factory names it. */
    private static String prometheusPortKey() {
        try {
            Field port = PrometheusReporterFactory.class.getDeclaredField("ARG_PORT");
            port.setAccessible(true);
            return (String) port.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
