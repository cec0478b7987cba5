package io.avmon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avmon.job.AvmonJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** deploy/k8s against the APIs it is written for, and against what the job needs of a Flink deployment. */
class KubernetesManifestsTest {

    @Test
    void everyManifestBindsToItsApiModelWithNoFieldLeftOver() {
        Set<String> kinds = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Path file : Repository.manifests()) {
            for (JsonNode document : StrictManifests.documents(file)) {
                kinds.add(document.path("kind").asText());
                StrictManifests.problems(document)
                        .forEach(problem -> problems.add(file.getFileName() + ": " + problem));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(StrictManifests.MODELS.keySet());
    }

    /**
     * A copy of a manifest with one field misspelt, at a place each API's model handles differently: fields the
     * Flink operator's own classes bind, fabric8 objects inside them (the pod template), Strimzi's and the
     * Prometheus operator's specs, and Kubernetes' Deployment.
     */
    @ParameterizedTest(name = "{0}: {1} misspelt as {2}")
    @CsvSource({
        "flink-deployment.yaml, spec.job.upgradeMode, upgradMode",
        "flink-deployment.yaml, spec.jobManager.replicas, replica",
        "flink-deployment.yaml, spec.podTemplate.spec.containers.0.envFrom, envFrm",
        "topics.yaml, spec.partitions, partition",
        "converter-channel-1.yaml, spec.template.spec.containers.0.securityContext, securityContex",
        "podmonitors.yaml, spec.podMetricsEndpoints.0.interval, intervall",
    })
    void aMisspeltFieldInACopyOfAManifestFailsValidation(String file, String path, String misspelt) {
        JsonNode original =
                StrictManifests.documents(Repository.KUBERNETES.resolve(file)).get(0);
        assertThat(StrictManifests.problems(original)).isEmpty();

        JsonNode copy = original.deepCopy();
        rename(copy, path, misspelt);

        assertThat(StrictManifests.problems(copy))
                .isNotEmpty()
                .anySatisfy(problem -> assertThat(problem).contains(misspelt));
    }

    @Test
    void kustomizationListsEveryManifestAndNothingElse() {
        JsonNode kustomization =
                StrictManifests.documents(Repository.KUSTOMIZATION).get(0);
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(resource -> listed.add(resource.asText()));

        assertThat(listed)
                .containsExactlyInAnyOrderElementsOf(Repository.manifests().stream()
                        .map(f -> f.getFileName().toString())
                        .toList());
        Set<String> keys = new TreeSet<>();
        kustomization.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isSubsetOf("apiVersion", "kind", "namespace", "resources", "labels", "images");
    }

    @Test
    void theFlinkDeploymentRunsTheJobInApplicationModeWithHaAndDurableState() {
        List<JsonNode> deployments = Repository.kubernetesDocuments("FlinkDeployment");
        assertThat(deployments).hasSize(1);
        JsonNode spec = deployments.get(0).path("spec");
        JsonNode job = spec.path("job");
        Map<String, String> flink = StrictManifests.YAML.convertValue(spec.path("flinkConfiguration"), Map.class);

        // Application mode: the operator runs the jar from the image, with the job's own main class.
        assertThat(job.path("jarURI").asText()).isEqualTo("local://" + DeploymentAgreementTest.JOB_JAR_IN_IMAGE);
        assertThat(job.path("entryClass").asText()).isEqualTo(AvmonJob.class.getName());
        assertThat(job.path("state").asText()).isEqualTo("running");
        assertThat(job.path("upgradeMode").asText()).isIn("savepoint", "last-state");

        // JobManager HA through Kubernetes, its metadata and the job's state on storage that outlives the pods.
        assertThat(flink).containsEntry("high-availability.type", "kubernetes");
        for (String key : List.of(
                "high-availability.storageDir",
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir")) {
            assertThat(flink.get(key)).as(key).matches("(s3|s3p|gs|abfss?|hdfs)://.+");
        }
        assertThat(flink).containsEntry("state.backend.type", "hashmap");

        // The Flink version the operator is told is the one the job is built against (2.2.x -> v2_2).
        String[] version = EnvironmentInformation.getVersion().split("\\.");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v" + version[0] + "_" + version[1]);
        assertThat(spec.path("image").asText()).isEqualTo(DeploymentAgreementTest.composeJobImage());
    }

    @Test
    void prometheusScrapesFlinkAndEveryConverterOnTheirDeclaredPorts() {
        JsonNode flink = Repository.kubernetesDocuments("FlinkDeployment").get(0);
        String flinkPort = flink.path("spec")
                .path("flinkConfiguration")
                .path("metrics.reporter.prom.port")
                .asText();
        JsonNode flinkContainer = flink.path("spec")
                .path("podTemplate")
                .path("spec")
                .path("containers")
                .get(0);
        assertThat(flinkContainer.path("name").asText()).isEqualTo("flink-main-container");
        assertThat(portNamed(flinkContainer, "metrics")).isEqualTo(flinkPort);

        Map<String, JsonNode> monitors = new java.util.TreeMap<>();
        Repository.kubernetesDocuments("PodMonitor")
                .forEach(m -> monitors.put(m.path("metadata").path("name").asText(), m));
        assertThat(monitors).containsOnlyKeys("avmon-flink", "avmon-converter", "avmon-exporter");
        JsonNode flinkMonitor = monitors.get("avmon-flink").path("spec");
        assertThat(flinkMonitor.path("selector").path("matchLabels").path("app").asText())
                .isEqualTo(flink.path("metadata").path("name").asText());
        assertThat(flinkMonitor.path("podMetricsEndpoints").get(0).path("port").asText())
                .isEqualTo("metrics");

        JsonNode converterMonitor = monitors.get("avmon-converter").path("spec");
        for (JsonNode converter : Repository.kubernetesDeploymentsOf("avmon-converter")) {
            JsonNode labels =
                    converter.path("spec").path("template").path("metadata").path("labels");
            converterMonitor
                    .path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(
                            label -> assertThat(labels.path(label.getKey()).asText())
                                    .isEqualTo(label.getValue().asText()));
            JsonNode container = converter
                    .path("spec")
                    .path("template")
                    .path("spec")
                    .path("containers")
                    .get(0);
            assertThat(portNamed(container, "metrics")).isNotEmpty();
        }
        assertThat(converterMonitor
                        .path("podMetricsEndpoints")
                        .get(0)
                        .path("port")
                        .asText())
                .isEqualTo("metrics");
    }

    @Test
    void theExporterPodMonitorSelectsTheExporterAndItsMetricsPort() {
        JsonNode monitor = Repository.kubernetesDocuments("PodMonitor").stream()
                .filter(m -> m.path("metadata").path("name").asText().equals("avmon-exporter"))
                .findFirst()
                .orElseThrow()
                .path("spec");
        List<JsonNode> exporters = Repository.kubernetesDeploymentsOf("avmon-exporter");
        assertThat(exporters).hasSize(1);
        JsonNode pod = exporters.get(0).path("spec").path("template");
        monitor.path("selector")
                .path("matchLabels")
                .fields()
                .forEachRemaining(label -> assertThat(pod.path("metadata")
                                .path("labels")
                                .path(label.getKey())
                                .asText())
                        .isEqualTo(label.getValue().asText()));
        String port = monitor.path("podMetricsEndpoints").get(0).path("port").asText();
        JsonNode container = pod.path("spec").path("containers").get(0);
        assertThat(portNamed(container, port)).isEqualTo("9465");
        assertThat(container.path("args").toString()).contains("\"--port\",\"9465\"");
    }

    private static String portNamed(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (name.equals(port.path("name").asText())) {
                return port.path("containerPort").asText();
            }
        }
        return "";
    }

    /** Renames the field at a dotted path (list indexes as numbers), keeping its value. */
    private static void rename(JsonNode root, String path, String newName) {
        String[] steps = path.split("\\.");
        JsonNode parent = root;
        for (int i = 0; i < steps.length - 1; i++) {
            parent = parent instanceof ArrayNode list ? list.get(Integer.parseInt(steps[i])) : parent.get(steps[i]);
        }
        ObjectNode object = (ObjectNode) parent;
        String oldName = steps[steps.length - 1];
        assertThat(object.has(oldName)).as(path).isTrue();
        object.set(newName, object.remove(oldName));
    }
}
