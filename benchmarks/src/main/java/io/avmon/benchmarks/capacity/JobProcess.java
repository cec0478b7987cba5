package io.avmon.benchmarks.capacity;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.job.AvmonJob;
import io.avmon.schema.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The production job ({@link AvmonJob#main}) in a JVM of its own, so its CPU time and heap are its own, against a
 * broker of the benchmark's: 10 s checkpoints on the hashmap backend, exactly-once sinks, reading from the start.
 * What the benchmarks read from it: completed checkpoints from its log, its heap after a full GC, its CPU time and
 * resident memory, and the feature offsets its consumer group has committed.
 */
public final class JobProcess {

    public static final int FEATURE_PARTITIONS = 8;
    /** The job JVM's output, in the run's directory: its checkpoint lines, and any error. */
    public static final String LOG = "job.log";

    private static final Pattern COMPLETED =
            Pattern.compile("Completed checkpoint (\\d+) for job \\w+ \\((\\d+) bytes, checkpointDuration=(\\d+) ms");
    private static final Pattern USED_HEAP = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final String GROUP = "avmon-job";

    /** One completed checkpoint as the job's CheckpointCoordinator logged it; bytes is the whole state. */
    public record Checkpoint(long id, long bytes, long durationMs) {}

    private JobProcess() {}

    /** The feature topic with the job's partitions, and every output topic with 4. */
    public static void createTopics(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(List.of(Topics.FEATURES), FEATURE_PARTITIONS);
        kafka.createTopics(
                Topics.ALL.stream().filter(t -> !t.equals(Topics.FEATURES)).toList(), 4);
    }

    /** The production job, reading from the start, with 10 s checkpoints and any extra flags; its output in LOG. */
    public static Process start(Path dir, String bootstrapServers, int parallelism, List<String> jobFlags)
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
                .redirectOutput(dir.resolve(LOG).toFile())
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

    /** Every checkpoint the job's log reports completed so far, in order. */
    public static List<Checkpoint> completedCheckpoints(Path dir) throws IOException {
        List<Checkpoint> completed = new ArrayList<>();
        // Latin-1 reads any byte: native libraries may write some that are not UTF-8.
        for (String line : Files.readAllLines(dir.resolve(LOG), StandardCharsets.ISO_8859_1)) {
            Matcher m = COMPLETED.matcher(line);
            if (m.find()) {
                completed.add(new Checkpoint(
                        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
            }
        }
        return completed;
    }

    /**
     * The heap in use right after a full collection ({@code jcmd GC.run}, then the first "used" of
     * {@code GC.heap_info}), in KiB, or -1 if jcmd's answer has none: what the job holds, its state included.
     */
    public static long usedHeapAfterFullGcKib(long pid) throws IOException, InterruptedException {
        run("jcmd", String.valueOf(pid), "GC.run");
        Matcher m = USED_HEAP.matcher(run("jcmd", String.valueOf(pid), "GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The process's resident set (VmRSS of proc(5)), in KiB. */
    public static long residentKib(long pid) throws IOException {
        Matcher m = RSS.matcher(Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** utime + stime of a process, in clock ticks (proc(5)). */
    public static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command: state is field 3 of proc(5), so utime (14) and stime (15) are at 11 and 12 here.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    public static long ticksPerSecond() throws IOException, InterruptedException {
        return Long.parseLong(run("getconf", "CLK_TCK").strip());
    }

    /** The feature topic's end offsets, summed over its partitions: every record written so far. */
    public static long featureEndOffset(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < FEATURE_PARTITIONS; p++) {
            latest.put(new TopicPartition(Topics.FEATURES, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(info -> info.offset())
                .sum();
    }

    /** The feature offsets the job committed, summed: it commits them on each completed checkpoint. */
    public static long committedOffset(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get();
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.FEATURES) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }
}
