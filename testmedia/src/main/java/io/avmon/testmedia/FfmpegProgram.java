package io.avmon.testmedia;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The command that copies every stream of {@code input}, untouched, into MPEG-TS at {@code output} (a file or a
     * {@code udp://} URL): how tests and benchmarks remux a clip or send it as a live feed.
     *
     * @param inputArgs  options before the input, e.g. {@code -re} to play it at its own pace, {@code -stream_loop -1}
     * @param outputArgs options before the output, e.g. {@code -output_ts_offset 3600} for an encoder restarted on
     *                   another clock
     */
    public static List<String> copyToMpegTs(
            Path input, List<String> inputArgs, List<String> outputArgs, String output) {
        List<String> command = new ArrayList<>(List.of(path(), "-hide_banner", "-nostdin", "-loglevel", "error"));
        command.addAll(inputArgs);
        command.addAll(List.of("-i", input.toString(), "-map", "0", "-c", "copy"));
        command.addAll(outputArgs);
        command.addAll(List.of("-f", "mpegts", output));
        return command;
    }
}
