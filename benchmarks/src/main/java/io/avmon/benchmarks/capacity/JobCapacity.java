package io.avmon.benchmarks.capacity;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.ConverterMetrics;
import io.avmon.converter.FeaturePublisher;
import io.avmon.job.AvmonJob;
import io.avmon.schema.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the job costs per stream: a backlog of {@code seconds} of N synthetic streams ({@link LoadGenerator}) is
 * written into a real broker, then the production job ({@link AvmonJob#main}, in a JVM of its own, so its CPU
 * time is its own) reads it at parallelism P as it would in production: 10 s checkpoints on the hashmap backend,
 * exactly-once sinks. Reading a backlog as fast as it can, the job's CPU time per record is its cost per record;
 * a stream costs 35 records a second, so records per CPU-second / 35 is the streams one core sustains.
 *
 * <p>Figures: records per CPU-second and per wall-second between the first checkpoint that committed offsets and
 * the one that reached the end of the backlog; the size of that last checkpoint (all N streams' state) per
 * stream; checkpoint durations; the job JVM's heap after a full GC.
 *
 * <p>Usage: {@code java $(cat cli/target/launcher/jvm-options.txt) -cp "$BCP"
 * io.avmon.benchmarks.capacity.JobCapacity <streams> <seconds> <parallelism> [defective share, 0.03]}
 */
public final class JobCapacity {

    private static final Pattern COMPLETED =
            Pattern.compile("Completed checkpoint (\\d+) for job \\w+ \\((\\d+) bytes, checkpointDuration=(\\d+) ms");
    private static final String GROUP = "avmon-job";
    static final int FEATURE_PARTITIONS = 8;
    /** The job JVM's output, in the run's directory: its checkpoint lines, and any error. */
    static final String JOB_LOG = "job.log";

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int parallelism = Integer.parseInt(args[2]);
        double defectiveShare = args.length > 3 ? Double.parseDouble(args[3]) : 0.03;
        Path dir = Files.createTempDirectory("avmon-capacity");

        FeatureTemplate clean = FeatureTemplate.clean(dir);
        FeatureTemplate withBlack = FeatureTemplate.withBlack(dir);
        LoadGenerator generator = new LoadGenerator(clean, withBlack, streams, defectiveShare, 7);

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(List.of(Topics.FEATURES), FEATURE_PARTITIONS);
            kafka.createTopics(
                    Topics.ALL.stream().filter(t -> !t.equals(Topics.FEATURES)).toList(), 4);
            long writeStart = System.nanoTime();
            long written;
            try (FeaturePublisher publisher = new FeaturePublisher(
                    kafka.bootstrapServers(), Map.of(), new ConverterMetrics(), 64, FeaturePublisher.WhenFull.WAIT)) {
                written = generator.writeBacklog(publisher, System.currentTimeMillis() - seconds * 1000L, seconds);
                publisher.flush();
            }
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
            long end = endOffset(kafka.admin());
            long topicBytes = featureTopicBytes(kafka.admin());

            Process job = startJob(dir, kafka.bootstrapServers(), parallelism, List.of());

            long ticksPerSecond = Long.parseLong(run("getconf", "CLK_TCK").strip());
            long firstCommitted = -1;
            long firstTicks = 0;
            long firstNanos = 0;
            long committed = 0;
            long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000L;
            while (committed < end && System.nanoTime() < deadline && job.isAlive()) {
                Thread.sleep(200);
                committed = committedOffset(kafka.admin());
                if (firstCommitted < 0 && committed > 0) {
                    firstCommitted = committed;
                    firstTicks = cpuTicks(job.pid());
                    firstNanos = System.nanoTime();
                }
            }
            long lastTicks = cpuTicks(job.pid());
            long lastNanos = System.nanoTime();
            if (committed < end) {
                job.destroyForcibly();
                throw new IllegalStateException(
                        "the job read " + committed + " of " + end + " records; see " + dir.resolve(JOB_LOG));
            }
            int defectEvents = committedDefectEvents(kafka.bootstrapServers());
            run("jcmd", String.valueOf(job.pid()), "GC.run");
            String heap = run("jcmd", String.valueOf(job.pid()), "GC.heap_info");
            job.destroy();
            job.waitFor();

            long records = committed - firstCommitted;
            double cpuSeconds = (lastTicks - firstTicks) / (double) ticksPerSecond;
            double wallSeconds = (lastNanos - firstNanos) / 1e9;
            double perCpuSecond = records / cpuSeconds;
            List<long[]> completed = new ArrayList<>();
            // Latin-1 reads any byte: native libraries may write some that are not UTF-8.
            for (String line : Files.readAllLines(dir.resolve(JOB_LOG), StandardCharsets.ISO_8859_1)) {
                Matcher m = COMPLETED.matcher(line);
                if (m.find()) {
                    completed.add(new long[] {
                        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))
                    });
                }
            }
            long lastBytes = completed.isEmpty() ? -1 : completed.get(completed.size() - 1)[1];
            List<Long> durations = completed.stream().map(c -> c[2]).sorted().toList();

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
                    usedHeap(heap),
                    defectEvents);
        }
    }

    /** The production job in a JVM of its own, reading from the start, with 10 s checkpoints and any extra flags. */
    static Process startJob(Path dir, String bootstrapServers, int parallelism, List<String> jobFlags)
            throws IOException {
        Path log4j = dir.resolve("log4j2-capacity.xml");
        Files.writeString(log4j, """
                <Configuration status="WARN">
                  <Appenders><Console name="out" target="SYSTEM_OUT"><PatternLayout pattern="%m%n"/></Console></Appenders>
                  <Loggers>
                    <Logger name="org.apache.flink.runtime.checkpoint.CheckpointCoordinator" level="INFO"/>
                    <Root level="WARN"><AppenderRef ref="out"/></Root>
                  </Loggers>
                </Configuration>
                """);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions());
        command.addAll(List.of(
                "-Xmx2g",
                "-Dlog4j2.configurationFile=" + log4j,
                "-cp",
                System.getProperty("java.class.path"),
                AvmonJob.class.getName(),
                "--bootstrap-servers",
                bootstrapServers,
                "--starting-offsets",
                "earliest",
                "--parallelism",
                String.valueOf(parallelism),
                "--checkpoint-interval-ms",
                "10000",
                "--checkpoint-dir",
                dir.resolve("checkpoints").toUri().toString()));
        command.addAll(jobFlags);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(JOB_LOG).toFile())
                .start();
    }

    /** The --add-opens options bin/avmon gives every JVM that runs Flink. */
    private static List<String> jvmOptions() throws IOException {
        Path options = Path.of("cli/target/launcher/jvm-options.txt");
        if (!Files.exists(options)) {
            throw new IllegalStateException("run from the repository root after mvn package: " + options + " missing");
        }
        return List.of(Files.readString(options).strip().split("\\s+"));
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

    private static long endOffset(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < FEATURE_PARTITIONS; p++) {
            latest.put(new TopicPartition(Topics.FEATURES, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(info -> info.offset())
                .sum();
    }

    private static long committedOffset(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get();
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.FEATURES) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    /** utime + stime of a process, in clock ticks (proc(5)). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command: state is field 3 of proc(5), so utime (14) and stime (15) are at 11 and 12 here.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String usedHeap(String heapInfo) {
        Matcher m = Pattern.compile("used (\\d+)K").matcher(heapInfo);
        return m.find() ? (Long.parseLong(m.group(1)) / 1024) + " MB" : "n/a";
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private JobCapacity() {}
}
