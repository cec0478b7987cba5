package io.avmon.converter;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The feature kernel's CPU time per frame, on the pictures {@link VideoFeatureBenchmark} uses. JMH measures wall time,
 * which on a shared machine under load swings by more than the changes measured; this thread's CPU time swings far
 * less. Prints each round (the first holds the JIT's warm-up) and which luma kernel ran.
 *
 * <p>Usage: {@code java --add-modules=jdk.incubator.vector -cp ... io.avmon.converter.VideoFeatureCpu [WxH] [frames] [rounds]}
 */
public final class VideoFeatureCpu {
    private VideoFeatureCpu() {}

    public static void main(String[] args) {
        String[] size = (args.length > 0 ? args[0] : "1920x1080").split("x");
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int width = Integer.parseInt(size[0]);
        int height = Integer.parseInt(size[1]);
        SplittableRandom random = new SplittableRandom(42);
        DecodedPicture[] pictures = {new DecodedPicture(), new DecodedPicture()};
        for (DecodedPicture picture : pictures) {
            picture.width = width;
            picture.height = height;
            picture.chromaWidth = width / 2;
            picture.chromaHeight = height / 2;
            picture.luma = VideoFeatureBenchmark.texture(width, height, random);
            picture.cb = VideoFeatureBenchmark.texture(width / 2, height / 2, random);
            picture.cr = VideoFeatureBenchmark.texture(width / 2, height / 2, random);
        }
        VideoFeatureExtractor extractor = new VideoFeatureExtractor("bench", "h264");
        System.out.println("luma kernel: " + LumaRowStatistics.create().kernel());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long checksum = 0;
        for (int round = 1; round <= rounds; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < frames; i++) {
                checksum += extractor
                        .extract(pictures[i & 1], i * 40_000L, false, 0, 0)
                        .getLumaMin();
            }
            double microseconds = (threads.getCurrentThreadCpuTime() - start) / 1e3 / frames;
            System.out.printf(
                    Locale.ROOT, "round %d: %.0f us CPU per %dx%d frame%n", round, microseconds, width, height);
        }
        System.out.println("checksum " + checksum);
    }
}
