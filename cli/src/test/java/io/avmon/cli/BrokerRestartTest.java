package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.ConverterMetrics;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.FeatureSink;
import io.avmon.converter.StreamRunner;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The converter against a broker that goes away: stopped and restarted on the same port and data while a stream
 * is converted, and not yet started when {@code convert} starts. Decoding never waits for Kafka; what the send
 * buffer holds arrives in order once the broker is back; when it is full the oldest features go, counted.
 */
class BrokerRestartTest {
    private static final String HOST = "127.0.0.1";

    @TempDir
    static Path dir;

    private static Clip clip;

    @BeforeAll
    static void writeClip() throws Exception {
        clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(12)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("restart.ts"));
    }

    @Test
    @Timeout(300)
    void aRestartedBrokerGetsEveryBufferedFeatureInOrderAndDecodingNeverWaits() throws Exception {
        int port = EmbeddedKafka.freePort();
        Path data = dir.resolve("kafka-a");
        ConverterMetrics metrics = new ConverterMetrics();
        AtomicInteger handed = new AtomicInteger();
        EmbeddedKafka kafka = EmbeddedKafka.start(HOST, port, data, false);
        kafka.createTopics(Topics.ALL, 1);
        StreamRunner runner;
        Thread running;
        try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of(), metrics, 64)) {
            FeatureSink counting = record -> {
                handed.incrementAndGet();
                publisher.send(record);
            };
            runner = new StreamRunner(
                    StreamRunner.Options.of(clip.file().toString(), "restart")
                            .withRealtime(true)
                            .withLoop(true),
                    counting,
                    metrics);
            running = new Thread(runner, "restart-runner");
            running.start();
            await(() -> metrics.value("avmon_converter_records_sent", "restart") > 50, "records sent before");

            kafka.close();
            double framesAtStop = metrics.value("avmon_converter_video_frames", "restart");
            await(
                    () -> metrics.value("avmon_converter_video_frames", "restart") > framesAtStop + 100,
                    "100 frames decoded while the broker is down");
            kafka = EmbeddedKafka.start(HOST, port, data, false);
            await(() -> metrics.value("avmon_converter_video_frames", "restart") > framesAtStop + 150, "more frames");
            runner.stop();
            running.join();
            publisher.flush();
            assertThat(metrics.value("avmon_converter_records_dropped", "restart"))
                    .isZero();
            assertThat(metrics.value("avmon_converter_records_failed", "restart"))
                    .isZero();
        }
        try {
            List<byte[]> received = readAll(kafka, handed.get());
            List<Long> sequences = videoSequences(received);
            String scenario = "converter: broker restarted";
            ReliabilityFigures.record(scenario, "records handed to the publisher", handed.get());
            ReliabilityFigures.record(scenario, "records lost", handed.get() - received.size());
            ReliabilityFigures.record(
                    scenario, "video records duplicated", sequences.size() - new HashSet<>(sequences).size());
            assertThat(received).hasSize(handed.get());
            // Every frame, once, in order: nothing lost in the outage, nothing sent twice by the retries.
            assertThat(sequences)
                    .hasSize((int) metrics.value("avmon_converter_video_frames", "restart"))
                    .hasSizeGreaterThan(150);
            for (int i = 0; i < sequences.size(); i++) {
                assertThat(sequences.get(i)).isEqualTo(i);
            }
        } finally {
            kafka.close();
        }
    }

    @Test
    @Timeout(400)
    void aFullSendBufferDropsTheOldestFeaturesCountsThemAndKeepsTheNewest() throws Exception {
        int port = EmbeddedKafka.freePort();
        Path data = dir.resolve("kafka-b");
        ConverterMetrics metrics = new ConverterMetrics();
        AtomicInteger handed = new AtomicInteger();
        EmbeddedKafka kafka = EmbeddedKafka.start(HOST, port, data, false);
        kafka.createTopics(Topics.ALL, 1);
        // Kafka's own buffer made small too, so that a 1 MiB send buffer fills in seconds.
        Map<String, Object> smallProducer =
                Map.of(ProducerConfig.BUFFER_MEMORY_CONFIG, 65536, ProducerConfig.BATCH_SIZE_CONFIG, 16384);
        double framesAtFirstDrop;
        double framesAtRestart;
        try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), smallProducer, metrics, 1)) {
            FeatureSink counting = record -> {
                handed.incrementAndGet();
                publisher.send(record);
            };
            StreamRunner runner = new StreamRunner(
                    StreamRunner.Options.of(clip.file().toString(), "overflow").withLoop(true), counting, metrics);
            Thread running = new Thread(runner, "overflow-runner");
            running.start();
            await(() -> metrics.value("avmon_converter_records_sent", "overflow") > 50, "records sent before");

            kafka.close();
            await(() -> metrics.value("avmon_converter_records_dropped", "overflow") > 0, "a first drop");
            framesAtFirstDrop = metrics.value("avmon_converter_video_frames", "overflow");
            await(
                    () -> metrics.value("avmon_converter_video_frames", "overflow") > framesAtFirstDrop + 500,
                    "500 more frames decoded with the buffer full");
            // Decoding stops before the broker returns: this run decodes faster than real time, and would otherwise
            // overflow the buffer again while it drains, a second gap that says nothing about the outage.
            runner.stop();
            running.join();
            framesAtRestart = metrics.value("avmon_converter_video_frames", "overflow");
            kafka = EmbeddedKafka.start(HOST, port, data, false);
            double sentAtRestart = metrics.value("avmon_converter_records_sent", "overflow");
            await(
                    () -> metrics.value("avmon_converter_records_sent", "overflow") > sentAtRestart + 100,
                    "sending resumes");
            publisher.flush();
        }
        try {
            double sent = metrics.value("avmon_converter_records_sent", "overflow");
            double dropped = metrics.value("avmon_converter_records_dropped", "overflow");
            String scenario = "converter: broker down until the send buffer overflows";
            ReliabilityFigures.record(scenario, "records handed to the publisher", handed.get());
            ReliabilityFigures.record(scenario, "records dropped (oldest, counted)", dropped);
            ReliabilityFigures.record(scenario, "records neither sent nor counted", handed.get() - sent - dropped);
            assertThat(dropped).isGreaterThan(0);
            assertThat(metrics.value("avmon_converter_records_failed", "overflow"))
                    .isZero();
            assertThat(sent + dropped)
                    .as("every record handed over is sent or counted as dropped")
                    .isEqualTo(handed.get());
            List<byte[]> received = readAll(kafka, (int) sent);
            assertThat(received).hasSize((int) sent);

            List<Long> sequences = videoSequences(received);
            List<String> gaps = new ArrayList<>();
            for (int i = 1; i < sequences.size(); i++) {
                assertThat(sequences.get(i)).as("in order, once").isGreaterThan(sequences.get(i - 1));
                if (sequences.get(i) != sequences.get(i - 1) + 1) {
                    gaps.add(sequences.get(i - 1) + "->" + sequences.get(i));
                }
            }
            // One stretch is missing: what was oldest in the buffer. The frames decoded just before the broker came
            // back, long after the first drop, arrived: the newest were kept.
            assertThat(gaps).hasSize(1);
            assertThat(sequences)
                    .anyMatch(sequence -> sequence > framesAtFirstDrop + 100 && sequence < framesAtRestart);
        } finally {
            kafka.close();
        }
    }

    @Test
    @Timeout(180)
    void convertWaitsForABrokerThatIsNotUpYetWithOneLinePerAttempt() throws Exception {
        int port = EmbeddedKafka.freePort();
        String servers = HOST + ":" + port;
        StringWriter err = new StringWriter();
        CommandLine cli = AvmonCommand.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread convert = new Thread(
                () -> exitCode.set(cli.execute(
                        "convert",
                        "--bootstrap-servers",
                        servers,
                        "--metrics-port",
                        "0",
                        "--stream-id",
                        "late",
                        clip.file().toString())),
                "late-convert");
        convert.start();
        await(() -> err.toString().contains("retrying"), "a first retry line");

        try (EmbeddedKafka kafka = EmbeddedKafka.start(HOST, port, dir.resolve("kafka-c"), true)) {
            kafka.createTopics(Topics.ALL, 1);
            convert.join(Duration.ofSeconds(120).toMillis());

            assertThat(exitCode.get()).as(err.toString()).isEqualTo(ExitCodes.OK);
            List<String> lines = err.toString().lines().toList();
            assertThat(lines)
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line)
                            .startsWith("avmon: Kafka unreachable at " + servers + ": ")
                            .contains("; retrying in ")
                            .doesNotContain("Exception"));
            assertThat(readAll(kafka, 50)).hasSizeGreaterThanOrEqualTo(50);
        }
    }

    private static List<Long> videoSequences(List<byte[]> values) {
        long video = RecordCodec.fingerprint(VideoFrameFeatures.getClassSchema());
        List<Long> sequences = new ArrayList<>();
        for (byte[] value : values) {
            if (RecordCodec.writerFingerprint(value) == video) {
                try {
                    sequences.add(VideoFrameFeatures.getDecoder().decode(value).getSequence());
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return sequences;
    }

    private static List<byte[]> readAll(EmbeddedKafka kafka, int expected) {
        // A little longer, so that a duplicate beyond the expected count would show.
        return FeatureTopicReader.readUntil(
                        kafka.bootstrapServers(), received -> received.size() >= expected, Duration.ofSeconds(2))
                .stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
