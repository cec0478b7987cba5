package io.avmon.benchmarks.converter;

import io.avmon.benchmarks.ConverterVsFfmpeg;
import io.avmon.benchmarks.capacity.JobProcess;
import io.avmon.benchmarks.soak.ConverterEndpoint;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.bytedeco.javacpp.Loader;

/**
 * What a stream costs in a converter process of many: one {@code avmon convert} process (ConvertMain, as the
 * converter image starts it) with N inputs of one clip, each {@code --realtime --loop} as if live, into a real broker
 * in this JVM. After a warm-up, it reads the process's CPU time from /proc/&lt;pid&gt;/stat and the frames its
 * metrics endpoint counted, and at the end its resident memory. Figures:
 *
 * <ul>
 *   <li>CPU-seconds per media-second per stream, and its inverse, the streams one core converts in real time;</li>
 *   <li>over the runs that kept real-time pace (a busy machine can starve a run), least-squares fits over N: resident
 *       memory and CPU (cores) per stream as slopes, and the process alone as intercepts;</li>
 *   <li>the share outside decoding: 1 - (JavaCV's {@code ffmpeg -threads 1 -i clip -f null -}, CPU per media-second,
 *       the same build of FFmpeg) / (the converter's: a stream's marginal cores, and the process's CPU per stream at
 *       the largest N).</li>
 * </ul>
 *
 * <p>Usage: {@code java -cp "$BCP" io.avmon.benchmarks.converter.ConverterStreamsPerCore [seconds, 60] [warm-up seconds, 15]
 * [stream counts, 1,2,4] [sizes, 1280x720,1920x1080]}. The converter runs with the JVM's defaults, as the
 * converter image runs it (no -Xmx), unless -Davmon.converter.jvm-options gives flags (a fixed heap, a collector).
 */
public final class ConverterStreamsPerCore {
    private static final int FPS = 25;
    private static final int CLIP_SECONDS = 20;
    /** Extra flags for the converter's JVM, e.g. a Flight Recording: -Davmon.converter.jvm-options="...". */
    private static final String CONVERTER_JVM_OPTIONS = "avmon.converter.jvm-options";

    /** Media seconds per wall second per stream below which a run fell behind real time. */
    private static final double MIN_PACE = 0.98;

    record Run(
            int streams,
            double cpuSeconds,
            double mediaSeconds,
            double wallSeconds,
            long residentBytes,
            long liveHeapBytes) {
        double cpuPerMediaSecond() {
            return cpuSeconds / mediaSeconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int[] counts = Arrays.stream((args.length > 2 ? args[2] : "1,2,4").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        String[] sizes = (args.length > 3 ? args[3] : "1280x720,1920x1080").split(",");
        Path dir = Files.createTempDirectory("avmon-streams-per-core");
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        long ticksPerSecond = JobProcess.ticksPerSecond();

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 4);
            for (String size : sizes) {
                String[] wh = size.split("x");
                Clip clip = ClipWriter.write(
                        ClipSpec.builder()
                                .size(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]))
                                .fps(FPS)
                                .seed(5)
                                .container("mpegts", "libopenh264", "aac")
                                .segment(CLIP_SECONDS, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .build(),
                        dir.resolve("clip-" + size + ".ts"));
                // The peer's best of two: decoding is the floor, and a neighbour's load only ever adds to it.
                double decodeCpu = Math.min(
                        ConverterVsFfmpeg.runFfmpeg(ffmpeg, clip.file())[0],
                        ConverterVsFfmpeg.runFfmpeg(ffmpeg, clip.file())[0]);
                double decodePerMediaSecond = decodeCpu / CLIP_SECONDS;

                System.out.printf(
                        Locale.ROOT,
                        "%n%dp%d, H.264 (libopenh264) + AAC stereo, %d s clip looped; %d s a run, the first %d s"
                                + " not measured%n",
                        Integer.parseInt(wh[1]),
                        FPS,
                        CLIP_SECONDS,
                        seconds,
                        warmUp);
                System.out.println("| streams | CPU s | media s (all streams) | real-time pace | CPU s per media s per"
                        + " stream | streams per core | RSS | heap after full GC |");
                System.out.println("|---|---|---|---|---|---|---|---|");
                List<Run> runs = new ArrayList<>();
                for (int streams : counts) {
                    Run run = measure(dir, kafka, clip, size, streams, seconds, warmUp, ticksPerSecond);
                    runs.add(run);
                    System.out.printf(
                            Locale.ROOT,
                            "| %d | %.1f | %.0f | %.2f | %.3f | %.1f | %.0f MB | %.1f MB |%n",
                            streams,
                            run.cpuSeconds(),
                            run.mediaSeconds(),
                            run.mediaSeconds() / (run.wallSeconds() * streams),
                            run.cpuPerMediaSecond(),
                            1 / run.cpuPerMediaSecond(),
                            run.residentBytes() / 1e6,
                            run.liveHeapBytes() / 1e6);
                }
                // A run that fell behind real time was starved by the machine, not by the converter: its CPU is
                // not what its streams need, so the fits leave it out.
                List<Run> keptPace = runs.stream()
                        .filter(run -> run.mediaSeconds() / (run.wallSeconds() * run.streams()) >= MIN_PACE)
                        .toList();
                if (keptPace.size() < 2) {
                    System.out.printf("%nfewer than two runs kept real-time pace: no fit (the machine is too busy)%n");
                    continue;
                }
                double[] memory = leastSquares(keptPace, Run::residentBytes);
                double[] liveHeap = leastSquares(keptPace, Run::liveHeapBytes);
                double[] cpu = leastSquares(keptPace, run -> run.cpuSeconds() / (run.wallSeconds()));
                Run largest = keptPace.get(keptPace.size() - 1);
                System.out.printf(
                        Locale.ROOT,
                        "%nfits over the runs that kept pace, N = %s:%n"
                                + "RSS = %.0f MB + %.1f MB per stream%n"
                                + "heap after full GC = %.1f MB + %.2f MB per stream%n"
                                + "CPU = %.3f cores + %.3f cores per stream (%.1f streams per core at the margin)%n"
                                + "ffmpeg -threads 1 -f null - on the same clip: %.3f CPU s per media s (best of 2)%n"
                                + "outside decoding: %.0f%% of a stream's marginal CPU; %.0f%% of the process's CPU per"
                                + " stream at N = %d%n",
                        keptPace.stream()
                                .map(run -> String.valueOf(run.streams()))
                                .toList(),
                        memory[0] / 1e6,
                        memory[1] / 1e6,
                        liveHeap[0] / 1e6,
                        liveHeap[1] / 1e6,
                        cpu[0],
                        cpu[1],
                        1 / cpu[1],
                        decodePerMediaSecond,
                        100 * (1 - decodePerMediaSecond / cpu[1]),
                        100 * (1 - decodePerMediaSecond / largest.cpuPerMediaSecond()),
                        largest.streams());
            }
        }
    }

    /** One converter process with {@code streams} inputs of {@code clip}, paced and looped, for {@code seconds}. */
    private static Run measure(
            Path dir, EmbeddedKafka kafka, Clip clip, String size, int streams, int seconds, int warmUp, long tck)
            throws Exception {
        int metricsPort = EmbeddedKafka.freePort();
        String extra = System.getProperty(CONVERTER_JVM_OPTIONS, "").strip();
        List<String> command = new ArrayList<>(ConverterEndpoint.convertCommand(
                extra.isEmpty() ? List.of() : List.of(extra.split("\\s+")), kafka.bootstrapServers(), metricsPort));
        command.addAll(List.of("--realtime", "--loop"));
        for (int i = 1; i <= streams; i++) {
            command.addAll(List.of("--input", "bench-" + size + "-" + streams + "-" + i + "=" + clip.file()));
        }
        Process converter = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        dir.resolve("convert-" + size + "-" + streams + ".log").toFile())
                .start();
        try {
            Thread.sleep(warmUp * 1000L);
            long ticksBefore = JobProcess.cpuTicks(converter.pid());
            double framesBefore = ConverterEndpoint.videoFrames(metricsPort);
            if (Double.isNaN(framesBefore)) {
                throw new IllegalStateException("the converter counted no frames within the " + warmUp
                        + " s warm-up (a busy machine starts it slowly: give a longer one); its output is in " + dir);
            }
            long wallBefore = System.nanoTime();
            Thread.sleep((seconds - warmUp) * 1000L);
            long ticksAfter = JobProcess.cpuTicks(converter.pid());
            double framesAfter = ConverterEndpoint.videoFrames(metricsPort);
            long wallAfter = System.nanoTime();
            long resident = JobProcess.residentKib(converter.pid()) * 1024;
            // After RSS: a full collection may hand memory back, and RSS is what the host pays for.
            long liveHeap = JobProcess.usedHeapAfterFullGcKib(converter.pid()) * 1024;
            return new Run(
                    streams,
                    (ticksAfter - ticksBefore) / (double) tck,
                    (framesAfter - framesBefore) / (double) FPS,
                    (wallAfter - wallBefore) / 1e9,
                    resident,
                    liveHeap);
        } finally {
            converter.destroy();
            if (!converter.waitFor(20, TimeUnit.SECONDS)) {
                converter.destroyForcibly();
            }
        }
    }

    /** Intercept and slope of {@code y} over the stream count. */
    private static double[] leastSquares(List<Run> runs, ToDoubleFunction<Run> y) {
        double n = runs.size();
        double meanX = runs.stream().mapToDouble(Run::streams).sum() / n;
        double meanY = runs.stream().mapToDouble(y).sum() / n;
        double covariance = 0;
        double variance = 0;
        for (Run run : runs) {
            covariance += (run.streams() - meanX) * (y.applyAsDouble(run) - meanY);
            variance += (run.streams() - meanX) * (run.streams() - meanX);
        }
        double slope = variance == 0 ? 0 : covariance / variance;
        return new double[] {meanY - slope * meanX, slope};
    }

    private ConverterStreamsPerCore() {}
}
