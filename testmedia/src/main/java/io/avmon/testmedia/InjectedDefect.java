package io.avmon.testmedia;

import io.avmon.schema.DefectType;

/**
 * A defect written into a clip on purpose: the truth a detector is scored against. Times are media seconds
 * from the clip's first frame (the converter's mediaTimeUs / 1e6). {@code channel} is the audio channel index
 * from 0 for per-channel defects, else null.
 */
public record InjectedDefect(DefectType defectType, double startSeconds, double endSeconds, Integer channel) {
    public double durationSeconds() {
        return endSeconds - startSeconds;
    }
}
