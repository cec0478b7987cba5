package io.avmon.benchmarks.soak;

import io.avmon.benchmarks.capacity.FeatureTemplate;
import io.avmon.benchmarks.capacity.JobProcess;
import io.avmon.benchmarks.capacity.LoadGenerator;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The job's soak, accelerated: {@code channels} streams appear, run, vanish without ENDED (as a crashed encoder
 * does) and reappear under the same id, for as many sessions as a day holds at {@code realSessionMinutes} each,
 * compressed into {@code runMinutes}. The production job (its own JVM, 10 s checkpoints, hashmap state) reads them
 * live with {@code --state-retention-ms} shortened to {@code retentionSeconds}, so each vanished session's state
 * must expire before its channel comes back; the gap between sessions is checked to be longer than that.
 *
 * <p>Every 10 s it samples the job: heap used after a forced full GC ({@code jcmd GC.run}, then
 * {@code GC.heap_info}), the last completed checkpoint's size (the state), resident memory, CPU, the channels live,
 * records written and committed per second, and the consumer lag. After the churn, every channel stops for good
 * and sampling goes on for the retention plus a minute: the state of streams that are all gone should fall to what
 * an idle job holds. Writes {@code soak.csv} and {@code soak.svg} to the output folder and prints the figures:
 * mean heap and state of the churn's last third against its first.
 *
 * <p>Usage (from the repository root): {@code java $(cat cli/target/launcher/jvm-options.txt) -cp "$BCP"
 * io.avmon.benchmarks.soak.SoakBenchmark [channels 2000] [runMinutes 25] [sessionSeconds 8] [retentionSeconds 20]
 * [realSessionMinutes 60] [outputDir benchmarks/results]}
 */
public final class SoakBenchmark {
    private static final long SAMPLE_EVERY_MS = 10_000;
    /** A day: the span the soak stands for. */
    private static final int REAL_HOURS = 24;
    /** The load 1 core of the job sustains with room to spare (benchmarks/results/scale.md): churn, not backlog. */
    private static final int MAX_LIVE_STREAMS = 500;

    private static final double DEFECTIVE_SHARE = 0.10;

    public static void main(String[] args) throws Exception {
        int channels = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int runMinutes = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        int sessionSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int retentionSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int realSessionMinutes = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        Path output = Path.of(args.length > 5 ? args[5] : "benchmarks/results");

        long sessions = (long) channels * REAL_HOURS * 60 / realSessionMinutes;
        long runUs = runMinutes * 60_000_000L;
        ChurnSchedule schedule = new ChurnSchedule(channels, sessionSeconds * 1_000_000L, runUs * channels / sessions);
        // The stall detector raises after 2 s of silence and every expiry runs on a processing-time timer: a few
        // seconds' margin keeps a channel from coming back while its last session's state is still held.
        if (schedule.gapUs() < (retentionSeconds + 5) * 1_000_000L) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "a channel is silent %.1f s between sessions, not more than the %d s retention plus 5 s: fewer"
                            + " sessions, shorter ones or a shorter retention",
                    schedule.gapUs() / 1e6,
                    retentionSeconds));
        }
        if (schedule.liveChannels() > MAX_LIVE_STREAMS) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%.0f streams live at once is more than the %d the job sustains on one core: shorter sessions or"
                            + " a longer run",
                    schedule.liveChannels(),
                    MAX_LIVE_STREAMS));
        }
        Files.createDirectories(output);
        Path dir = Files.createTempDirectory("avmon-soak");
        ChurnGenerator generator = new ChurnGenerator(
                schedule, FeatureTemplate.clean(dir), FeatureTemplate.withBlack(dir), DEFECTIVE_SHARE, 13);
        System.out.printf(
                Locale.ROOT,
                "soak: %d channels, %d sessions of %d s (standing for %d min each over %d h), one every %.1f s per"
                        + " channel, %.0f live at once, state retention %d s; run %d min; job log %s%n",
                channels,
                sessions,
                sessionSeconds,
                realSessionMinutes,
                REAL_HOURS,
                schedule.cycleUs() / 1e6,
                schedule.liveChannels(),
                retentionSeconds,
                runMinutes,
                dir.resolve(JobProcess.LOG));

        List<SoakSample> samples = new ArrayList<>();
        double drainStartS;
        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            JobProcess.createTopics(kafka);
            Process job = JobProcess.start(
                    dir,
                    kafka.bootstrapServers(),
                    1,
                    List.of("--state-retention-ms", String.valueOf(retentionSeconds * 1000L)));
            // The job's start-up and first checkpoint are not what is measured.
            Thread.sleep(15_000);
            if (!job.isAlive()) {
                throw new IllegalStateException("the job exited; see " + dir.resolve(JobProcess.LOG));
            }
            AtomicBoolean churning = new AtomicBoolean(true);
            AtomicLong written = new AtomicLong();
            Thread writer;
            try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                writer = new Thread(
                        () -> {
                            try {
                                LoadGenerator.paceLive(
                                        (startMs, elapsedUs) -> {
                                            long n = generator.step(publisher, startMs, elapsedUs);
                                            written.addAndGet(n);
                                            return n;
                                        },
                                        churning::get);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "churn");
                Sampler sampler = new Sampler(job.pid(), kafka, dir, generator, written);
                long startNs = System.nanoTime();
                writer.start();
                long drainAtNs = startNs + runUs * 1000;
                long endNs = drainAtNs + (retentionSeconds + 60) * 1_000_000_000L;
                long nextNs = startNs + SAMPLE_EVERY_MS * 1_000_000L;
                while (System.nanoTime() < endNs) {
                    Thread.sleep(Math.max(0, (nextNs - System.nanoTime()) / 1_000_000));
                    nextNs += SAMPLE_EVERY_MS * 1_000_000L;
                    if (churning.get() && System.nanoTime() >= drainAtNs) {
                        churning.set(false);
                        writer.join();
                        publisher.flush();
                    }
                    if (!job.isAlive()) {
                        throw new IllegalStateException("the job exited; see " + dir.resolve(JobProcess.LOG));
                    }
                    SoakSample sample = sampler.sample((System.nanoTime() - startNs) / 1e9, churning.get());
                    samples.add(sample);
                    System.out.println(sample.csv());
                }
                drainStartS = (drainAtNs - startNs) / 1e9;
            }
            job.destroy();
            job.waitFor();
        }

        List<String> csv = new ArrayList<>();
        csv.add(SoakSample.CSV_HEADER);
        samples.forEach(s -> csv.add(s.csv()));
        Files.write(output.resolve("soak.csv"), csv);
        Files.writeString(
                output.resolve("soak.svg"),
                SoakPlot.svg(
                        String.format(
                                Locale.ROOT,
                                "avmon job soak: %d channels, %d sessions in %d min (a day of %d-min sessions)",
                                channels,
                                sessions,
                                runMinutes,
                                realSessionMinutes),
                        samples,
                        SoakSample::elapsedS,
                        drainStartS,
                        "minutes (dashed: the channels stop for good; after it, their state should go)",
                        List.of(
                                new SoakPlot.Panel<>("heap used after full GC", "MiB", SoakSample::heapAfterGcMib),
                                new SoakPlot.Panel<>(
                                        "last completed checkpoint (state)", "KiB", s -> s.checkpointBytes() / 1024.0),
                                new SoakPlot.Panel<>("streams live", "streams", SoakSample::liveStreams),
                                new SoakPlot.Panel<>(
                                        "consumer lag (committed on checkpoints)",
                                        "records",
                                        SoakSample::lagRecords))));
        printFigures(samples);
    }

    /** Mean heap and state of the churn's first and last thirds, the drain's last sample, and the extremes. */
    private static void printFigures(List<SoakSample> samples) {
        List<SoakSample> churn = samples.stream().filter(SoakSample::churning).toList();
        int third = churn.size() / 3;
        List<SoakSample> first = churn.subList(0, third);
        List<SoakSample> last = churn.subList(churn.size() - third, churn.size());
        SoakSample end = samples.get(samples.size() - 1);
        System.out.printf(
                Locale.ROOT,
                "%n| figure | churn's first third | churn's last third | last / first | churn max | after the drain |"
                        + "%n|---|---|---|---|---|---|%n");
        row("heap after full GC, MiB", first, last, churn, SoakSample::heapAfterGcMib, end.heapAfterGcMib());
        row(
                "checkpoint (state), KiB",
                first,
                last,
                churn,
                s -> s.checkpointBytes() / 1024.0,
                end.checkpointBytes() / 1024.0);
        row("resident memory, MiB", first, last, churn, SoakSample::rssMib, end.rssMib());
        row("streams live", first, last, churn, SoakSample::liveStreams, end.liveStreams());
        row("records written/s", first, last, churn, SoakSample::writtenPerS, end.writtenPerS());
        row("consumer lag, records", first, last, churn, SoakSample::lagRecords, end.lagRecords());
        row("job CPU, cores", first, last, churn, SoakSample::jobCpuShare, end.jobCpuShare());
        System.out.printf(Locale.ROOT, "sessions started: %d%n", end.sessionsStarted());
    }

    private static void row(
            String name,
            List<SoakSample> first,
            List<SoakSample> last,
            List<SoakSample> churn,
            ToDoubleFunction<SoakSample> value,
            double drained) {
        double a = first.stream().mapToDouble(value).average().orElse(Double.NaN);
        double b = last.stream().mapToDouble(value).average().orElse(Double.NaN);
        double max = churn.stream().mapToDouble(value).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.3f | %.1f | %.1f |%n", name, a, b, b / a, max, drained);
    }

    /** Reads the job, the broker and the generator once per sample, with the deltas since the previous. */
    private static final class Sampler {
        private final long pid;
        private final EmbeddedKafka kafka;
        private final Path dir;
        private final ChurnGenerator generator;
        private final AtomicLong written;
        private final long ticksPerSecond;
        private double lastS;
        private long lastWritten;
        private long lastCommitted;
        private long lastTicks;

        Sampler(long pid, EmbeddedKafka kafka, Path dir, ChurnGenerator generator, AtomicLong written)
                throws Exception {
            this.pid = pid;
            this.kafka = kafka;
            this.dir = dir;
            this.generator = generator;
            this.written = written;
            this.ticksPerSecond = JobProcess.ticksPerSecond();
            this.lastCommitted = JobProcess.committedOffset(kafka.admin());
            this.lastTicks = JobProcess.cpuTicks(pid);
        }

        SoakSample sample(double elapsedS, boolean churning) throws Exception {
            long ticks = JobProcess.cpuTicks(pid);
            long writtenNow = written.get();
            long committed = JobProcess.committedOffset(kafka.admin());
            long end = JobProcess.featureEndOffset(kafka.admin());
            long heapKib = JobProcess.usedHeapAfterFullGcKib(pid);
            long rssKib = JobProcess.residentKib(pid);
            List<JobProcess.Checkpoint> checkpoints = JobProcess.completedCheckpoints(dir);
            JobProcess.Checkpoint checkpoint = checkpoints.isEmpty()
                    ? new JobProcess.Checkpoint(-1, -1, -1)
                    : checkpoints.get(checkpoints.size() - 1);
            double seconds = elapsedS - lastS;
            SoakSample sample = new SoakSample(
                    elapsedS,
                    churning,
                    churning ? generator.liveChannels() : 0,
                    generator.sessionsStarted(),
                    (writtenNow - lastWritten) / seconds,
                    (committed - lastCommitted) / seconds,
                    end - committed,
                    heapKib / 1024.0,
                    rssKib / 1024.0,
                    checkpoint.id(),
                    checkpoint.bytes(),
                    (ticks - lastTicks) / (double) ticksPerSecond / seconds);
            lastS = elapsedS;
            lastWritten = writtenNow;
            lastCommitted = committed;
            lastTicks = ticks;
            return sample;
        }
    }

    private SoakBenchmark() {}
}
