package io.avmon.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The deployment files of this checkout, as the tests read them. */
final class Repository {
    /** The tests run in deploy/, the module's directory. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    static final Path KUBERNETES = ROOT.resolve("deploy/k8s");
    static final Path KUSTOMIZATION = KUBERNETES.resolve("kustomization.yaml");
    static final Path JOB_IMAGE_DOCKERFILE = ROOT.resolve("deploy/flink/Dockerfile");

    private Repository() {}

    /** Every Kubernetes manifest in deploy/k8s (kustomization.yaml is kustomize's, not the cluster's). */
    static List<Path> manifests() {
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.equals(KUSTOMIZATION))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of that kind across deploy/k8s. */
    static List<JsonNode> kubernetesDocuments(String kind) {
        return manifests().stream()
                .flatMap(file -> StrictManifests.documents(file).stream())
                .filter(document -> kind.equals(document.path("kind").asText()))
                .toList();
    }

    /** The Deployment of each named app (label app.kubernetes.io/name), e.g. every avmon-converter. */
    static List<JsonNode> kubernetesDeploymentsOf(String app) {
        return kubernetesDocuments("Deployment").stream()
                .filter(d -> app.equals(d.path("metadata")
                        .path("labels")
                        .path("app.kubernetes.io/name")
                        .asText()))
                .toList();
    }

    /** The KafkaTopics by topic name. */
    static Map<String, TopicSettings> kubernetesTopics() {
        Map<String, TopicSettings> topics = new TreeMap<>();
        for (JsonNode topic : kubernetesDocuments("KafkaTopic")) {
            JsonNode spec = topic.path("spec");
            String name = spec.hasNonNull("topicName")
                    ? spec.get("topicName").asText()
                    : topic.path("metadata").path("name").asText();
            Map<String, String> config = new TreeMap<>();
            spec.path("config")
                    .fields()
                    .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            topics.put(name, new TopicSettings(spec.path("partitions").asInt(), config));
        }
        return topics;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A topic's partition count and its topic-level settings. */
    record TopicSettings(int partitions, Map<String, String> config) {}
}
