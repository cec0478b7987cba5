package io.avmon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every Flink setting in compose and in the FlinkDeployment is one Flink 2.2 (or its operator) reads. */
class FlinkSettingsTest {

    @Test
    void composeSetsOnlySettingsFlinkKnows() {
        for (String service : new String[] {"jobmanager", "taskmanager"}) {
            assertThat(FlinkSettings.unknownKeys(ComposeFile.load().flinkProperties(service)))
                    .as(service)
                    .isEmpty();
        }
    }

    @Test
    void theFlinkDeploymentSetsOnlySettingsFlinkOrItsOperatorKnows() {
        assertThat(FlinkSettings.unknownKeys(kubernetesSettings())).isEmpty();
    }

    @Test
    void aMisspeltSettingIsReported() {
        Map<String, String> settings = new TreeMap<>(kubernetesSettings());
        settings.put("high-availablity.type", settings.remove("high-availability.type"));
        settings.put("metrics.reporter.prom.prot", settings.remove("metrics.reporter.prom.port"));

        assertThat(FlinkSettings.unknownKeys(settings))
                .containsExactlyInAnyOrder("high-availablity.type", "metrics.reporter.prom.prot");
    }

    private static Map<String, String> kubernetesSettings() {
        JsonNode configuration = Repository.kubernetesDocuments("FlinkDeployment")
                .get(0)
                .path("spec")
                .path("flinkConfiguration");
        Map<String, String> settings = new TreeMap<>();
        configuration
                .fields()
                .forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        return settings;
    }
}
