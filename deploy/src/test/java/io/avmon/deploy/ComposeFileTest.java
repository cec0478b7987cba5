package io.avmon.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.avmon.job.AvmonJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: accepted by Compose, and running the job the way it has to run. */
class ComposeFileTest {

    /** Debian's docker-compose validates the file where it is installed (CI installs it); skipped elsewhere. */
    @Test
    void dockerComposeAcceptsTheComposeFile() throws IOException, InterruptedException {
        Path dockerCompose = Tools.onPath("docker-compose");
        assumeTrue(dockerCompose != null, "docker-compose is not installed (apt-get install docker-compose)");

        Tools.Result config =
                Tools.run(List.of(dockerCompose.toString(), "-f", Repository.COMPOSE_FILE.toString(), "config", "-q"));

        assertThat(config.exitCode()).as(config.output()).isZero();
    }

    @Test
    void everyLongRunningServiceHasAHealthcheckAndARestartPolicy() {
        ComposeFile compose = ComposeFile.load();
        List<String> oneShots = compose.oneShotServices();
        assertThat(oneShots).containsExactlyInAnyOrder("kafka-topics", "flink-data-owner");

        List<String> longRunning = new ArrayList<>(compose.services().keySet());
        longRunning.removeAll(oneShots);
        for (String service : longRunning) {
            assertThat(compose.service(service)).as(service).containsKeys("healthcheck", "restart");
            assertThat(String.valueOf(compose.service(service).get("restart")))
                    .as(service)
                    .isIn("unless-stopped", "always", "on-failure");
        }
        // A one-shot that Compose restarted would run again and again.
        oneShots.forEach(service -> assertThat(compose.service(service)).doesNotContainKey("restart"));
    }

    @Test
    void flinkKeepsTheImagesConfigurationFileAndItsJavaOptions() {
        ComposeFile compose = ComposeFile.load();
        for (String service : List.of("jobmanager", "taskmanager")) {
            // The entrypoint rewrites conf/config.yaml at start: nothing is mounted over it, read-only or not.
            assertThat(compose.mounts(service).values())
                    .as(service)
                    .noneMatch(path -> path.startsWith("/opt/flink/conf"));
            // The image's config.yaml sets env.java.opts.all to the --add-opens list Flink needs on Java 17;
            // setting it here would replace that list.
            assertThat(compose.flinkProperties(service).keySet())
                    .as(service)
                    .noneMatch(key -> key.startsWith("env.java.opts"));
        }
    }

    @Test
    void oneJobRunsInApplicationModeAndRecoversFromTheFlinkVolume() {
        ComposeFile compose = ComposeFile.load();
        // Application mode, one JobManager running the job's main from usrlib; nothing submits a second job.
        List<String> standaloneJobs = compose.services().keySet().stream()
                .filter(service -> compose.command(service).contains("standalone-job"))
                .toList();
        assertThat(standaloneJobs).containsExactly("jobmanager");
        assertThat(compose.command("jobmanager")).containsSubsequence("--job-classname", AvmonJob.class.getName());
        assertThat(Repository.read(Repository.COMPOSE_FILE)).doesNotContain("flink run");

        // HA: a restarted JobManager finds the job and its latest checkpoint.
        Map<String, String> flink = compose.flinkProperties("jobmanager");
        assertThat(flink).containsEntry("high-availability.type", "zookeeper");
        String quorumHost = flink.get("high-availability.zookeeper.quorum").split(":")[0];
        assertThat(compose.service(quorumHost)).containsKey("volumes");

        // Checkpoints, savepoints and HA data on the flink-data volume, which the flink user owns.
        String volumePath = compose.mounts("jobmanager").get("flink-data");
        assertThat(volumePath).isNotNull();
        assertThat(compose.mounts("taskmanager")).containsEntry("flink-data", volumePath);
        for (String key : List.of(
                "high-availability.storageDir",
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir")) {
            assertThat(flink.get(key)).as(key).startsWith("file://" + volumePath + "/");
        }
        Map<String, Object> owner = compose.service("flink-data-owner");
        assertThat(owner).containsEntry("user", "0");
        assertThat(String.valueOf(owner.get("entrypoint"))).contains("chown", "flink:flink", volumePath);
        assertThat(Repository.read(Repository.JOB_IMAGE_DOCKERFILE)).contains("chown flink:flink " + volumePath);
    }
}
