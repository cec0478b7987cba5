package io.avmon.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml as Compose reads it: anchors and merge keys resolved. */
final class ComposeFile {
    /** The kafka-topics service's lines {@code topic NAME PARTITIONS SETTING}. */
    private static final Pattern TOPIC_LINE = Pattern.compile("(?m)^\\s*topic (\\S+) (\\d+) (\\S+)\\s*$");

    private final Map<String, Object> services;

    @SuppressWarnings("unchecked")
    ComposeFile(String text) {
        Map<String, Object> root = new Yaml(new LoaderOptions()).load(text);
        this.services = (Map<String, Object>) root.get("services");
    }

    static ComposeFile load() {
        return new ComposeFile(Repository.read(Repository.COMPOSE_FILE));
    }

    Map<String, Object> services() {
        return services;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> service(String name) {
        Map<String, Object> service = (Map<String, Object>) services.get(name);
        if (service == null) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return service;
    }

    /** The service's command as a list of arguments (a string command is split on blanks, as Compose does). */
    @SuppressWarnings("unchecked")
    List<String> command(String name) {
        Object command = service(name).get("command");
        if (command instanceof List<?> list) {
            return ((List<Object>) list).stream().map(String::valueOf).toList();
        }
        return command == null
                ? List.of()
                : List.of(String.valueOf(command).trim().split("\\s+"));
    }

    /** The service's environment variables (map or KEY=VALUE list form). */
    @SuppressWarnings("unchecked")
    Map<String, String> environment(String name) {
        Object environment = service(name).get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            ((Map<Object, Object>) map).forEach((k, v) -> variables.put(String.valueOf(k), String.valueOf(v)));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String[] pair = String.valueOf(entry).split("=", 2);
                variables.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
        }
        return variables;
    }

    /**
     * The Flink settings a service passes in FLINK_PROPERTIES, one {@code key: value} per line, as the image's
     * entrypoint reads them (split at the first colon).
     */
    Map<String, String> flinkProperties(String name) {
        Map<String, String> properties = new TreeMap<>();
        String text = environment(name).getOrDefault("FLINK_PROPERTIES", "");
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new AssertionError(name + ": FLINK_PROPERTIES line without \"key: value\": " + line);
            }
            properties.put(
                    line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return properties;
    }

    /** "volume:/path[:ro]" entries of a service, as volume (or host path) to the container path. */
    @SuppressWarnings("unchecked")
    Map<String, String> mounts(String name) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object entry : (List<Object>) service(name).getOrDefault("volumes", List.of())) {
            String[] parts = String.valueOf(entry).split(":");
            mounts.put(parts[0], parts[1]);
        }
        return mounts;
    }

    /** Services others wait for with service_completed_successfully: the one-shot setup steps. */
    @SuppressWarnings("unchecked")
    List<String> oneShotServices() {
        List<String> oneShots = new ArrayList<>();
        for (Object service : services.values()) {
            Object dependsOn = ((Map<String, Object>) service).get("depends_on");
            if (dependsOn instanceof Map<?, ?> conditions) {
                conditions.forEach((dependency, condition) -> {
                    if (String.valueOf(condition).contains("service_completed_successfully")
                            && !oneShots.contains(String.valueOf(dependency))) {
                        oneShots.add(String.valueOf(dependency));
                    }
                });
            }
        }
        return oneShots;
    }

    /** The topics the kafka-topics service creates, by name. */
    Map<String, Repository.TopicSettings> topics() {
        String script = String.join("\n", command("kafka-topics"));
        Map<String, Repository.TopicSettings> topics = new TreeMap<>();
        Matcher line = TOPIC_LINE.matcher(script);
        while (line.find()) {
            Map<String, String> config = new TreeMap<>();
            for (String setting : line.group(3).split(",")) {
                String[] pair = setting.split("=", 2);
                config.put(pair[0], pair[1]);
            }
            topics.put(line.group(1), new Repository.TopicSettings(Integer.parseInt(line.group(2)), config));
        }
        return topics;
    }
}
