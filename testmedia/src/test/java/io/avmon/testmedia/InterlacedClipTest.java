package io.avmon.testmedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Interlaced clips read back with FFmpeg: the stream signals its field order, and motion combs between fields. */
class InterlacedClipTest {
    /** libavcodec's AVFieldOrder: top coded and displayed first, bottom coded and displayed first. */
    private static final int AV_FIELD_TT = 2;

    private static final int AV_FIELD_BB = 3;

    @TempDir
    Path dir;

    @Test
    void topFieldFirstClipSignalsItsOrderAndCombsOnMotion() throws Exception {
        Path file = write(FieldOrder.TOP_FIRST, "tff.ts");
        assertThat(fieldOrder(file)).isEqualTo(AV_FIELD_TT);
        assertThat(combRatio(file))
                .as("rows of opposite fields differ more than in a progressive picture of the same motion")
                .isGreaterThan(1.25 * combRatio(write(FieldOrder.PROGRESSIVE, "p.ts")));
    }

    @Test
    void bottomFieldFirstClipSignalsItsOrderAndCombsOnMotion() throws Exception {
        Path file = write(FieldOrder.BOTTOM_FIRST, "bff.ts");
        assertThat(fieldOrder(file)).isEqualTo(AV_FIELD_BB);
        assertThat(combRatio(file)).isGreaterThan(1.25 * combRatio(write(FieldOrder.PROGRESSIVE, "p.ts")));
    }

    /**
     * A flash is painted on both fields of the frames the pattern's truth names, and on no other field, whichever
     * field comes first: a field half a frame on belongs to its own frame, not the next.
     */
    @ParameterizedTest
    @EnumSource(
            value = FieldOrder.class,
            names = {"TOP_FIRST", "BOTTOM_FIRST"})
    void flashLightsBothFieldsOfItsOwnFramesOnly(FieldOrder order) throws Exception {
        long seed = 11;
        ClipSpec spec = ClipSpec.builder()
                .size(720, 576)
                .seed(seed)
                .container("mpegts", ClipSpec.MPEG2, "aac")
                .interlaced(order)
                .segment(4, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0))
                .build();
        Path file = ClipWriter.write(spec, dir.resolve(order + "-flashes.ts")).file();

        List<String> lit = new ArrayList<>();
        List<String> due = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8);
            grabber.start();
            Frame frame;
            for (int i = 0; (frame = grabber.grabImage()) != null; i++) {
                for (int parity = 0; parity < 2; parity++) {
                    if (fieldMean(frame, parity) > 150) {
                        lit.add(i + (parity == 0 ? " top" : " bottom"));
                    }
                    if (SyncPattern.flashing(seed, i, 25, 0, 4)) {
                        due.add(i + (parity == 0 ? " top" : " bottom"));
                    }
                }
            }
            grabber.stop();
        }
        assertThat(due).isNotEmpty();
        assertThat(lit).isEqualTo(due);
    }

    private static double fieldMean(Frame frame, int parity) {
        ByteBuffer luma = (ByteBuffer) frame.image[0];
        long sum = 0;
        long samples = 0;
        for (int y = parity; y < frame.imageHeight; y += 2) {
            for (int x = 0; x < frame.imageWidth; x += 4) {
                sum += luma.get(y * frame.imageStride + x) & 0xFF;
                samples++;
            }
        }
        return (double) sum / samples;
    }

    @Test
    void refusesInterlacedH264WhichOpenH264CannotCode() {
        assertThatThrownBy(() -> ClipSpec.builder()
                        .container("mpegts", ClipSpec.H264, "aac")
                        .interlaced(FieldOrder.TOP_FIRST)
                        .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Path write(FieldOrder order, String name) throws Exception {
        ClipSpec spec = ClipSpec.builder()
                .size(720, 576)
                .seed(4)
                .interlaced(order)
                .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                .build();
        return ClipWriter.write(spec, dir.resolve(name)).file();
    }

    private static int fieldOrder(Path file) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            int order = grabber.getFormatContext()
                    .streams(grabber.getVideoStream())
                    .codecpar()
                    .field_order();
            grabber.stop();
            return order;
        }
    }

    /**
     * Mean |difference| of vertically adjacent luma rows (each pair spans both fields) over that of rows two apart (one
     * field): a weave of two instants raises the first and leaves the second.
     */
    private static double combRatio(Path file) throws Exception {
        long adjacent = 0;
        long twoApart = 0;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8);
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                ByteBuffer luma = (ByteBuffer) frame.image[0];
                int stride = frame.imageStride;
                for (int y = 0; y + 2 < frame.imageHeight; y++) {
                    for (int x = 0; x < frame.imageWidth; x += 4) {
                        int a = luma.get(y * stride + x) & 0xFF;
                        adjacent += Math.abs(a - (luma.get((y + 1) * stride + x) & 0xFF));
                        twoApart += Math.abs(a - (luma.get((y + 2) * stride + x) & 0xFF));
                    }
                }
            }
            grabber.stop();
        }
        return (double) adjacent / twoApart;
    }
}
