package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.job.kafka.DeadLetterSerializer;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profiles change in a running job: a live stream (a clip looped in real time) goes through Kafka and the job on
 * a MiniCluster while profiles are published on the control topic; a malformed one goes to the dead letters and
 * the last good one stays in force. No restart anywhere.
 */
class ProfileControlTopicTest {

    private static final String BLACK_OFF = "defaults:\n  black-frames: { enabled: false }\n";
    private static final String BLACK_ON = "defaults:\n  black-frames: { enabled: true, min-duration: 2s }\n";
    private static final String MALFORMED = "defaults:\n  black-frames: { min-black-pixel-share: 95 }\n";

    @TempDir
    Path tempDir;

    @Test
    void aProfilePublishedOnTheControlTopicTakesEffectInTheRunningJob() throws Exception {
        // Each loop: 4 s of black, then 3 s of silence as a witness that the loop has been judged.
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(11)
                        .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.SILENCE)
                        .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                tempDir.resolve("loop.ts"));
        Path startProfile = Files.writeString(tempDir.resolve("start.yaml"), BLACK_OFF);
        Path blackOn = Files.writeString(tempDir.resolve("black-on.yaml"), BLACK_ON);

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 1);
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_PORT, "0");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            AvmonJob.define(env, JobOptions.fromArgs(new String[] {
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--checkpoint-interval-ms", "500",
                "--starting-offsets", "earliest",
                "--parallelism", "1",
                "--profile", startProfile.toString()
            }));
            JobClient job = env.executeAsync("avmon profiles");
            try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of());
                    StreamRunner live = new StreamRunner(
                            StreamRunner.Options.of(clip.file().toString(), "live-1")
                                    .withRealtime(true)
                                    .withLoop(true),
                            publisher);
                    CommittedDefects.Watch defects = new CommittedDefects.Watch(kafka.bootstrapServers())) {
                Thread converter = new Thread(live, "converter");
                converter.start();

                defects.awaitFirst(
                        closed(DefectType.AUDIO_SILENCE), Duration.ofSeconds(60), "silence witnessing the first loop");
                assertThat(defects.seen())
                        .as("black frames are off in the start profile")
                        .noneMatch(d -> d.getDefectType() == DefectType.BLACK_FRAMES);

                assertThat(run(
                                "profile",
                                "publish",
                                blackOn.toString(),
                                "--bootstrap-servers",
                                kafka.bootstrapServers()))
                        .startsWith("published profile ");
                DefectEvent black = defects.awaitFirst(
                        closed(DefectType.BLACK_FRAMES),
                        Duration.ofSeconds(60),
                        "black frames once the published profile enables them");
                assertThat(black.getStreamId()).isEqualTo("live-1");
                assertThat(black.getEndMediaTimeMs() - black.getStartMediaTimeMs())
                        .isBetween(2000L, 4600L);

                sendRaw(kafka.bootstrapServers(), MALFORMED);
                ConsumerRecord<byte[], byte[]> rejected = firstDeadLetter(kafka.bootstrapServers());
                assertThat(new String(rejected.value(), StandardCharsets.UTF_8)).isEqualTo(MALFORMED);
                assertThat(new String(
                                rejected.headers()
                                        .lastHeader(DeadLetterSerializer.ERROR_HEADER)
                                        .value(),
                                StandardCharsets.UTF_8))
                        .isEqualTo("profile rejected, the last good profile stays in force: "
                                + "defaults.black-frames.min-black-pixel-share: 95 is out of range (0 to 1)");

                int blackSoFar = count(defects.seen(), DefectType.BLACK_FRAMES);
                defects.awaitFirst(
                        d -> closed(DefectType.BLACK_FRAMES).test(d)
                                && count(defects.seen(), DefectType.BLACK_FRAMES) > blackSoFar,
                        Duration.ofSeconds(60),
                        "black frames still reported after the malformed profile");

                live.stop();
                converter.join(10_000);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static Predicate<DefectEvent> closed(DefectType type) {
        return d -> d.getDefectType() == type
                && d.getState() == DefectState.CLOSED
                && d.getStreamId().equals("live-1");
    }

    private static int count(List<DefectEvent> events, DefectType type) {
        return (int) events.stream().filter(closed(type)).count();
    }

    private static String run(String... args) {
        AnalyzeCommandTest.Result result = AnalyzeCommandTest.run(args);
        assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
        return result.out();
    }

    /** Straight to the topic, past the CLI's own check, as a careless producer would. */
    private static void sendRaw(String bootstrapServers, String document) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.CONTROL,
                            "profile".getBytes(StandardCharsets.UTF_8),
                            document.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    private static ConsumerRecord<byte[], byte[]> firstDeadLetter(String bootstrapServers) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dead-" + System.nanoTime(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTER));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    return record;
                }
            }
        }
        throw new AssertionError("no dead letter for the malformed profile within 60 s");
    }
}
