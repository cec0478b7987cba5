package io.avmon.benchmarks.soak;

import io.avmon.benchmarks.capacity.JobProcess;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.FfmpegProgram;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The converter's memory over a long live input: JavaCV's {@code ffmpeg} plays a 60 s 720p25 clip in a loop, in real
 * time, to a UDP port on loopback, as a contribution encoder would; {@code avmon convert} (a JVM of its own, as an
 * operator runs it) reads it and publishes to an in-process broker. Every sample: the converter's resident memory
 * (which holds FFmpeg's native buffers as well as the Java heap), its heap after a full GC ({@code jcmd GC.run}, then
 * {@code GC.heap_info}), its CPU time and the frames it decoded (its own metrics endpoint).
 *
 * <p>Flat means: the mean of the last third of the samples against the first third, after the first two minutes
 * (JIT, buffers and Kafka's batches grow to their working size).
 *
 * <p>Usage: {@code java -cp "$BCP" io.avmon.benchmarks.soak.ConverterSoak <minutes> <sample seconds> <csv out>}
 */
public final class ConverterSoak {

    private ConverterSoak() {}

    public static void main(String[] args) throws Exception {
        int minutes = Integer.parseInt(args[0]);
        int sampleSeconds = Integer.parseInt(args[1]);
        Path csv = Path.of(args[2]);
        Path dir = Files.createTempDirectory("avmon-converter-soak");
        var clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(1280, 720)
                        .seed(21)
                        .segment(60, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("live.ts"));
        int udpPort = freeUdpPort();
        int metricsPort = EmbeddedKafka.freePort();
        long ticksPerSecond = JobProcess.ticksPerSecond();

        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort()) {
            kafka.createTopics(Topics.ALL, 1);
            Process sender = new ProcessBuilder(FfmpegProgram.copyToMpegTs(
                            clip.file(),
                            List.of("-re", "-stream_loop", "-1"),
                            List.of(),
                            "udp://127.0.0.1:" + udpPort + "?pkt_size=1316"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sender.log").toFile())
                    .start();
            Process converter = startConverter(dir, kafka.bootstrapServers(), udpPort, metricsPort);
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
                out.println("seconds,rss_mib,heap_after_gc_mib,cpu_seconds,frames");
                long start = System.nanoTime();
                long end = start + minutes * 60_000_000_000L;
                while (System.nanoTime() < end) {
                    Thread.sleep(sampleSeconds * 1000L);
                    if (!converter.isAlive() || !sender.isAlive()) {
                        throw new IllegalStateException("the converter or the sender stopped; see " + dir);
                    }
                    long pid = converter.pid();
                    long heapKib = JobProcess.usedHeapAfterFullGcKib(pid);
                    String row = String.format(
                            Locale.ROOT,
                            "%.0f,%.1f,%.1f,%.1f,%.0f",
                            (System.nanoTime() - start) / 1e9,
                            JobProcess.residentKib(pid) / 1024.0,
                            heapKib < 0 ? Double.NaN : heapKib / 1024.0,
                            JobProcess.cpuTicks(pid) / (double) ticksPerSecond,
                            ConverterEndpoint.videoFrames(metricsPort));
                    out.println(row);
                    out.flush();
                    System.out.println(row);
                }
            } finally {
                converter.destroy();
                converter.waitFor();
                sender.destroy();
                sender.waitFor();
            }
        }
        System.out.println(SoakSummary.of(csv, 120).describe("rss_mib", "heap_after_gc_mib"));
    }

    private static Process startConverter(Path dir, String bootstrapServers, int udpPort, int metricsPort)
            throws IOException {
        List<String> command =
                new ArrayList<>(ConverterEndpoint.convertCommand(List.of(), bootstrapServers, metricsPort));
        command.addAll(List.of("--stream-id", "soak", "udp://127.0.0.1:" + udpPort));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("converter.log").toFile())
                .start();
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
