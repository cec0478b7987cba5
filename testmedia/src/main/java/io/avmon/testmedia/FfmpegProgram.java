package io.avmon.testmedia;

import org.bytedeco.javacpp.Loader;

/**
 * The {@code ffmpeg} program that JavaCV's FFmpeg artifact ships, unpacked from the jar on first use: the one every
 * machine that builds avmon has, so tests that remux, send or cut media with it need nothing installed. It is an
 * LGPL build: H.264 is encoded with {@code libopenh264}, not x264.
 */
public final class FfmpegProgram {

    private static volatile String path;

    private FfmpegProgram() {}

    /** The executable's path. */
    public static String path() {
        String found = path;
        if (found == null) {
            found = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
            path = found;
        }
        return found;
    }
}
