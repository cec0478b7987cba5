package io.avmon.benchmarks.capacity;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.ConverterMetrics;
import io.avmon.converter.FeaturePublisher;
import io.avmon.job.AvmonJob;
import io.avmon.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the job costs per stream: a backlog of {@code seconds} of N synthetic streams ({@link LoadGenerator}) is
 * written into a real broker, then the production job ({@link AvmonJob#main}, in a JVM of its own, so its CPU
 * time is its own) reads it at parallelism P as it would in production: 10 s checkpoints on the hashmap backend,
 * exactly-once sinks. Reading a backlog as fast as it can, the job's CPU time per record is its cost per record;
 * a stream costs 35 records a second, so records per CPU-second / 35 is the streams one core sustains.
 *
 * <p>Figures: records per CPU-second and per wall-second between the first checkpoint that committed offsets after
 * the job's {@link #WARM_UP} and the one that reached the end of the backlog (so the backlog must outlast the warm-up:
 * 60 s of 1,000 streams or more); the size of that last checkpoint (all N streams' state) per
 * stream; checkpoint durations; the job JVM's heap after a full GC.
 *
 * <p>Usage: {@code java $(cat cli/target/launcher/jvm-options.txt) -cp "$BCP"
 * io.avmon.benchmarks.capacity.JobCapacity <streams> <seconds> <parallelism> [defective share, 0.03]}
 */
public final class JobCapacity {

    /**
     * The job's first half minute is not measured: its JIT compiles Flink, Kafka, Avro and the detectors then, a few
     * CPU-seconds that a long-running job pays once. Measured from the first commit, a backlog read in 15 s showed
     * 40,000 records per CPU-second where the same build ran live at 60,000 to 70,000.
     */
    static final Duration WARM_UP = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int parallelism = Integer.parseInt(args[2]);
        double defectiveShare = args.length > 3 ? Double.parseDouble(args[3]) : 0.03;
        Path dir = Files.createTempDirectory("avmon-capacity");

        FeatureTemplate clean = FeatureTemplate.clean(dir);
        FeatureTemplate withBlack = FeatureTemplate.withBlack(dir);
        LoadGenerator generator = new LoadGenerator(clean, withBlack, streams, defectiveShare, 7);

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort();
                // One client for the run: one per poll would leave a client's threads and connections behind each time.
                Admin admin = kafka.admin()) {
            JobProcess.createTopics(kafka);
            long writeStart = System.nanoTime();
            long written;
            try (FeaturePublisher publisher = new FeaturePublisher(
                    kafka.bootstrapServers(), Map.of(), new ConverterMetrics(), 64, FeaturePublisher.WhenFull.WAIT)) {
                written = generator.writeBacklog(publisher, System.currentTimeMillis() - seconds * 1000L, seconds);
                publisher.flush();
            }
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
            long end = JobProcess.featureEndOffset(admin);
            long topicBytes = featureTopicBytes(admin);

            Process job = JobProcess.start(dir, kafka.bootstrapServers(), parallelism, List.of());
            long jobStart = System.nanoTime();

            long ticksPerSecond = JobProcess.ticksPerSecond();
            long firstCommitted = -1;
            long firstTicks = 0;
            long firstNanos = 0;
            long committed = 0;
            long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000L;
            while (committed < end && System.nanoTime() < deadline && job.isAlive()) {
                Thread.sleep(200);
                committed = JobProcess.committedOffset(admin);
                if (firstCommitted < 0 && committed > 0 && System.nanoTime() - jobStart >= WARM_UP.toNanos()) {
                    firstCommitted = committed;
                    firstTicks = JobProcess.cpuTicks(job.pid());
                    firstNanos = System.nanoTime();
                }
            }
            long lastTicks = JobProcess.cpuTicks(job.pid());
            long lastNanos = System.nanoTime();
            if (committed < end) {
                job.destroyForcibly();
                throw new IllegalStateException(
                        "the job read " + committed + " of " + end + " records; see " + dir.resolve(JobProcess.LOG));
            }
            int defectEvents = committedDefectEvents(kafka.bootstrapServers());
            long heapKib = JobProcess.usedHeapAfterFullGcKib(job.pid());
            job.destroy();
            job.waitFor();

            long records = committed - firstCommitted;
            double cpuSeconds = (lastTicks - firstTicks) / (double) ticksPerSecond;
            double wallSeconds = (lastNanos - firstNanos) / 1e9;
            double perCpuSecond = records / cpuSeconds;
            List<JobProcess.Checkpoint> completed = JobProcess.completedCheckpoints(dir);
            long lastBytes = completed.isEmpty()
                    ? -1
                    : completed.get(completed.size() - 1).bytes();
            List<Long> durations = completed.stream()
                    .map(JobProcess.Checkpoint::durationMs)
                    .sorted()
                    .toList();

            System.out.printf(
                    Locale.ROOT,
                    "%n| streams | defective | parallelism | backlog | records | job CPU s | wall s | records/CPU-s"
                            + " | records/s | streams/core | checkpoint bytes/stream | checkpoint ms (median, max)"
                            + " | heap after GC | defect events |%n");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %d | %d | %d s (%d records, %.0f B each on the broker, written in %.0f s) | %d | %.1f | %.1f"
                            + " | %.0f | %.0f | %.0f"
                            + " | %s | %s | %s | %d |%n",
                    streams,
                    generator.defectiveStreams(),
                    parallelism,
                    seconds,
                    written,
                    topicBytes / (double) end,
                    writeSeconds,
                    records,
                    cpuSeconds,
                    wallSeconds,
                    perCpuSecond,
                    records / wallSeconds,
                    perCpuSecond / LoadGenerator.RECORDS_PER_STREAM_SECOND,
                    lastBytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", lastBytes / (double) streams),
                    durations.isEmpty()
                            ? "n/a"
                            : durations.get(durations.size() / 2) + ", " + durations.get(durations.size() - 1),
                    heapKib < 0 ? "n/a" : (heapKib / 1024) + " MB",
                    defectEvents);
        }
    }

    /** The defect events committed so far: the backlog's defective streams open and close theirs every loop. */
    private static int committedDefectEvents(String bootstrapServers) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEFECTS).stream()
                    .map(p -> new TopicPartition(Topics.DEFECTS, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int events = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                events += consumer.poll(Duration.ofMillis(500)).count();
            }
            return events;
        }
    }

    /** The feature topic's size in the broker's log directories: records as stored, lz4-compressed in batches. */
    private static long featureTopicBytes(Admin admin) throws Exception {
        List<Integer> brokers = admin.describeCluster().nodes().get().stream()
                .map(node -> node.id())
                .toList();
        long bytes = 0;
        for (var logDirs :
                admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (var logDir : logDirs.values()) {
                for (var replica : logDir.replicaInfos().entrySet()) {
                    if (replica.getKey().topic().equals(Topics.FEATURES)) {
                        bytes += replica.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    private JobCapacity() {}
}
