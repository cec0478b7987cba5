package io.avmon.benchmarks.accuracy;

import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ExternalEncoder;
import io.avmon.testmedia.FieldOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Debian's {@code ffmpeg} (x264, x265, MPEG-2, MP2, AC-3, SMPTE 302M) as the corpus's second family of encoders, so
 * the detectors are scored on streams the test toolchain's encoders did not make. It re-encodes testmedia's
 * intermediate keeping every timestamp ({@code -fps_mode passthrough}: dropped frames stay holes), with fixed GOPs
 * and no scene-cut key frames (a stream gap is cut from key frame to key frame where the corpus planned it), closed
 * GOPs, one thread (the corpus writer runs one clip per core). CI has no such ffmpeg: the benchmark skips this arm
 * and says so, and no test uses it.
 */
final class DebianFfmpeg implements ExternalEncoder {

    private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    private final String version;

    private DebianFfmpeg(String version) {
        this.version = version;
    }

    /** Debian's ffmpeg at /usr/bin/ffmpeg, if it is there and says it is Debian's. */
    static Optional<DebianFfmpeg> find() {
        if (!Files.isExecutable(FFMPEG)) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-version")
                    .redirectErrorStream(true)
                    .start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("");
            p.waitFor();
            return first.contains("deb") ? Optional.of(new DebianFfmpeg(first.strip())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The first line of {@code ffmpeg -version}. */
    String version() {
        return version;
    }

    @Override
    public void encode(ClipSpec spec, Path intermediate, Path out) throws IOException {
        List<String> args = new ArrayList<>(List.of("-loglevel", "error", "-i", intermediate.toString()));
        args.addAll(List.of("-map", "0:v", "-map", "0:a", "-fps_mode", "passthrough", "-threads", "1"));
        args.addAll(video(spec));
        args.addAll(audio(spec));
        args.addAll(List.of("-f", "mpegts", out.toString()));
        run(args);
    }

    /** Runs ffmpeg with {@code args} (overwriting outputs, no console input) and returns what it printed. */
    String run(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(FFMPEG.toString(), "-nostdin", "-hide_banner", "-y"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("ffmpeg failed: " + String.join(" ", cmd) + "\n" + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("ffmpeg interrupted", e);
        }
        return log;
    }

    private static List<String> video(ClipSpec spec) {
        String gop = Integer.toString(spec.gopSize());
        String rate = Integer.toString(spec.videoBitrate());
        String buffer = Integer.toString(spec.videoBitrate() * 2);
        boolean interlaced = spec.fieldOrder().isInterlaced();
        List<String> v = new ArrayList<>();
        switch (spec.videoCodec()) {
            case ClipSpec.X264 -> {
                // High profile, CABAC and three B-frames: the preset's own; scenecut off for fixed GOPs.
                v.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-bf", "3"));
                v.addAll(List.of("-g", gop, "-keyint_min", gop, "-sc_threshold", "0"));
                v.addAll(List.of("-b:v", rate, "-maxrate", rate, "-bufsize", buffer));
                if (interlaced) {
                    // Field coding (PAFF/MBAFF); the field order comes from the intermediate's pictures.
                    v.addAll(List.of("-flags", "+ilme+ildct"));
                }
            }
            case ClipSpec.X265 -> {
                v.addAll(List.of("-c:v", "libx265", "-preset", "ultrafast", "-b:v", rate, "-g", gop));
                v.addAll(List.of(
                        "-x265-params",
                        "keyint=" + gop + ":min-keyint=" + gop
                                + ":scenecut=0:open-gop=0:pools=1:frame-threads=1:log-level=error"));
            }
            case ClipSpec.MPEG2 -> {
                v.addAll(List.of("-c:v", "mpeg2video", "-bf", "2", "-g", gop, "-sc_threshold", "1000000000"));
                v.addAll(List.of("-b:v", rate, "-maxrate", rate, "-bufsize", buffer));
                v.addAll(List.of("-flags", interlaced ? "+cgop+ilme+ildct" : "+cgop"));
                if (interlaced) {
                    v.addAll(List.of("-top", spec.fieldOrder() == FieldOrder.TOP_FIRST ? "1" : "0"));
                }
            }
            default -> throw new IllegalArgumentException("not a Debian ffmpeg video codec: " + spec.videoCodec());
        }
        return v;
    }

    private static List<String> audio(ClipSpec spec) {
        return switch (spec.audioCodec()) {
            case "aac" -> List.of("-c:a", "aac", "-b:a", spec.channels() == 6 ? "384k" : "192k");
            case "mp2" -> List.of("-c:a", "mp2", "-b:a", spec.channels() == 1 ? "128k" : "256k");
            case "ac3" -> List.of("-c:a", "ac3", "-b:a", spec.channels() == 6 ? "448k" : "192k");
            // SMPTE 302M: PCM as broadcast MPEG-TS carries it; ffmpeg marks the encoder experimental.
            case "s302m" -> List.of("-c:a", "s302m", "-strict", "experimental");
            default -> throw new IllegalArgumentException("not a Debian ffmpeg audio codec: " + spec.audioCodec());
        };
    }
}
