package io.avmon.testmedia;

import java.util.Objects;

/** One stretch of a clip as specified: how long it lasts, what the picture and the sound are. */
public record Segment(double durationSeconds, VideoKind video, AudioContent audio) {
    public Segment {
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(audio, "audio");
        if (!(durationSeconds > 0)) {
            throw new IllegalArgumentException("segment duration must be positive: " + durationSeconds);
        }
    }

    public static Segment of(double durationSeconds, VideoKind video, AudioContent audio) {
        return new Segment(durationSeconds, video, audio);
    }
}
