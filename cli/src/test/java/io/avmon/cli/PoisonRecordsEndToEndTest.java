package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.ConverterOptions;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.MediaConverter;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
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
 * Poison on the feature topic, end to end: the production job (AvmonJob on a MiniCluster, exactly-once sinks, Flink's
 * Prometheus reporter) reads one partition where a good stream's records, sent live by the converter, are
 * interleaved with every kind of bad record. Each bad record must reach the dead-letter topic byte for byte with its
 * cause, be counted under its cause, and leave the job running (no restart) and the good stream's defect detected.
 */
class PoisonRecordsEndToEndTest {

    private static final Pattern DEAD_LETTER_COUNT = Pattern.compile(
            "^flink_taskmanager_job_task_operator_cause_deadLetters\\{.*cause=\"([a-z_]+)\".*\\} (\\S+)$");
    private static final Pattern RESTARTS = Pattern.compile("^flink_jobmanager_job_numRestarts\\{.*\\} (\\S+)$");

    @TempDir
    Path dir;

    /** One bad record and the cause the job must give it. */
    private record Poison(String cause, byte[] key, byte[] value) {}

    @Test
    void everyPoisonRecordIsDeadLetteredWithItsCauseWhileTheGoodStreamIsJudgedAndTheJobNeverRestarts()
            throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(12)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("good.ts"));
        List<Poison> poison = poison(clip);

        int reporterPort = EmbeddedKafka.freePort();
        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            // One partition: the poison shares the good stream's partition, its watermark and its task.
            kafka.createTopics(Topics.ALL, 1);
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_PORT, "0");
            conf.setString("metrics.reporters", "prom");
            conf.setString(
                    "metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", String.valueOf(reporterPort));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            AvmonJob.define(env, JobOptions.fromArgs(new String[] {
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--checkpoint-interval-ms", "500",
                "--starting-offsets", "earliest",
                "--parallelism", "1"
            }));
            JobClient job = env.executeAsync("avmon poison");
            try {
                CompletableFuture<Void> goodStream = CompletableFuture.runAsync(() -> {
                    try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                        new StreamRunner(
                                        StreamRunner.Options.of(clip.file().toString(), "good")
                                                .withRealtime(true),
                                        publisher)
                                .run();
                    }
                });
                // Spread over the clip's 9 s of real time, so poison arrives before, inside and after the defect.
                try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
                    for (Poison p : poison) {
                        Thread.sleep(600);
                        producer.send(new ProducerRecord<>(Topics.FEATURES, p.key(), p.value()))
                                .get();
                    }
                }
                goodStream.get();

                List<ConsumerRecord<byte[], byte[]>> dead =
                        readDeadLetters(kafka.bootstrapServers(), poison.size(), Duration.ofSeconds(120));
                assertThat(dead).hasSize(poison.size());
                for (int i = 0; i < poison.size(); i++) {
                    ConsumerRecord<byte[], byte[]> letter = dead.get(i);
                    ReliabilityFigures.record(
                            "poison: record " + (i + 1) + ", made to be "
                                    + poison.get(i).cause(),
                            "dead-lettered as",
                            header(letter, "avmon.cause") + ": " + header(letter, "avmon.error"));
                    assertThat(letter.value())
                            .as("dead letter %d keeps the bytes", i)
                            .isEqualTo(poison.get(i).value());
                    assertThat(letter.key()).isEqualTo(poison.get(i).key());
                    assertThat(header(letter, "avmon.cause"))
                            .as("cause of poison %d (%s)", i, header(letter, "avmon.error"))
                            .isEqualTo(poison.get(i).cause());
                    assertThat(header(letter, "avmon.error")).isNotBlank().doesNotContain("\n");
                }

                List<DefectEvent> closed =
                        CommittedDefects.readClosed(kafka.bootstrapServers(), 1, Duration.ofSeconds(120));
                assertThat(closed)
                        .as("the good stream's black stretch, judged among the poison")
                        .anySatisfy(d -> {
                            assertThat(d.getStreamId()).isEqualTo("good");
                            assertThat(d.getDefectType()).isEqualTo(DefectType.BLACK_FRAMES);
                        });
                assertThat(closed).allSatisfy(d -> assertThat(d.getStreamId()).isEqualTo("good"));

                Map<String, Double> expectedCounts = new HashMap<>();
                poison.forEach(p -> expectedCounts.merge(p.cause(), 1.0, Double::sum));
                String metrics = scrape(reporterPort);
                assertThat(deadLetterCounts(metrics)).containsAllEntriesOf(expectedCounts);
                assertThat(deadLetterCounts(metrics)).as("counted once each").isEqualTo(expectedCounts);
                ReliabilityFigures.record("poison: all records", "job restarts", restarts(metrics));
                assertThat(restarts(metrics)).as("numRestarts").isEqualTo(0.0);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Every kind of bad record, most made from the clip's own features so only the one fault differs. */
    private static List<Poison> poison(Clip clip) throws Exception {
        VideoFrameFeatures frame = null;
        AudioBlockFeatures block = null;
        try (MediaConverter converter =
                MediaConverter.open(clip.file().toString(), ConverterOptions.forStream("poison"))) {
            SpecificRecord record;
            while ((frame == null || block == null) && (record = converter.next()) != null) {
                if (record instanceof VideoFrameFeatures v && frame == null) frame = v;
                if (record instanceof AudioBlockFeatures a && block == null) block = a;
            }
        }
        assertThat(frame).isNotNull();
        assertThat(block).isNotNull();
        long now = System.currentTimeMillis();
        List<Poison> poison = new ArrayList<>();
        poison.add(new Poison("not_avro", utf8("poison-garbage"), "not avro at all".getBytes(StandardCharsets.UTF_8)));
        byte[] unknown = RecordCodec.encode(copy(frame, "poison-unknown"));
        unknown[5] ^= 0x5A;
        poison.add(new Poison("unknown_schema", utf8("poison-unknown"), unknown));

        VideoFrameFeatures nan = copy(frame, "poison-nan");
        nan.setLumaMean(Float.NaN);
        poison.add(encoded("non_finite_measure", nan));
        AudioBlockFeatures infinite =
                AudioBlockFeatures.newBuilder(block).setStreamId("poison-inf").build();
        infinite.getChannels().get(0).setRmsDbfs(Float.NEGATIVE_INFINITY);
        poison.add(encoded("non_finite_measure", infinite));

        VideoFrameFeatures negative = copy(frame, "poison-size");
        negative.setWidth(-1920);
        poison.add(encoded("negative_size", negative));

        VideoFrameFeatures past = copy(frame, "poison-1970");
        past.setIngestTimeMs(0);
        poison.add(encoded("implausible_timestamp", past));
        VideoFrameFeatures future = copy(frame, "poison-2080");
        future.setIngestTimeMs(now + 54L * 365 * 86_400_000);
        poison.add(encoded("implausible_timestamp", future));

        poison.add(encoded("bad_stream_id", copy(frame, "x".repeat(10_240))));
        poison.add(encoded("bad_stream_id", copy(frame, "cam\u0000\n1")));
        poison.add(encoded("bad_stream_id", copy(frame, "../../etc/passwd")));
        poison.add(encoded("bad_stream_id", copy(frame, "site\\cam")));
        return poison;
    }

    private static VideoFrameFeatures copy(VideoFrameFeatures frame, String streamId) {
        return VideoFrameFeatures.newBuilder(frame)
                .setStreamId(streamId)
                .setIngestTimeMs(System.currentTimeMillis())
                .build();
    }

    private static Poison encoded(String cause, SpecificRecord record) {
        String streamId =
                record instanceof VideoFrameFeatures v ? v.getStreamId() : ((AudioBlockFeatures) record).getStreamId();
        return new Poison(cause, utf8(streamId), RecordCodec.encode(record));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(
            String bootstrapServers, int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dead-letters-" + System.nanoTime(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTER));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // A duplicate (a replay after a restart) would come after the expected set: keep listening a little.
            for (int i = 0; i < 4; i++) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The per-cause dead-letter counters, summed over subtasks. */
    private static Map<String, Double> deadLetterCounts(String metrics) {
        Map<String, Double> counts = new HashMap<>();
        for (String line : metrics.split("\n")) {
            Matcher m = DEAD_LETTER_COUNT.matcher(line);
            if (m.matches()) {
                counts.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return counts;
    }

    private static double restarts(String metrics) {
        for (String line : metrics.split("\n")) {
            Matcher m = RESTARTS.matcher(line);
            if (m.matches()) {
                return Double.parseDouble(m.group(1));
            }
        }
        throw new AssertionError("no flink_jobmanager_job_numRestarts in the reporter's output");
    }
}
