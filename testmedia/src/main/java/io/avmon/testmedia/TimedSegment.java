package io.avmon.testmedia;

/** A segment placed on the clip's timeline, in seconds of media time from the clip's first frame. */
public record TimedSegment(double startSeconds, double endSeconds, VideoKind video, AudioContent audio) {

    /** True when the picture or the sound is a hard negative (looks like a defect, is not one). */
    public boolean isHardNegative() {
        return video.isHardNegative() || audio.isHardNegative();
    }

    public boolean contains(double seconds) {
        return seconds >= startSeconds && seconds < endSeconds;
    }
}
