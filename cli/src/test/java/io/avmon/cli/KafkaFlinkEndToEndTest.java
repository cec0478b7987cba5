package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production path end to end: converter -> real Kafka broker (KRaft, in-process) -> the job on a Flink
 * MiniCluster with exactly-once sinks -> a read_committed consumer, checked against the injected truth.
 */
class KafkaFlinkEndToEndTest {

    private static EmbeddedKafka kafka;

    @TempDir
    static Path tempDir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.startOnFreePort();
        kafka.createTopics(Topics.ALL, 2);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void defectsTravelFromConverterThroughKafkaAndFlinkToCommittedConsumers() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(7)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.SILENCE)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                tempDir.resolve("e2e.ts"));

        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        AvmonJob.define(env, JobOptions.fromArgs(new String[] {
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--checkpoint-interval-ms", "500",
            "--starting-offsets", "earliest",
            "--parallelism", "2"
        }));
        JobClient job = env.executeAsync("avmon e2e");
        try {
            try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                new StreamRunner(StreamRunner.Options.of(clip.file().toString(), "e2e"), publisher).run();
            }

            List<DefectEvent> closed =
                    CommittedDefects.readClosed(kafka.bootstrapServers(), 3, Duration.ofSeconds(120));

            TruthMatch match = TruthMatch.of(clip.truth(), closed, 0.5);
            assertThat(match.missed()).as("injected defects not reported").isEmpty();
            assertThat(match.falseAlarms())
                    .as("defects reported where none was injected")
                    .isEmpty();
            assertThat(match.timingErrors()).isEmpty();
            assertThat(closed).allSatisfy(d -> {
                assertThat(d.getStreamId()).isEqualTo("e2e");
                assertThat(d.getEventId()).isNotBlank();
                assertThat(d.getDetector()).isNotBlank();
            });
        } finally {
            job.cancel().get();
        }
    }
}
