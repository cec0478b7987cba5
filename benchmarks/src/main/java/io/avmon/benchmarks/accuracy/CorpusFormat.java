package io.avmon.benchmarks.accuracy;

import io.avmon.testmedia.ClipSpec;
import java.util.List;
import java.util.Locale;

/**
 * A picture format of the corpus: size, frame rate, codec, GOP length and rate (MPEG-2 at a constant quantiser,
 * H.264 at a target bit rate). Audio is always stereo AAC at 48 kHz in MPEG-TS, the container the injections work in.
 */
public record CorpusFormat(int width, int height, int fps, String codec, int gopSize, int qscale, int bitrate) {

    static CorpusFormat mpeg2(int width, int height, int fps, int gopSize, int qscale) {
        return new CorpusFormat(width, height, fps, ClipSpec.MPEG2, gopSize, qscale, 0);
    }

    static CorpusFormat h264(int width, int height, int fps, int gopSize, int bitrate) {
        return new CorpusFormat(width, height, fps, ClipSpec.H264, gopSize, 0, bitrate);
    }

    /**
     * Every format. OpenH264 encodes 720p at little more than real time on one core, so H.264 stops at 720p30 and the
     * 50 fps formats are MPEG-2: the corpus has to be written in a few minutes on two cores.
     */
    static final List<CorpusFormat> ALL = List.of(
            mpeg2(640, 360, 25, 12, 3),
            h264(640, 360, 30, 30, 1_200_000),
            mpeg2(960, 540, 50, 24, 4),
            h264(960, 540, 25, 50, 2_500_000),
            mpeg2(1280, 720, 25, 15, 5),
            h264(1280, 720, 30, 60, 4_000_000),
            mpeg2(1280, 720, 50, 25, 4));

    /**
     * A static shot's hard case (issue 9): a 10 s GOP at a low rate for 540p, where the encoder codes a still scene's
     * noise away between key frames. Not in {@link #ALL}, so the classes' round robin stays as it was.
     */
    static final CorpusFormat H264_LONG_GOP = h264(960, 540, 25, 250, 800_000);

    /** For the picture classes: every format, round robin. */
    static final List<CorpusFormat> PICTURE = ALL;

    /**
     * For the sound classes, whose detectors never see the picture: the three cheapest formats (both codecs, 25, 30
     * and 50 fps), so the corpus spends its time budget where the picture matters.
     */
    static final List<CorpusFormat> SOUND = ALL.subList(0, 3);

    ClipSpec.Builder builder(long seed) {
        ClipSpec.Builder b = ClipSpec.builder()
                .size(width, height)
                .fps(fps)
                .channels(2)
                .seed(seed)
                .container("mpegts", codec, "aac")
                .gopSize(gopSize);
        return isH264() ? b.videoBitrate(bitrate) : b.videoQscale(qscale);
    }

    boolean isH264() {
        return ClipSpec.H264.equals(codec);
    }

    /** Seconds from one regular key frame to the next. */
    double gopSeconds() {
        return (double) gopSize / fps;
    }

    String label() {
        return String.format(
                Locale.ROOT,
                "%dx%dp%d %s",
                width,
                height,
                fps,
                isH264()
                        ? String.format(Locale.ROOT, "H.264 %.1f Mb/s GOP %d", bitrate / 1e6, gopSize)
                        : String.format(Locale.ROOT, "MPEG-2 q%d GOP %d", qscale, gopSize));
    }
}
