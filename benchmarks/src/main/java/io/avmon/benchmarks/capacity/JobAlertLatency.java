package io.avmon.benchmarks.capacity;

import io.avmon.benchmarks.DemoAlertLatency;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.ConverterMetrics;
import io.avmon.converter.FeaturePublisher;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How late OPENED events reach a read_committed consumer under load: N synthetic streams written in real time
 * ({@link LoadGenerator#writeLive}) while the production job (its own JVM, 10 s checkpoints) reads them, with the
 * delivery guarantee given. The latency of an OPENED event is its arrival minus the moment its defect had lasted
 * its minimum duration ({@link DemoAlertLatency#dueMs}). Generator, broker and job share this machine.
 *
 * <p>Usage: {@code java $(cat cli/target/launcher/jvm-options.txt) -cp "$BCP"
 * io.avmon.benchmarks.capacity.JobAlertLatency <streams> <seconds> <parallelism> <exactly-once|at-least-once>}
 */
public final class JobAlertLatency {

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int parallelism = Integer.parseInt(args[2]);
        String guarantee = args[3];
        Path dir = Files.createTempDirectory("avmon-alert-latency");
        LoadGenerator generator =
                new LoadGenerator(FeatureTemplate.clean(dir), FeatureTemplate.withBlack(dir), streams, 0.03, 11);
        DetectionProfile profile = DefectKind.defaultProfile();

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            JobProcess.createTopics(kafka);
            Process job = JobProcess.start(
                    dir, kafka.bootstrapServers(), parallelism, List.of("--delivery-guarantee", guarantee));
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            Thread consumer =
                    new Thread(() -> consume(kafka.bootstrapServers(), profile, running, latencies), "alert-consumer");
            consumer.start();
            // The job's first checkpoints and its start-up are not what is measured: let it settle first.
            Thread.sleep(15_000);
            if (!job.isAlive()) {
                throw new IllegalStateException("the job exited; see " + dir.resolve(JobProcess.LOG));
            }
            long written;
            try (FeaturePublisher publisher = new FeaturePublisher(
                    kafka.bootstrapServers(), Map.of(), new ConverterMetrics(), 64, FeaturePublisher.WhenFull.WAIT)) {
                long stopAt = System.nanoTime() + seconds * 1_000_000_000L;
                written = generator.writeLive(publisher, () -> System.nanoTime() < stopAt);
            }
            Thread.sleep(15_000);
            running.set(false);
            consumer.join();
            job.destroy();
            job.waitFor();

            List<Long> sorted;
            synchronized (latencies) {
                sorted = latencies.stream().sorted().toList();
            }
            System.out.printf(
                    Locale.ROOT,
                    "%n| streams | defective | parallelism | guarantee | seconds | records | OPENED events | p50 ms |"
                            + " p99 ms | max ms |%n|---|---|---|---|---|---|---|---|---|---|%n"
                            + "| %d | %d | %d | %s | %d | %d | %d | %s | %s | %s |%n",
                    streams,
                    generator.defectiveStreams(),
                    parallelism,
                    guarantee,
                    seconds,
                    written,
                    sorted.size(),
                    percentile(sorted, 0.50),
                    percentile(sorted, 0.99),
                    percentile(sorted, 1.0));
        }
    }

    private static String percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return "n/a";
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return String.valueOf(sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))));
    }

    private static void consume(
            String bootstrapServers, DetectionProfile profile, AtomicBoolean running, List<Long> latencies) {
        BinaryMessageDecoder<DefectEvent> decoder = RecordCodec.decoder(DefectEvent.class, null);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG, "alert-latency",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEFECTS));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long arrived = System.currentTimeMillis();
                    DefectEvent event = RecordCodec.decode(decoder, record.value());
                    if (event.getState() == DefectState.OPENED) {
                        latencies.add(arrived - DemoAlertLatency.dueMs(event, profile));
                    }
                }
            }
        }
    }

    private JobAlertLatency() {}
}
