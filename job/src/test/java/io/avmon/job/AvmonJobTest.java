package io.avmon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avmon.job.defect.DefectKind;
import io.avmon.job.profile.ProfileBook;
import io.avmon.job.profile.ProfileYaml;
import io.avmon.schema.DefectType;
import io.avmon.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvmonJobTest {

    @Test
    void optionsDefaultToTheSharedTopicNames() {
        JobOptions options = JobOptions.defaults();
        assertThat(options.featuresTopic()).isEqualTo(Topics.FEATURES);
        assertThat(options.defectsTopic()).isEqualTo(Topics.DEFECTS);
        assertThat(options.healthTopic()).isEqualTo(Topics.HEALTH);
        assertThat(options.deadLetterTopic()).isEqualTo(Topics.DEAD_LETTER);
        assertThat(options.controlTopic()).isEqualTo(Topics.CONTROL);
        assertThat(options.profile()).isNull();
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.checkpointDir()).isNull();
        assertThat(options.startingOffsets()).isEqualTo(JobOptions.StartingOffsets.LATEST);
        assertThat(options.transactionalIdPrefix()).isEqualTo("avmon");
        assertThat(options.parallelism()).isEqualTo(JobOptions.DEFAULT_PARALLELISM);
        assertThat(options.consumerSettings()).isEmpty();
    }

    @Test
    void jsonMirrorsAreOffUntilTheirTopicIsNamed() {
        assertThat(JobOptions.defaults().mirrorsDefects()).isFalse();
        assertThat(JobOptions.defaults().mirrorsHealth()).isFalse();
        JobOptions options = JobOptions.fromArgs(
                new String[] {"--defects-json-topic", Topics.DEFECTS_JSON, "--health-json-topic", Topics.HEALTH_JSON});
        assertThat(options.defectsJsonTopic()).isEqualTo(Topics.DEFECTS_JSON);
        assertThat(options.healthJsonTopic()).isEqualTo(Topics.HEALTH_JSON);
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--defects-json-topic"}))
                .hasMessage("--defects-json-topic expects a topic name");
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--health-json-topic", " "}))
                .hasMessage("--health-json-topic expects a topic name");
    }

    @Test
    void stateRetentionDefaultsToTenMinutesAndIsCheckedAgainstItsRange() {
        assertThat(JobOptions.defaults().stateRetention()).isEqualTo(DefectKind.STATE_RETENTION);
        assertThat(JobOptions.fromArgs(new String[] {"--state-retention-ms", "20000"})
                        .stateRetention())
                .isEqualTo(Duration.ofSeconds(20));
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--state-retention-ms", "999"}))
                .hasMessage("--state-retention-ms must be 1000-604800000, not 999");
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--state-retention-ms", "604800001"}))
                .hasMessage("--state-retention-ms must be 1000-604800000, not 604800001");
    }

    @Test
    void theStateRetentionOptionReachesEveryProfileOfTheBook() {
        ProfileBook book = ProfileYaml.parse("streams:\n  news-1:\n    black-frames: { min-duration: 5s }\n");
        ProfileBook retained = book.withStateRetention(Duration.ofSeconds(20));
        assertThat(retained.defaults().stateRetention()).isEqualTo(Duration.ofSeconds(20));
        assertThat(retained.forStream("news-1").stateRetention()).isEqualTo(Duration.ofSeconds(20));
        assertThat(retained.forStream("news-1").policy(DefectType.BLACK_FRAMES).minDuration())
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void outputIsExactlyOnceUnlessAtLeastOnceIsAskedFor() {
        assertThat(JobOptions.defaults().deliveryGuarantee()).isEqualTo(JobOptions.DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(JobOptions.fromArgs(new String[] {"--delivery-guarantee", "at-least-once"})
                        .deliveryGuarantee())
                .isEqualTo(JobOptions.DeliveryGuarantee.AT_LEAST_ONCE);
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--delivery-guarantee", "none"}))
                .hasMessage("--delivery-guarantee must be exactly-once or at-least-once, not none");
    }

    @Test
    void optionsParseFlags() {
        JobOptions options = JobOptions.fromArgs(new String[] {
            "--bootstrap-servers",
            "kafka:9092",
            "--checkpoint-interval-ms",
            "2500",
            "--checkpoint-dir",
            "file:///tmp/cp",
            "--starting-offsets",
            "earliest",
            "--transactional-id-prefix",
            "avmon-eu",
            "--parallelism",
            "3",
            "--group-id",
            "g",
            "--defects-topic",
            "d",
            "--features-topic",
            "f",
            "--consumer.max.poll.records",
            "5000",
            "--consumer.fetch.max.bytes",
            "104857600"
        });
        assertThat(options.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(options.checkpointDir()).isEqualTo("file:///tmp/cp");
        assertThat(options.startingOffsets()).isEqualTo(JobOptions.StartingOffsets.EARLIEST);
        assertThat(options.transactionalIdPrefix()).isEqualTo("avmon-eu");
        assertThat(options.parallelism()).isEqualTo(3);
        assertThat(options.groupId()).isEqualTo("g");
        assertThat(options.defectsTopic()).isEqualTo("d");
        assertThat(options.featuresTopic()).isEqualTo("f");
        assertThat(options.consumerSettings())
                .containsExactlyInAnyOrderEntriesOf(Map.of("max.poll.records", "5000", "fetch.max.bytes", "104857600"));
    }

    @Test
    void kafkaClientSettingsComeFromTheFileAndRepeatedPairsAndTheirSecretsNeverPrint(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\nssl.truststore.password=trust-pw\n");
        JobOptions options = JobOptions.fromArgs(new String[] {
            "--kafka-properties",
            file.toString(),
            "--kafka-property",
            "sasl.mechanism=SCRAM-SHA-512",
            "--kafka-property",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\""
                    + " password=\"jaas-pw\";",
            "--consumer.max.poll.records",
            "5000"
        });
        assertThat(options.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.password", "trust-pw")
                .containsKey("sasl.jaas.config");
        assertThat(options.consumerSettings()).containsExactly(Map.entry("max.poll.records", "5000"));
        assertThat(options.toString())
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]")
                .doesNotContain("trust-pw", "jaas-pw");
    }

    @Test
    void unknownOrInvalidFlagsAreRejected() {
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--bootstrap-server", "x"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap-server");
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--starting-offsets", "middle"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latest or earliest");
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--checkpoint-interval-ms", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theThreeTopicFlagsOfEarlierReleasesAreRejectedNamingTheirReplacement() {
        assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--video-topic", "v", "--status-topic", "s"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "--status-topic, --video-topic: the three feature topics are now one, --features-topic")
                .hasMessageContaining(Topics.FEATURES);
    }

    @Test
    void theProfileFileIsReadWhenTheJobIsDefinedAndABadOneStopsIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path good = Files.writeString(
                dir.resolve("good.yaml"), "streams:\n  slate: { frozen-frames: { enabled: false } }\n");
        assertThat(AvmonJob.startBook(JobOptions.fromArgs(new String[] {"--profile", good.toString()}))
                        .overriddenStreams())
                .containsExactly("slate");
        assertThat(AvmonJob.startBook(JobOptions.defaults()).defaults()).isEqualTo(DefectKind.defaultProfile());

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "defaults:\n  black-frames: { enabled: maybe }\n");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(new Configuration());
        assertThatThrownBy(() -> AvmonJob.define(env, JobOptions.fromArgs(new String[] {"--profile", bad.toString()})))
                .hasMessage(bad + ": defaults.black-frames.enabled: must be true or false, not \"maybe\"");
        Path outOfRange = Files.writeString(
                dir.resolve("range.yaml"), "defaults:\n  black-frames: { min-black-pixel-share: 95 }\n");
        assertThatThrownBy(() ->
                        AvmonJob.define(env, JobOptions.fromArgs(new String[] {"--profile", outOfRange.toString()})))
                .hasMessage(
                        outOfRange + ": " + "defaults.black-frames.min-black-pixel-share: 95 is out of range (0 to 1)");
    }

    @Test
    void defineWiresKafkaAroundTheTopologyWithExactlyOnceCheckpointing() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(new Configuration());
        AvmonJob.define(env, JobOptions.fromArgs(new String[] {
            "--checkpoint-interval-ms",
            "5000",
            "--parallelism",
            "2",
            "--checkpoint-dir",
            "file:///tmp/avmon-test-checkpoints"
        }));

        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(5000);
        assertThat(env.getCheckpointConfig().getCheckpointingConsistencyMode())
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(env.getConfiguration().get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND))
                .isEqualTo("hashmap");
        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(env.getParallelism()).isEqualTo(2);

        StreamGraph graph = env.getStreamGraph();
        List<String> names = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            names.add(node.getOperatorName());
            assertThat(node.getTransformationUID())
                    .as("uid of %s", node.getOperatorName())
                    .isNotBlank();
        }
        assertThat(String.join(",", names))
                .contains(
                        "Kafka features",
                        "Kafka control",
                        "Check profiles",
                        "Kafka defects",
                        "Kafka health",
                        "Kafka dead letters");
        List<String> vertices = new ArrayList<>();
        for (JobVertex v : graph.getJobGraph().getVertices()) vertices.add(v.getName());
        assertThat(vertices).anySatisfy(v -> assertThat(v).contains("Kafka features", "Route dead letters"));
        assertThat(vertices)
                .anySatisfy(
                        v -> assertThat(v)
                                .contains(
                                        "Attach profiles -> BlackFrameDetector -> ColorBarsDetector -> FrozenFrameDetector -> BlockCorruptionDetector -> FrameDropDetector"
                                                + " -> AudioSilenceDetector -> AudioClippingDetector"
                                                + " -> AudioChannelLossDetector -> LoudnessDetector -> AvSyncDetector -> DefectLifecycle -> StreamStallDetector"));
    }
}
