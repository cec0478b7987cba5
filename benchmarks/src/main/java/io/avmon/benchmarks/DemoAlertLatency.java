package io.avmon.benchmarks;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Topics;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.DemoClip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How late the demo's alerts are: the demo's own set-up (embedded broker, the job on a MiniCluster with 1 s
 * checkpoints, the converter pacing the demo clip in real time), with a read_committed consumer noting when each
 * event arrives. An OPENED event is due the moment its defect has lasted its minimum duration, i.e. at
 * startWallClockMs + minDuration; a CLOSED event at endWallClockMs + recovery hold-off. The latency is arrival
 * minus due time.
 *
 * <p>Usage: {@code java -cp "benchmarks/target/classes:$(cat benchmarks/target/runtime-classpath.txt)" io.avmon.benchmarks.DemoAlertLatency [loops]}
 */
public final class DemoAlertLatency {

    public static void main(String[] args) throws Exception {
        int loops = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Path dir = Files.createTempDirectory("avmon-latency");
        Clip clip = DemoClip.write(dir);
        DetectionProfile profile = DefectKind.defaultProfile();

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 2);
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_PORT, "0");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            AvmonJob.define(env, JobOptions.fromArgs(new String[] {
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--checkpoint-interval-ms",
                "1000",
                "--starting-offsets",
                "earliest",
                "--parallelism",
                "1"
            }));
            JobClient job = env.executeAsync("avmon latency");

            List<String> rows = new ArrayList<>();
            List<Long> latencies = new ArrayList<>();
            Thread consumer =
                    new Thread(() -> consume(kafka.bootstrapServers(), profile, rows, latencies), "latency-consumer");
            consumer.setDaemon(true);
            consumer.start();

            try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                StreamRunner.Options options = StreamRunner.Options.of(
                                clip.file().toString(), "demo-channel")
                        .withRealtime(true);
                for (int loop = 0; loop < loops; loop++) {
                    new StreamRunner(options, publisher).run();
                }
            }
            Thread.sleep(5000);
            job.cancel().get();

            System.out.println("| event | defect | media start | due (min duration / hold-off) | latency |");
            System.out.println("|---|---|---|---|---|");
            synchronized (rows) {
                rows.forEach(System.out::println);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%nmax latency %d ms over %d events%n",
                    latencies.stream().mapToLong(Long::longValue).max().orElse(-1),
                    latencies.size());
        }
    }

    /**
     * When an event is due: an OPENED the moment its defect has lasted its minimum duration, a CLOSED once the
     * defect has been absent for its recovery hold-off. Both in the converter's wall clock.
     */
    public static long dueMs(DefectEvent event, DetectionProfile profile) {
        DetectionProfile.Policy policy = profile.policy(event.getDefectType());
        return event.getState() == DefectState.OPENED
                ? event.getStartWallClockMs() + policy.minDuration().toMillis()
                : event.getEndWallClockMs() + policy.recoveryHoldOff().toMillis();
    }

    private static void consume(String bootstrap, DetectionProfile profile, List<String> rows, List<Long> latencies) {
        BinaryMessageDecoder<DefectEvent> decoder = RecordCodec.decoder(DefectEvent.class, null);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "latency",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEFECTS));
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long arrived = System.currentTimeMillis();
                    DefectEvent d = RecordCodec.decode(decoder, record.value());
                    DetectionProfile.Policy policy = profile.policy(d.getDefectType());
                    boolean opened = d.getState() == DefectState.OPENED;
                    long due = dueMs(d, profile);
                    synchronized (rows) {
                        latencies.add(arrived - due);
                        rows.add(String.format(
                                Locale.ROOT,
                                "| %s | %s | %.2f s | %s | %d ms |",
                                d.getState(),
                                d.getDefectType(),
                                d.getStartMediaTimeMs() / 1000.0,
                                opened ? policy.minDuration() : policy.recoveryHoldOff(),
                                arrived - due));
                    }
                }
            }
        }
    }
}
