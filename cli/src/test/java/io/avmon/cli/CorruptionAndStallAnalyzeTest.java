package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code avmon analyze} on generated MPEG-TS clips damaged after encoding: payload bytes of the video PID overwritten
 * (block corruption, as packet loss leaves it) and both tracks removed for a stretch (a stream stall in a recording).
 */
class CorruptionAndStallAnalyzeTest {

    @TempDir
    static Path dir;

    @Test
    void findsDamagedBitstreamAsBlockCorruptionUntilTheNextKeyFrameAndNothingOnTheHardNegatives() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(41)
                        .segment(5, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.DIP_TO_BLACK, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.STATIC_NOISE, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .damageBitstream(2.1, 0.2)
                        .damageBitstream(18.3, 0.1)
                        .build(),
                dir.resolve("damaged.ts"));

        List<DefectEvent> reported = VideoDefectAnalyzeTest.analyze(clip);

        assertThat(clip.truth())
                .extracting(t -> t.defectType())
                .containsExactly(DefectType.BLOCK_CORRUPTION, DefectType.BLOCK_CORRUPTION);
        TruthMatch match = TruthMatch.of(clip.truth(), reported, 0.5);
        assertThat(match.missed()).isEmpty();
        assertThat(match.falseAlarms())
                .as("no corruption on cuts, the dip or noise; no drops on the damage")
                .isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(reported).allSatisfy(d -> {
            assertThat(d.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(d.getUnit()).isEqualTo("%");
            assertThat(d.getValue()).isEqualTo(100.0);
        });
    }

    @Test
    void findsAHoleInBothTracksAsOneStreamStallAndNothingElse() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(42)
                        .segment(6, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(6, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                        .segment(6, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .dropFrames(3.0, 1)
                        .streamGap(7.0, 3.0)
                        .build(),
                dir.resolve("stalled.ts"));

        List<DefectEvent> reported = VideoDefectAnalyzeTest.analyze(clip);

        assertThat(clip.truth())
                .extracting(t -> t.defectType())
                .containsExactly(DefectType.FRAME_DROP, DefectType.STREAM_STALL);
        assertThat(clip.truth().get(1).durationSeconds())
                .as("snapped to key frames, 0.48 s apart")
                .isBetween(2.5, 3.5);
        TruthMatch match = TruthMatch.of(clip.truth(), reported, 0.5);
        assertThat(match.missed()).isEmpty();
        assertThat(match.falseAlarms())
                .as("the one-frame drop is no stall; nothing after the gap")
                .isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(reported)
                .filteredOn(d -> d.getDefectType() == DefectType.STREAM_STALL)
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.getSeverity()).isEqualTo(Severity.CRITICAL);
                    assertThat(d.getUnit()).isEqualTo("s");
                    assertThat(d.getValue()).isCloseTo(clip.truth().get(1).durationSeconds(), Offset.offset(0.1));
                });
    }
}
