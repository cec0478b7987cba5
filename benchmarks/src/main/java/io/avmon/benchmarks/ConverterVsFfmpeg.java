package io.avmon.benchmarks;

import io.avmon.converter.ConverterOptions;
import io.avmon.converter.MediaConverter;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.bytedeco.javacpp.Loader;

/**
 * The converter (decode + all features) against the fair peer, JavaCV's own ffmpeg program decoding the same
 * file to the null muxer, both on one decoder thread, alternating in the same run. Reports CPU seconds and the
 * ratio; absolute numbers drift on a shared 2-vCPU machine, the ratio much less.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.avmon.benchmarks.ConverterVsFfmpeg [WxH] [seconds] [rounds]},
 * or {@code ... ConverterVsFfmpeg FILE [rounds]} for a file of your own (an x264 or MPEG-2 recording). Round 1 holds
 * the JVM's warm-up (the JIT compiling the kernels); later rounds show the converter as a long-running stream runs.
 */
public final class ConverterVsFfmpeg {

    private static final Pattern BENCH = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s");

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && Files.isRegularFile(Path.of(args[0]))) {
            compare(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 3);
            return;
        }
        String size = args.length > 0 ? args[0] : "1920x1080";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String[] wh = size.split("x");

        Path dir = Files.createTempDirectory("avmon-bench");
        ClipSpec spec = ClipSpec.builder()
                .size(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]))
                .seed(5)
                .container("mpegts", "libopenh264", "aac")
                .segment(seconds, VideoKind.MOTION, AudioContent.PROGRAMME)
                .build();
        long writeStart = System.nanoTime();
        Clip clip = ClipWriter.write(spec, dir.resolve("bench.ts"));
        System.out.printf(
                Locale.ROOT,
                "clip: %s H.264 (libopenh264) + AAC, %d s, written in %.1f s%n",
                size,
                seconds,
                (System.nanoTime() - writeStart) / 1e9);
        compare(clip.file(), rounds);
    }

    private static void compare(Path file, int rounds) throws Exception {
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        List<double[]> results = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            double[] peer = runFfmpeg(ffmpeg, file);
            double[] ours = runConverter(file);
            results.add(new double[] {peer[0], peer[1], ours[0], ours[1], ours[2]});
            System.out.printf(
                    Locale.ROOT,
                    "round %d: ffmpeg cpu %.2f s (wall %.2f s) | avmon converter cpu %.2f s (wall %.2f s, %d frames) | ratio %.2f%n",
                    round + 1,
                    peer[0],
                    peer[1],
                    ours[0],
                    ours[1],
                    (long) ours[2],
                    ours[0] / peer[0]);
        }
        double peerCpu = median(results, 0);
        double oursCpu = median(results, 2);
        double frames = results.get(0)[4];
        System.out.printf(
                Locale.ROOT,
                "%nmedian of %d rounds: ffmpeg %.0f fps/core, avmon converter %.0f fps/core, "
                        + "converter/ffmpeg CPU ratio %.2f%n",
                rounds,
                frames / peerCpu,
                frames / oursCpu,
                oursCpu / peerCpu);
    }

    /**
     * Decodes video and audio to the null muxer with ffmpeg's own CPU accounting (-benchmark).
     *
     * @return CPU seconds (user + system) and wall seconds
     */
    public static double[] runFfmpeg(String ffmpeg, Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        ffmpeg,
                        "-hide_banner",
                        "-nostats",
                        "-benchmark",
                        "-threads",
                        "1",
                        "-i",
                        file.toString(),
                        "-f",
                        "null",
                        "-")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg failed: " + output);
        }
        Matcher m = BENCH.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no -benchmark line in ffmpeg output: " + output);
        }
        return new double[] {
            Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))
        };
    }

    /** Decodes and extracts every feature record on this thread; its CPU time includes the native decoder's. */
    private static double[] runConverter(Path file) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        long frames = 0;
        try (MediaConverter converter = MediaConverter.open(file.toString(), new ConverterOptions("bench", 1))) {
            SpecificRecord record;
            while ((record = converter.next()) != null) {
                if (record instanceof VideoFrameFeatures) {
                    frames++;
                }
            }
        }
        return new double[] {
            (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9, (System.nanoTime() - wallStart) / 1e9, frames
        };
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }
}
