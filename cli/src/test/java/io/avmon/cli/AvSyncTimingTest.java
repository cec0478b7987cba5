package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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

    /** A profile holding the stream to {@code lateMs} / {@code earlyMs}. */
    private static Path tolerance(double lateMs, double earlyMs) throws Exception {
        return Files.writeString(
                dir.resolve(String.format(Locale.ROOT, "late%.0f-early%.0f.yaml", lateMs, earlyMs)),
                String.format(
                        Locale.ROOT,
                        "defaults:%n  av-sync-offset: { max-audio-late: %.0fms, max-audio-early: %.0fms }%n",
                        lateMs,
                        earlyMs));
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
}
