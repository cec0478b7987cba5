package io.avmon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;
import org.apache.flink.container.entrypoint.StandaloneApplicationClusterConfigurationParserFactory;
import org.apache.flink.runtime.entrypoint.ClusterConfiguration;
import org.apache.flink.runtime.entrypoint.FlinkParseException;
import org.apache.flink.runtime.entrypoint.parser.CommandLineParser;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * What must agree across the compose file, the Kubernetes manifests, the images and the code: topic names,
 * partitions and settings, where the job jar is, and the flags the job is started with.
 */
class DeploymentAgreementTest {
    /** Where both deployments run the job jar from: Flink's application-mode directory in the job image. */
    static final String JOB_JAR_IN_IMAGE = "/opt/flink/usrlib/avmon-job.jar";

    private static final Pattern SHADED_JAR =
            Pattern.compile("<outputFile>\\$\\{project.build.directory}/([^<]+)</outputFile>");
    private static final Pattern JAR_COPY =
            Pattern.compile("(?m)^COPY --from=build \\S* ?/src/job/target/(\\S+) (\\S+)$");

    @Test
    void composeAndKubernetesCreateEveryTopicTheCodeNamesWithTheSamePartitionsAndSettings() {
        Map<String, Repository.TopicSettings> compose = ComposeFile.load().topics();
        Map<String, Repository.TopicSettings> kubernetes = Repository.kubernetesTopics();

        assertThat(compose.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        assertThat(kubernetes).isEqualTo(compose);
        assertThat(compose.get(Topics.CONTROL).partitions()).isEqualTo(1);
        assertThat(compose.get(Topics.CONTROL).config()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void everyTopicSettingIsOneKafkaDeclares() throws IllegalAccessException {
        Set<String> topicConfigs = new TreeSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (field.getName().endsWith("_CONFIG")) {
                topicConfigs.add((String) field.get(null));
            }
        }
        // Kafka refuses an unknown topic setting when compose applies it, but Strimzi only reports it in the
        // KafkaTopic's status: a misspelt retention would leave the broker's 7 days in force.
        ComposeFile.load()
                .topics()
                .forEach((name, settings) -> assertThat(topicConfigs)
                        .as(name)
                        .containsAll(settings.config().keySet()));
        Repository.kubernetesTopics()
                .forEach((name, settings) -> assertThat(topicConfigs)
                        .as(name)
                        .containsAll(settings.config().keySet()));
    }

    @Test
    void topicsHoldingFeatureRecordsKeepHoursNotDays() {
        Map<String, Repository.TopicSettings> topics = ComposeFile.load().topics();
        long day = 24L * 3600 * 1000;
        // Features, and dead letters, which are feature records the job could not decode.
        for (String topic : List.of(Topics.FEATURES, Topics.DEAD_LETTER)) {
            assertThat(Long.parseLong(topics.get(topic).config().get("retention.ms")))
                    .as(topic)
                    .isLessThanOrEqualTo(day);
        }
        // Every other topic says how long it keeps records too, or is compacted: none falls back to the broker's
        // default by omission.
        topics.forEach((name, settings) -> assertThat(settings.config().containsKey("retention.ms")
                        || "compact".equals(settings.config().get("cleanup.policy")))
                .as(name + " sets retention.ms or is compacted")
                .isTrue());
    }

    @Test
    void theJobJarTheBuildMakesIsTheOneBothDeploymentsRun() {
        Matcher shaded = SHADED_JAR.matcher(Repository.read(Repository.ROOT.resolve("job/pom.xml")));
        assertThat(shaded.find()).as("job/pom.xml names the shaded jar").isTrue();

        Matcher copy = JAR_COPY.matcher(Repository.read(Repository.JOB_IMAGE_DOCKERFILE));
        assertThat(copy.find()).as("deploy/flink/Dockerfile copies the job jar").isTrue();
        assertThat(copy.group(1)).isEqualTo(shaded.group(1));
        assertThat(copy.group(2)).isEqualTo(JOB_JAR_IN_IMAGE);

        ComposeFile compose = ComposeFile.load();
        for (String service : List.of("jobmanager", "taskmanager")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> build =
                    (Map<String, Object>) compose.service(service).get("build");
            assertThat(build).as(service).containsEntry("dockerfile", "deploy/flink/Dockerfile");
        }
    }

    @Test
    void composeAndKubernetesConfigureFlinkAlike() {
        Map<String, String> compose = ComposeFile.load().flinkProperties("jobmanager");
        JsonNode kubernetes = Repository.kubernetesDocuments("FlinkDeployment")
                .get(0)
                .path("spec")
                .path("flinkConfiguration");
        // Where they differ by design: the HA service, the storage (a volume, S3) and the cluster's size.
        for (String key : List.of(
                "state.backend.type",
                "restart-strategy.type",
                "taskmanager.numberOfTaskSlots",
                "execution.checkpointing.externalized-checkpoint-retention",
                "metrics.reporters",
                "metrics.reporter.prom.factory.class",
                "metrics.reporter.prom.port")) {
            assertThat(kubernetes.path(key).asText()).as(key).isEqualTo(compose.get(key));
        }
    }

    @Test
    void everyDeploymentStartsTheJobWithFlagsTheJobAcceptsAndTransactionalIdsNeverShared() throws Exception {
        JobOptions compose = JobOptions.fromArgs(composeJobArguments().toArray(String[]::new));
        JsonNode flinkDeployment =
                Repository.kubernetesDocuments("FlinkDeployment").get(0);
        List<String> kubernetesArgs = new ArrayList<>();
        flinkDeployment.path("spec").path("job").path("args").forEach(a -> kubernetesArgs.add(a.asText()));
        JobOptions kubernetes = JobOptions.fromArgs(kubernetesArgs.toArray(String[]::new));

        // Each deployment reaches its own Kafka: compose's internal listener, Strimzi's bootstrap service of the
        // cluster the KafkaTopics name.
        assertThat(compose.bootstrapServers()).isEqualTo("kafka:19092");
        String cluster = Repository.kubernetesDocuments("KafkaTopic")
                .get(0)
                .path("metadata")
                .path("labels")
                .path("strimzi.io/cluster")
                .asText();
        assertThat(kubernetes.bootstrapServers()).isEqualTo(cluster + "-kafka-bootstrap:9092");

        // The profile the job is pointed at is the one the job image carries.
        for (JobOptions options : List.of(compose, kubernetes)) {
            assertThat(options.profile()).isEqualTo("/opt/avmon/profiles/avmon-profile.yaml");
        }
        assertThat(Repository.read(Repository.JOB_IMAGE_DOCKERFILE))
                .contains("COPY --chown=flink:flink deploy/profiles/ /opt/avmon/profiles/");

        // One job per Kafka cluster, so no two jobs share transactional ids; each sink appends its own name.
        Map<String, List<String>> prefixesByKafka = new TreeMap<>();
        for (JobOptions options : List.of(compose, kubernetes)) {
            prefixesByKafka
                    .computeIfAbsent(options.bootstrapServers(), k -> new ArrayList<>())
                    .add(options.transactionalIdPrefix());
        }
        prefixesByKafka.forEach(
                (kafka, prefixes) -> assertThat(prefixes).as(kafka).doesNotHaveDuplicates());
        assertThat(Repository.kubernetesDocuments("FlinkDeployment")).hasSize(1);
    }

    @Test
    void notifyReadsTheJobsKafkaAndKeepsItsStateOnAClaim() {
        List<JsonNode> notifiers = Repository.kubernetesDeploymentsOf("avmon-notify");
        assertThat(notifiers).hasSize(1);
        JsonNode notify = notifiers.get(0);
        List<String> args = args(notify);
        assertThat(args.get(args.indexOf("--bootstrap-servers") + 1))
                .isEqualTo(JobOptions.fromArgs(kubernetesJobArguments()).bootstrapServers());
        assertThat(notify.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(notify.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
        String stateFile = args.get(args.indexOf("--state-file") + 1);
        JsonNode container = notify.at("/spec/template/spec/containers/0");
        String stateDir = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            if (stateFile.startsWith(mount.path("mountPath").asText() + "/")) {
                stateDir = mount.path("name").asText();
            }
        }
        assertThat(stateDir).as("a volume holds " + stateFile).isNotNull();
        String volume = stateDir;
        List<JsonNode> claims = Repository.kubernetesDocuments("PersistentVolumeClaim");
        JsonNode claimed = null;
        for (JsonNode v : notify.at("/spec/template/spec/volumes")) {
            if (v.path("name").asText().equals(volume)) {
                claimed = v.at("/persistentVolumeClaim/claimName");
            }
        }
        assertThat(claimed).as("the state volume is a claim").isNotNull();
        String claimName = claimed.asText();
        assertThat(claims)
                .anySatisfy(
                        claim -> assertThat(claim.at("/metadata/name").asText()).isEqualTo(claimName));
    }

    @Test
    void everyConverterFollowsTheTemplateWithItsOwnStreamAndTheJobsKafka() {
        List<JsonNode> converters = Repository.kubernetesDeploymentsOf("avmon-converter");
        assertThat(converters).hasSizeGreaterThanOrEqualTo(1);
        JsonNode template = converters.get(0);
        String templateStream = streamId(template);
        List<String> streams = new ArrayList<>();
        for (JsonNode converter : converters) {
            String stream = streamId(converter);
            streams.add(stream);
            JsonNode expected = readTree(withoutInput(template).toString().replace(templateStream, stream));
            assertThat(withoutInput(converter))
                    .as("converter of " + stream + " differs from the template only in stream id and input")
                    .isEqualTo(expected);
            assertThat(converter.path("spec").path("replicas").asInt()).isEqualTo(1);
            assertThat(converter.path("spec").path("strategy").path("type").asText())
                    .isEqualTo("Recreate");
            List<String> args = args(converter);
            assertThat(args.get(args.indexOf("--bootstrap-servers") + 1))
                    .isEqualTo(JobOptions.fromArgs(kubernetesJobArguments()).bootstrapServers());
        }
        assertThat(streams).doesNotHaveDuplicates();
    }

    /** The compose job image, the one the Kubernetes FlinkDeployment names too. */
    static String composeJobImage() {
        return String.valueOf(ComposeFile.load().service("jobmanager").get("image"));
    }

    /**
     * The arguments the JobManager hands the job's main: its command after {@code standalone-job}, parsed by the
     * parser of Flink's application entrypoint (what standalone-job.sh starts) as the container passes them.
     */
    static List<String> composeJobArguments() throws FlinkParseException, ParseException {
        List<String> command = ComposeFile.load().command("jobmanager");
        assertThat(command.get(0)).isEqualTo("standalone-job");
        List<String> entrypointArgs = new ArrayList<>(List.of("--configDir", "/opt/flink/conf"));
        entrypointArgs.addAll(command.subList(1, command.size()));
        String[] args = entrypointArgs.toArray(String[]::new);

        var factory = new StandaloneApplicationClusterConfigurationParserFactory();
        CommandLine options = new DefaultParser().parse(factory.getOptions(), args, true);
        assertThat(options.getOptionValue("job-classname")).isEqualTo(AvmonJob.class.getName());
        ClusterConfiguration parsed = new CommandLineParser<>(factory).parse(args);
        return List.of(parsed.getArgs());
    }

    private static String[] kubernetesJobArguments() {
        List<String> args = new ArrayList<>();
        Repository.kubernetesDocuments("FlinkDeployment")
                .get(0)
                .path("spec")
                .path("job")
                .path("args")
                .forEach(a -> args.add(a.asText()));
        return args.toArray(String[]::new);
    }

    private static List<String> args(JsonNode converter) {
        List<String> args = new ArrayList<>();
        converter
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("args")
                .forEach(a -> args.add(a.asText()));
        return args;
    }

    private static String streamId(JsonNode converter) {
        List<String> args = args(converter);
        String stream = args.get(args.indexOf("--stream-id") + 1);
        assertThat(converter
                        .path("metadata")
                        .path("labels")
                        .path("avmon.io/stream")
                        .asText())
                .isEqualTo(stream);
        return stream;
    }

    /** The converter with its input (the last argument) removed: inputs differ per channel by design. */
    private static JsonNode withoutInput(JsonNode converter) {
        JsonNode copy = converter.deepCopy();
        ArrayNode args = (ArrayNode) copy.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("args");
        args.remove(args.size() - 1);
        return copy;
    }

    private static JsonNode readTree(String json) {
        try {
            return StrictManifests.YAML.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
