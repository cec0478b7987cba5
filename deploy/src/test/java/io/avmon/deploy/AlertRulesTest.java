package io.avmon.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/prometheus and deploy/alertmanager: accepted by Prometheus' and Alertmanager's own checkers, each alert rule
 * firing on the failure it names and quiet on a healthy job (alerts-test.yml), and wired into the compose stack.
 * Where promtool or amtool is missing (Debian packages prometheus and prometheus-alertmanager), those checks are
 * skipped. Whether the rules' metrics exist is checked against a real job by the cli's PrometheusMetricsTest.
 */
class AlertRulesTest {
    private static final Path PROMETHEUS = Repository.ROOT.resolve("deploy/prometheus");

    @Test
    void promtoolAcceptsTheConfigurationAndTheRules() throws Exception {
        Tools.Result config =
                promtool("check", "config", PROMETHEUS.resolve("prometheus.yml").toString());
        assertThat(config.exitCode()).as(config.output()).isZero();
        assertThat(config.output()).contains("SUCCESS: 1 rule files found");
    }

    @Test
    void everyAlertFiresOnItsFailureAndStaysQuietOnAHealthyJob() throws Exception {
        Tools.Result test =
                promtool("test", "rules", PROMETHEUS.resolve("alerts-test.yml").toString());

        assertThat(test.exitCode()).as(test.output()).isZero();
        // Each rule has a case that fires it, so a rule added without one fails here.
        String cases = Repository.read(PROMETHEUS.resolve("alerts-test.yml"));
        for (String alert : alertNames()) {
            assertThat(cases).as(alert).contains("alertname: " + alert + "\n");
        }
    }

    @Test
    void amtoolAcceptsTheAlertmanagerConfiguration() throws Exception {
        Path amtool = Tools.onPath("amtool");
        assumeTrue(amtool != null, "amtool is not installed (apt-get install prometheus-alertmanager)");

        Tools.Result check = Tools.run(List.of(
                amtool.toString(),
                "check-config",
                Repository.ROOT.resolve("deploy/alertmanager/alertmanager.yml").toString()));

        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @Test
    void composeRunsAlertmanagerAndPrometheusLoadsTheRulesAndSendsToIt() {
        ComposeFile compose = ComposeFile.load();

        assertThat(compose.mounts("prometheus"))
                .containsEntry("./deploy/prometheus/alerts.yml", "/etc/prometheus/alerts.yml");
        assertThat(compose.mounts("alertmanager"))
                .containsEntry("./deploy/alertmanager/alertmanager.yml", "/etc/alertmanager/alertmanager.yml");
        assertThat(Repository.read(PROMETHEUS.resolve("prometheus.yml"))).contains("- alerts.yml", "alertmanager:9093");
    }

    /** Runs promtool with {@code args}; skips the test where it is not installed. */
    private static Tools.Result promtool(String... args) throws Exception {
        Path promtool = Tools.onPath("promtool");
        assumeTrue(promtool != null, "promtool is not installed (apt-get install prometheus)");
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        return Tools.run(command);
    }

    @SuppressWarnings("unchecked")
    private static List<String> alertNames() {
        Map<String, Object> rules = new Yaml().load(Repository.read(PROMETHEUS.resolve("alerts.yml")));
        List<String> names = ((List<Map<String, Object>>) rules.get("groups"))
                .stream()
                        .flatMap(group -> ((List<Map<String, Object>>) group.get("rules")).stream())
                        .map(rule -> String.valueOf(rule.get("alert")))
                        .toList();
        assertThat(names).isNotEmpty();
        return names;
    }
}
