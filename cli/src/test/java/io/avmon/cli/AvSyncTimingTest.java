package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.FieldOrder;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sync reading is accurate to +-10 ms on the flash-and-beep pattern, whatever the audio codec's priming and
 * frame size and whatever the frame rate: AAC, MP2, AC-3 and PCM (SMPTE 302M) in MPEG-TS, and AAC in MP4, at 25 and
 * 50 fps, through {@code avmon analyze} in-process. To see a reading inside BT.1359's bounds, the stream is held to a
 * tolerance 20 ms inside the offset on its side (and a wide one on the other), so the pattern's reading is raised and
 * the defect's value is the reading, while the timestamp path, which reads about 0 on these clips, stays quiet; an
 * in-sync pattern is held to +-10 ms, so nothing raised means the reading is within them.
 */
class AvSyncTimingTest {

    /** The offsets of the issue (its readings were +28.7, +13.5 and +12.5 ms off), and in sync. */
    private static final double[] OFFSETS_MS = {0, 200, 160, -80};

    private static final double ACCURACY_MS = 10;

    @TempDir
    static Path dir;

    private static Path tolerance(double lateMs, double earlyMs) throws Exception {
        return AvSyncAnalyzeTest.syncTolerance(dir, lateMs, earlyMs);
    }

    /** Every container, codec and frame rate, each with two of the offsets (rotated, so each offset meets each codec). */
    static Stream<Arguments> matrix() {
        String[][] formats = {
            {"mpegts", "aac"}, {"mpegts", "mp2"}, {"mpegts", "ac3"}, {"mpegts", "s302m"}, {"mp4", "aac"}
        };
        List<Arguments> cases = new ArrayList<>();
        int i = 0;
        for (int fps : new int[] {25, 50}) {
            for (String[] format : formats) {
                for (int k = 0; k < 2; k++) {
                    cases.add(Arguments.of(format[0], format[1], fps, OFFSETS_MS[(i + 2 * k) % OFFSETS_MS.length]));
                }
                i++;
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1} in {0} at {2} fps, audio {3} ms late")
    @MethodSource("matrix")
    void readsTheOffsetWithin10Ms(String format, String audioCodec, int fps, double offsetMs) throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(60 + Math.round(offsetMs))
                        .fps(fps)
                        .container(format, ClipSpec.MPEG2, audioCodec)
                        .segment(14, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(offsetMs))
                        .build(),
                dir.resolve(String.format(
                        Locale.ROOT,
                        "%s-%d-%+.0f.%s",
                        audioCodec,
                        fps,
                        offsetMs,
                        "mp4".equals(format) ? "mp4" : "ts")));

        if (offsetMs == 0) {
            assertThat(AnalyzeJson.analyzeWithProfile(
                            tolerance(ACCURACY_MS, ACCURACY_MS), clip.file().toString()))
                    .as("in sync: no reading beyond +-10 ms")
                    .isEmpty();
        } else {
            Path profile = offsetMs > 0 ? tolerance(offsetMs - 20, 1000) : tolerance(1000, -offsetMs - 20);
            DefectEvent sync = AvSyncAnalyzeTest.singleSyncDefect(
                    AnalyzeJson.analyzeWithProfile(profile, clip.file().toString()));
            assertThat(sync.getValue()).isCloseTo(offsetMs, Offset.offset(ACCURACY_MS));
        }
    }

    /**
     * Interlaced pictures are timed as progressive ones: each field is painted from its own instant, so a flash lights
     * both fields of its frame, and the reading holds for either field order at 576i and 1080i.
     */
    @ParameterizedTest(name = "{0}x{1} {2}, audio {3} ms late")
    @CsvSource({
        "720, 576, TOP_FIRST, -143",
        "720, 576, BOTTOM_FIRST, -143",
        "720, 576, BOTTOM_FIRST, 200",
        "1920, 1080, TOP_FIRST, 160",
        "1920, 1080, BOTTOM_FIRST, -80"
    })
    void readsTheOffsetWithin10MsInInterlacedPictures(int width, int height, FieldOrder order, double offsetMs)
            throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(90 + Math.round(offsetMs))
                        .size(width, height)
                        .container("mpegts", ClipSpec.MPEG2, "ac3")
                        .interlaced(order)
                        .segment(14, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(offsetMs))
                        .build(),
                dir.resolve(String.format(Locale.ROOT, "interlaced-%d-%s-%+.0f.ts", height, order, offsetMs)));

        Path profile = offsetMs > 0 ? tolerance(offsetMs - 20, 1000) : tolerance(1000, -offsetMs - 20);
        DefectEvent sync = AvSyncAnalyzeTest.singleSyncDefect(
                AnalyzeJson.analyzeWithProfile(profile, clip.file().toString()));
        assertThat(sync.getValue()).isCloseTo(offsetMs, Offset.offset(ACCURACY_MS));
    }

    /**
     * BT.1359's acceptability bounds (audio late by more than 185 ms, early by more than 90 ms) hold sharply: an offset
     * 40 ms beyond either is raised by default, one just inside is not.
     */
    @ParameterizedTest(name = "audio {0} ms late: raised {1}")
    @CsvSource({"225, true", "-130, true", "180, false", "-85, false"})
    void offsetsBeyondTheBoundsAreRaisedAndOffsetsInsideAreNot(double offsetMs, boolean raised) throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(70 + Math.round(offsetMs))
                        .segment(16, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(offsetMs))
                        .build(),
                dir.resolve(String.format(Locale.ROOT, "bound%+.0f.ts", offsetMs)));

        List<DefectEvent> reported = AnalyzeJson.analyze(clip.file().toString());

        assertThat(clip.truth()).hasSize(raised ? 1 : 0);
        if (raised) {
            assertThat(AvSyncAnalyzeTest.singleSyncDefect(reported).getValue())
                    .isCloseTo(offsetMs, Offset.offset(ACCURACY_MS));
        } else {
            assertThat(reported).as("inside the tolerance: nothing raised").isEmpty();
        }
    }

    /**
     * Frames missing from the picture are no sync offset: dropped frames (3, 12 and 25 in a row, and one in five for 5 s) and a stall of both
     * tracks over an in-sync pattern raise drops and stalls, never an A/V sync offset, even held to EBU R37's +40 /
     * -60 ms.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"frame drops, mpeg2video", "stream gap, mpeg2video"})
    void missingFramesAreNoSyncOffset(String injection, String videoCodec) throws Exception {
        ClipSpec.Builder spec = ClipSpec.builder()
                .seed(80)
                .container("mpegts", videoCodec, "aac")
                .segment(30, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0));
        if (injection.equals("frame drops")) {
            spec.dropFrames(6.0, 3).dropFrames(12.3, 12).dropFrames(20.1, 25);
            // And a stretch where one frame in five is lost, flashes among them.
            for (int frame = 24 * 25; frame < 29 * 25; frame += 5) {
                spec.dropFrames(frame / 25.0, 1);
            }
        } else {
            spec.streamGap(8, 2).streamGap(18, 1);
        }
        Clip clip = ClipWriter.write(spec.build(), dir.resolve(injection.replace(' ', '-') + ".ts"));

        assertThat(clip.truth()).isNotEmpty();
        AvSyncAnalyzeTest.assertNoSyncOffset(clip, tolerance(40, 60));
    }
}
