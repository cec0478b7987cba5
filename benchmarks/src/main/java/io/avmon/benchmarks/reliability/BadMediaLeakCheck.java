package io.avmon.benchmarks.reliability;

import io.avmon.benchmarks.capacity.JobProcess;
import io.avmon.cli.AvmonCommand;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine;

/**
 * Whether bad media leaks: one JVM runs {@code analyze} over the same bad files again and again (a zero-byte file,
 * random bytes, text, a missing file, a clip cut off in the middle, a clip with its last half overwritten by noise),
 * as a monitor that keeps retrying a broken input would. Each failed open or decode must release what FFmpeg
 * allocated, so resident memory and the heap after a full GC level off instead of climbing with the rounds.
 *
 * <p>Usage: {@code java -Xmx256m -cp "$BCP" io.avmon.benchmarks.reliability.BadMediaLeakCheck <rounds> <csv out>
 * [all|unopenable]} (a small heap, so that garbage does not hide in a large one). {@code unopenable} keeps only the
 * four files that fail at open, each in milliseconds, so thousands of rounds show a leak per failed open.
 */
public final class BadMediaLeakCheck {
    /** The first files of {@link #badFiles}: those that fail at open, before anything is decoded. */
    private static final int UNOPENABLE = 4;

    private BadMediaLeakCheck() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path csv = Path.of(args[1]);
        Path dir = Files.createTempDirectory("avmon-bad-media");
        List<Path> files = badFiles(dir);
        if (args.length > 2 && args[2].equals("unopenable")) {
            files = files.subList(0, UNOPENABLE);
        }
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        long start = System.nanoTime();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            // The first column is seconds since the start, as every soak's CSV has it.
            out.println("seconds,round,analyses,rss_mib,heap_after_gc_mib,outside_heap_mib");
            int analyses = 0;
            for (int round = 1; round <= rounds; round++) {
                for (Path file : files) {
                    CommandLine cli = AvmonCommand.commandLine();
                    cli.setOut(quiet);
                    cli.setErr(quiet);
                    int code = cli.execute("analyze", "--no-progress", file.toString());
                    if (code != 1 && code != 2 && code != 0) {
                        throw new IllegalStateException(file + ": exit " + code);
                    }
                    analyses++;
                }
                if (round % Math.max(1, rounds / 100) == 0 || round == 1) {
                    System.gc();
                    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    double rssMib =
                            JobProcess.residentKib(ProcessHandle.current().pid()) / 1024.0;
                    // Resident memory outside the heap the JVM has committed: FFmpeg's buffers, code, metaspace.
                    // A native leak grows this; the heap's own size changes with the collector's choices.
                    String row = String.format(
                            Locale.ROOT,
                            "%.1f,%d,%d,%.1f,%.1f,%.1f",
                            (System.nanoTime() - start) / 1e9,
                            round,
                            analyses,
                            rssMib,
                            heap.getUsed() / 1048576.0,
                            rssMib - heap.getCommitted() / 1048576.0);
                    out.println(row);
                    out.flush();
                    System.out.println(row);
                }
            }
        }
    }

    private static List<Path> badFiles(Path dir) throws IOException {
        Path clip = ClipWriter.write(
                        ClipSpec.builder()
                                .size(640, 360)
                                .seed(5)
                                .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(2, VideoKind.BLACK, AudioContent.PROGRAMME)
                                .build(),
                        dir.resolve("whole.ts"))
                .file();
        byte[] whole = Files.readAllBytes(clip);
        byte[] noisy = whole.clone();
        SplittableRandom random = new SplittableRandom(9);
        for (int i = noisy.length / 2; i < noisy.length; i++) {
            noisy[i] = (byte) random.nextInt(256);
        }
        byte[] noise = new byte[256 * 1024];
        random.nextBytes(noise);
        return List.of(
                Files.write(dir.resolve("empty.ts"), new byte[0]),
                Files.write(dir.resolve("random.mp4"), noise),
                Files.writeString(dir.resolve("notes.txt"), "not a video\n".repeat(100)),
                dir.resolve("missing.ts"),
                Files.write(dir.resolve("cut.ts"), Arrays.copyOf(whole, whole.length / 2)),
                Files.write(dir.resolve("noisy.ts"), noisy));
    }
}
