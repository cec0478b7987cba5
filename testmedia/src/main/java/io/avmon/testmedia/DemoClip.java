package io.avmon.testmedia;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The demo's clip: 60 s of moving programme with a 5 s black stretch, a 5 s freeze and a 5 s silence at known
 * times, plus a dip to black and a quiet passage that must not raise alarms.
 *
 * <pre>
 *  0-10  MOTION        PROGRAMME
 * 10-15  BLACK         PROGRAMME      BLACK_FRAMES 10-15
 * 15-22  MOTION        PROGRAMME
 * 22-24  DIP_TO_BLACK  PROGRAMME      (negative)
 * 24-30  MOTION        PROGRAMME
 * 30-35  FROZEN        PROGRAMME      FROZEN_FRAMES 30-35 (audio plays on)
 * 35-40  MOTION        PROGRAMME
 * 40-45  MOTION        SILENCE        AUDIO_SILENCE 40-45
 * 45-50  MOTION        PROGRAMME
 * 50-55  MOTION        QUIET          (negative)
 * 55-60  MOTION        PROGRAMME
 * </pre>
 */
public final class DemoClip {
    public static final String FILE_NAME = "avmon-demo.ts";

    private DemoClip() {}

    public static ClipSpec spec() {
        return ClipSpec.builder()
                .seed(20_240_601L)
                .segment(10, VideoKind.MOTION, AudioContent.PROGRAMME)
                .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                .segment(7, VideoKind.MOTION, AudioContent.PROGRAMME)
                .segment(2, VideoKind.DIP_TO_BLACK, AudioContent.PROGRAMME)
                .segment(6, VideoKind.MOTION, AudioContent.PROGRAMME)
                .segment(5, VideoKind.FROZEN, AudioContent.PROGRAMME)
                .segment(5, VideoKind.MOTION, AudioContent.PROGRAMME)
                .segment(5, VideoKind.MOTION, AudioContent.SILENCE)
                .segment(5, VideoKind.MOTION, AudioContent.PROGRAMME)
                .segment(5, VideoKind.MOTION, AudioContent.QUIET)
                .segment(5, VideoKind.MOTION, AudioContent.PROGRAMME)
                .build();
    }

    /** Writes the demo clip as {@code dir/avmon-demo.ts} and returns it with its truth. */
    public static Clip write(Path dir) throws IOException {
        return ClipWriter.write(spec(), dir.resolve(FILE_NAME));
    }

    /** Writes the demo clip into the directory given as the first argument (default: the working directory). */
    public static void main(String[] args) throws IOException {
        long start = System.nanoTime();
        Clip clip = write(Path.of(args.length > 0 ? args[0] : "."));
        System.out.printf("wrote %s in %.1f s%n", clip.file(), (System.nanoTime() - start) / 1e9);
        clip.truth().forEach(d -> System.out.println("  " + d));
    }
}
