package io.avmon.testmedia;

/**
 * Frames removed from a clip: {@code frames} frames from the one due at {@code atSeconds} (rounded to a frame) are
 * not written, and the frames after keep their own timestamps, so the stream has a hole in its cadence.
 */
public record FrameDrop(double atSeconds, int frames) {
    public FrameDrop {
        if (!(atSeconds >= 0) || frames < 1) {
            throw new IllegalArgumentException(
                    "a frame drop needs a time >= 0 and at least one frame: " + atSeconds + ", " + frames);
        }
    }
}
