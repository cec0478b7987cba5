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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The job under a live load: N synthetic streams written in real time ({@link LoadGenerator#writeLive}) for a
 * while, as converters write them, and the production job (its own JVM, 10 s checkpoints) reading them with the
 * delivery guarantee given. Generator, broker and job share this machine. It answers three questions:
 * <ul>
 *   <li><b>Does the job keep up?</b> Its lag (records written minus feature offsets its consumer group committed,
 *       which it does on each checkpoint) is sampled every {@link #SAMPLE_MS} and stated in seconds of input. The
 *       job commits once per checkpoint, so a job that keeps up shows a saw tooth of about one checkpoint interval;
 *       one that does not shows a lag that grows. Sustained means: the least-squares slope of the lag after the
 *       first minute (start-up, first checkpoints) is under {@link #MAX_LAG_GROWTH} seconds of input per minute,
 *       and the generator wrote what real time asked of it.</li>
 *   <li><b>What does it cost?</b> The job JVM's CPU (utime+stime) over the same stretch, in cores; its heap after a
 *       full GC at the end; checkpoint size per stream and duration.</li>
 *   <li><b>How late do alerts arrive?</b> OPENED arrival at a read_committed consumer minus the moment the defect
 *       had lasted its minimum duration ({@link DemoAlertLatency#dueMs}), p50 and p99, for defects due after the
 *       first minute. Records carry the time they were due as their ingest time, so the generator's own lateness
 *       (reported beside) counts in it: on a machine too busy to write in real time the figure is not the job's.</li>
 * </ul>
 *
 * <p>Usage: {@code java $(cat cli/target/launcher/jvm-options.txt) -cp "$BCP"
 * io.avmon.benchmarks.capacity.JobLiveLoad <streams> <seconds> <parallelism> <exactly-once|at-least-once>}
 */
public final class JobLiveLoad {

    static final long SAMPLE_MS = 5_000;
    /** Seconds of input per minute: a job that falls 1.7% behind its input, or more, is not keeping up. */
    static final double MAX_LAG_GROWTH = 1.0;
    /** Lag samples before this are start-up: the job's first checkpoints, its JIT, the generator's own start. */
    static final long WARM_UP_MS = 60_000;

    /** One sample: when (ms since writing began), records committed and lag behind the input, the job's CPU ticks. */
    record Sample(long atMs, long committedRecords, long lagRecords, long cpuTicks) {}

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int parallelism = Integer.parseInt(args[2]);
        String guarantee = args[3];
        Path dir = Files.createTempDirectory("avmon-live-load");
        LoadGenerator generator =
                new LoadGenerator(FeatureTemplate.clean(dir), FeatureTemplate.withBlack(dir), streams, 0.03, 11);
        DetectionProfile profile = DefectKind.defaultProfile();
        double recordsPerSecond = streams * (double) LoadGenerator.RECORDS_PER_STREAM_SECOND;

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            JobProcess.createTopics(kafka);
            Process job = JobProcess.start(
                    dir, kafka.bootstrapServers(), parallelism, List.of("--delivery-guarantee", guarantee));
            List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            Thread consumer =
                    new Thread(() -> consume(kafka.bootstrapServers(), profile, running, alerts), "alert-consumer");
            consumer.start();
            // The job's start-up is not what is measured: let it settle first.
            Thread.sleep(15_000);
            if (!job.isAlive()) {
                throw new IllegalStateException("the job exited; see " + dir.resolve(JobProcess.LOG));
            }
            List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
            long writeStart = System.currentTimeMillis();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> sample(kafka, job.pid(), writeStart, writing, samples), "lag-sampler");
            sampler.start();
            long written;
            List<Long> generatorLateness = new ArrayList<>();
            try (FeaturePublisher publisher = new FeaturePublisher(
                    kafka.bootstrapServers(), Map.of(), new ConverterMetrics(), 64, FeaturePublisher.WhenFull.WAIT)) {
                long stopAt = writeStart + seconds * 1000L;
                written = generator.writeLive(publisher, () -> System.currentTimeMillis() < stopAt, late -> {
                    if (System.currentTimeMillis() - writeStart >= WARM_UP_MS) {
                        generatorLateness.add(late);
                    }
                });
            }
            double writeSeconds = (System.currentTimeMillis() - writeStart) / 1000.0;
            writing.set(false);
            sampler.join();
            long heapKib = JobProcess.usedHeapAfterFullGcKib(job.pid());
            Thread.sleep(15_000);
            running.set(false);
            consumer.join();
            job.destroy();
            job.waitFor();

            List<Sample> measured;
            synchronized (samples) {
                measured = samples.stream().filter(s -> s.atMs() >= WARM_UP_MS).toList();
            }
            // Alerts due in the warm-up are start-up, as the lag samples there are.
            List<Long> sorted;
            synchronized (alerts) {
                sorted = alerts.stream()
                        .filter(a -> a.arrivedMs() - a.latencyMs() >= writeStart + WARM_UP_MS)
                        .map(Alert::latencyMs)
                        .sorted()
                        .toList();
            }
            List<JobProcess.Checkpoint> checkpoints = JobProcess.completedCheckpoints(dir);
            report(
                    streams,
                    generator.defectiveStreams(),
                    parallelism,
                    guarantee,
                    seconds,
                    written,
                    written / (recordsPerSecond * writeSeconds),
                    measured,
                    recordsPerSecond,
                    JobProcess.ticksPerSecond(),
                    heapKib,
                    checkpoints,
                    sorted,
                    generatorLateness.stream().sorted().toList());
            System.out.println("\nOPENED events (s since writing began at arrival, latency ms, stream, type):");
            synchronized (alerts) {
                for (Alert a : alerts) {
                    System.out.printf(
                            Locale.ROOT,
                            "%.1f %d %s %s%n",
                            (a.arrivedMs() - writeStart) / 1000.0,
                            a.latencyMs(),
                            a.streamId(),
                            a.type());
                }
            }
            System.out.println("\nLag samples (s since writing began, lag in seconds of input):");
            synchronized (samples) {
                for (Sample s : samples) {
                    System.out.printf(Locale.ROOT, "%d %.1f%n", s.atMs() / 1000, s.lagRecords() / recordsPerSecond);
                }
            }
        }
    }

    private static void report(
            int streams,
            int defective,
            int parallelism,
            String guarantee,
            int seconds,
            long written,
            double generatorShare,
            List<Sample> measured,
            double recordsPerSecond,
            long ticksPerSecond,
            long heapKib,
            List<JobProcess.Checkpoint> checkpoints,
            List<Long> latencies,
            List<Long> lateness) {
        double slope = lagSlopePerMinute(measured, recordsPerSecond);
        double maxLag = measured.stream().mapToLong(Sample::lagRecords).max().orElse(-1) / recordsPerSecond;
        double cores = Double.NaN;
        double perCpuSecond = Double.NaN;
        if (measured.size() >= 2) {
            Sample first = measured.get(0);
            Sample last = measured.get(measured.size() - 1);
            double cpuSeconds = (last.cpuTicks() - first.cpuTicks()) / (double) ticksPerSecond;
            cores = cpuSeconds / ((last.atMs() - first.atMs()) / 1000.0);
            // What it committed, not what came in: a job that falls behind reads less than the input.
            perCpuSecond = (last.committedRecords() - first.committedRecords()) / cpuSeconds;
        }
        boolean sustained = !Double.isNaN(slope) && slope < MAX_LAG_GROWTH && generatorShare >= 0.99;
        List<Long> durations = checkpoints.stream()
                .map(JobProcess.Checkpoint::durationMs)
                .sorted()
                .toList();
        long lastBytes = checkpoints.isEmpty()
                ? -1
                : checkpoints.get(checkpoints.size() - 1).bytes();
        System.out.printf(
                Locale.ROOT,
                "%n| streams | defective | parallelism | guarantee | seconds | records/s | generator on time"
                        + " | lag growth (s of input per min) | max lag (s) | sustained | job cores | records/CPU-s"
                        + " | heap after GC | checkpoint bytes/stream | checkpoint ms (median, max)"
                        + " | OPENED events | p50 ms | p99 ms | max ms | generator late p99, max ms |%n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n"
                        + "| %d | %d | %d | %s | %d | %.0f | %.1f%% | %+.2f | %.1f | %s | %.2f | %.0f | %s | %s | %s"
                        + " | %d | %s | %s | %s | %s, %s |%n",
                streams,
                defective,
                parallelism,
                guarantee,
                seconds,
                written / (double) seconds,
                100 * generatorShare,
                slope,
                maxLag,
                sustained ? "**yes**" : "no",
                cores,
                perCpuSecond,
                heapKib < 0 ? "n/a" : (heapKib / 1024) + " MB",
                lastBytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", lastBytes / (double) streams),
                durations.isEmpty()
                        ? "n/a"
                        : durations.get(durations.size() / 2) + ", " + durations.get(durations.size() - 1),
                latencies.size(),
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                percentile(latencies, 1.0),
                percentile(lateness, 0.99),
                percentile(lateness, 1.0));
    }

    /** Least-squares slope of the lag over time, in seconds of input per minute; NaN with fewer than 2 samples. */
    static double lagSlopePerMinute(List<Sample> samples, double recordsPerSecond) {
        int n = samples.size();
        if (n < 2) {
            return Double.NaN;
        }
        double meanT =
                samples.stream().mapToDouble(s -> s.atMs() / 60_000.0).average().orElseThrow();
        double meanLag = samples.stream()
                .mapToDouble(s -> s.lagRecords() / recordsPerSecond)
                .average()
                .orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (Sample s : samples) {
            double dt = s.atMs() / 60_000.0 - meanT;
            covariance += dt * (s.lagRecords() / recordsPerSecond - meanLag);
            variance += dt * dt;
        }
        return covariance / variance;
    }

    private static void sample(
            EmbeddedKafka kafka, long pid, long writeStart, AtomicBoolean writing, List<Sample> samples) {
        try (Admin admin = kafka.admin()) {
            while (writing.get()) {
                long committed = JobProcess.committedOffset(admin);
                long lag = JobProcess.featureEndOffset(admin) - committed;
                samples.add(
                        new Sample(System.currentTimeMillis() - writeStart, committed, lag, JobProcess.cpuTicks(pid)));
                Thread.sleep(SAMPLE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("lag sampling failed: " + e.getMessage(), e);
        }
    }

    private static String percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return "n/a";
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return String.valueOf(sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))));
    }

    /** One OPENED event as the consumer read it: arrival (epoch ms), latency, its stream and type. */
    record Alert(long arrivedMs, long latencyMs, String streamId, String type) {}

    private static void consume(
            String bootstrapServers, DetectionProfile profile, AtomicBoolean running, List<Alert> alerts) {
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
                        alerts.add(new Alert(
                                arrived,
                                arrived - DemoAlertLatency.dueMs(event, profile),
                                event.getStreamId(),
                                event.getDefectType().name()));
                    }
                }
            }
        }
    }

    private JobLiveLoad() {}
}
