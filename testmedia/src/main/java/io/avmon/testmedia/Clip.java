package io.avmon.testmedia;

import java.nio.file.Path;
import java.util.List;

/**
 * A written clip with its truth: the defects injected ({@code truth}) and every segment on the timeline
 * ({@code segments}), so a scorer also knows where the hard negatives were.
 */
public record Clip(Path file, ClipSpec spec, List<InjectedDefect> truth, List<TimedSegment> segments) {
    public Clip {
        truth = List.copyOf(truth);
        segments = List.copyOf(segments);
    }

    /** Segments whose picture or sound is a hard negative. */
    public List<TimedSegment> hardNegatives() {
        return segments.stream().filter(TimedSegment::isHardNegative).toList();
    }

    public double durationSeconds() {
        return segments.isEmpty() ? 0 : segments.get(segments.size() - 1).endSeconds();
    }

    /** The segment playing at {@code seconds}, or null outside the clip. */
    public TimedSegment segmentAt(double seconds) {
        for (TimedSegment s : segments) {
            if (s.contains(seconds)) {
                return s;
            }
        }
        return null;
    }
}
