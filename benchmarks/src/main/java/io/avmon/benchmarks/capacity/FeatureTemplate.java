package io.avmon.benchmarks.capacity;

import io.avmon.converter.StreamRunner;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One stream's feature records as the converter made them from a generated clip: real thumbnails, measures and
 * audio levels, which the load generator replays for many streams. The clip loops seamlessly: each replay shifts
 * sequence numbers and media time by the clip's length, as a continuous live feed would have them.
 */
public record FeatureTemplate(List<VideoFrameFeatures> video, List<AudioBlockFeatures> audio, long durationUs) {

    /** Seconds of each template; 20 s keeps a defect's OPENED and CLOSED inside one loop. */
    public static final int SECONDS = 20;

    /** A clean programme: motion and programme audio throughout. */
    public static FeatureTemplate clean(Path dir) {
        return record(
                ClipSpec.builder()
                        .seed(101)
                        .segment(SECONDS, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("clean.ts"));
    }

    /** The same with 4 s of black picture in the middle: one BLACK_FRAMES OPENED and CLOSED per loop. */
    public static FeatureTemplate withBlack(Path dir) {
        return record(
                ClipSpec.builder()
                        .seed(102)
                        .segment(8, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(SECONDS - 12, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("black.ts"));
    }

    private static FeatureTemplate record(ClipSpec spec, Path file) {
        Clip clip;
        try {
            clip = ClipWriter.write(spec, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        List<VideoFrameFeatures> video = new ArrayList<>();
        List<AudioBlockFeatures> audio = new ArrayList<>();
        new StreamRunner(StreamRunner.Options.of(clip.file().toString(), "template"), record -> {
                    if (record instanceof VideoFrameFeatures v) {
                        video.add(v);
                    } else if (record instanceof AudioBlockFeatures a) {
                        audio.add(a);
                    }
                })
                .run();
        return new FeatureTemplate(List.copyOf(video), List.copyOf(audio), SECONDS * 1_000_000L);
    }
}
