package io.avmon.converter;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.TimedSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;

/** Every record a converter produced for a clip, with helpers to pick a segment's interior. */
record Decoded(
        Clip clip,
        List<VideoFrameFeatures> frames,
        List<AudioBlockFeatures> blocks,
        long firstFrameUs,
        List<String> warnings,
        long decodeErrors) {

    static Decoded of(Clip clip) throws MediaInputException {
        List<VideoFrameFeatures> frames = new ArrayList<>();
        List<AudioBlockFeatures> blocks = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try (MediaConverter converter =
                MediaConverter.open(clip.file().toString(), ConverterOptions.forStream("test"))) {
            SpecificRecord record;
            while ((record = converter.next()) != null) {
                if (record instanceof VideoFrameFeatures frame) {
                    frames.add(frame);
                } else if (record instanceof AudioBlockFeatures block) {
                    blocks.add(block);
                }
            }
            warnings.addAll(converter.drainWarnings());
            return new Decoded(
                    clip,
                    frames,
                    blocks,
                    frames.isEmpty() ? 0 : frames.get(0).getMediaTimeUs(),
                    warnings,
                    converter.decodeErrorCount());
        }
    }

    /** Clip time of a record: media time relative to the first video frame (the clip's t=0). */
    double clipSeconds(long mediaTimeUs) {
        return (mediaTimeUs - firstFrameUs) / 1e6;
    }

    /** Frames inside segments matching {@code which}, leaving {@code marginSeconds} at both ends of each. */
    List<VideoFrameFeatures> frames(Predicate<TimedSegment> which, double marginSeconds) {
        return frames.stream()
                .filter(f -> inside(clipSeconds(f.getMediaTimeUs()), 0, which, marginSeconds))
                .toList();
    }

    /** Blocks lying wholly inside segments matching {@code which}, with a margin for codec overlap at the edges. */
    List<AudioBlockFeatures> blocks(Predicate<TimedSegment> which, double marginSeconds) {
        return blocks.stream()
                .filter(b -> inside(clipSeconds(b.getMediaTimeUs()), 0.1, which, marginSeconds))
                .toList();
    }

    private boolean inside(double start, double length, Predicate<TimedSegment> which, double margin) {
        for (TimedSegment s : clip.segments()) {
            if (which.test(s) && start >= s.startSeconds() + margin && start + length <= s.endSeconds() - margin) {
                return true;
            }
        }
        return false;
    }
}
