package io.avmon.benchmarks.accuracy;

import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.FieldOrder;
import java.util.List;
import java.util.Locale;

/**
 * A picture and sound format of the corpus: size, frame rate, codec, GOP length and rate (the test toolchain's MPEG-2
 * at a constant quantiser, every other codec at a target bit rate), field order, and the sound's codec and channels,
 * always at 48 kHz in MPEG-TS, the container the injections work in. {@code debianFfmpeg}: encoded by Debian's
 * ffmpeg from testmedia's intermediate ({@link DebianFfmpeg}) rather than by the test toolchain.
 */
public record CorpusFormat(
        int width,
        int height,
        int fps,
        String codec,
        int gopSize,
        int qscale,
        int bitrate,
        String audioCodec,
        int channels,
        FieldOrder fieldOrder,
        boolean debianFfmpeg) {

    static CorpusFormat mpeg2(int width, int height, int fps, int gopSize, int qscale) {
        return new CorpusFormat(
                width, height, fps, ClipSpec.MPEG2, gopSize, qscale, 0, "aac", 2, FieldOrder.PROGRESSIVE, false);
    }

    static CorpusFormat h264(int width, int height, int fps, int gopSize, int bitrate) {
        return new CorpusFormat(
                width, height, fps, ClipSpec.H264, gopSize, 0, bitrate, "aac", 2, FieldOrder.PROGRESSIVE, false);
    }

    /** Debian's ffmpeg with {@code codec} (x264, x265 or MPEG-2) at a bit rate, stereo AAC until {@link #sound}. */
    static CorpusFormat debian(String codec, int width, int height, int fps, int gopSize, int bitrate) {
        return new CorpusFormat(width, height, fps, codec, gopSize, 0, bitrate, "aac", 2, FieldOrder.PROGRESSIVE, true);
    }

    CorpusFormat sound(String audioCodec, int channels) {
        return new CorpusFormat(
                width, height, fps, codec, gopSize, qscale, bitrate, audioCodec, channels, fieldOrder, debianFfmpeg);
    }

    CorpusFormat interlaced(FieldOrder order) {
        return new CorpusFormat(
                width, height, fps, codec, gopSize, qscale, bitrate, audioCodec, channels, order, debianFfmpeg);
    }

    /**
     * Every format of the test toolchain. OpenH264 encodes 720p at little more than real time on one core, so H.264
     * stops at 720p30 and the 50 fps formats are MPEG-2: the corpus has to be written in a few minutes on two cores.
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
                .channels(channels)
                .seed(seed)
                .container("mpegts", codec, audioCodec)
                .gopSize(gopSize)
                .interlaced(fieldOrder);
        return bitrate > 0 ? b.videoBitrate(bitrate) : b.videoQscale(qscale);
    }

    boolean isH264() {
        return ClipSpec.H264.equals(codec) || ClipSpec.X264.equals(codec);
    }

    /** Whether testmedia can inject bitstream damage and stream gaps: it parses MPEG-2 and H.264 pictures only. */
    boolean parsesPictures() {
        return !ClipSpec.X265.equals(codec);
    }

    /** Seconds from one regular key frame to the next. */
    double gopSeconds() {
        return (double) gopSize / fps;
    }

    String label() {
        String scan =
                fieldOrder == FieldOrder.TOP_FIRST ? "i tff" : fieldOrder == FieldOrder.BOTTOM_FIRST ? "i bff" : "p";
        String video = switch (codec) {
            case ClipSpec.H264 -> String.format(Locale.ROOT, "H.264 %.1f Mb/s GOP %d", bitrate / 1e6, gopSize);
            case ClipSpec.X264 -> String.format(Locale.ROOT, "x264 High %.1f Mb/s GOP %d", bitrate / 1e6, gopSize);
            case ClipSpec.X265 -> String.format(Locale.ROOT, "x265 %.1f Mb/s GOP %d", bitrate / 1e6, gopSize);
            default ->
                bitrate > 0
                        ? String.format(Locale.ROOT, "MPEG-2 %.1f Mb/s GOP %d", bitrate / 1e6, gopSize)
                        : String.format(Locale.ROOT, "MPEG-2 q%d GOP %d", qscale, gopSize);
        };
        String label = String.format(Locale.ROOT, "%dx%d%s%d %s", width, height, scan, fps, video);
        if (debianFfmpeg) {
            label += String.format(
                    Locale.ROOT,
                    ", %s %s (Debian ffmpeg)",
                    audioCodec,
                    channels == 1 ? "mono" : channels == 6 ? "5.1" : "stereo");
        }
        return label;
    }
}
