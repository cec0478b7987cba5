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

/** {@code avmon analyze} on generated clips with the video defects of issue 3: colour bars and dropped frames. */
class VideoDefectAnalyzeTest {

    @TempDir
    static Path dir;

    @Test
    void findsSmpteAndEbuBarsAsColourBarsAndNotAsFreezes() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(21)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.COLOR_BARS, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.COLOR_BARS_EBU, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.RAINBOW_SLIDE, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.LETTERBOX, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("bars.ts"));

        List<DefectEvent> reported = analyze(clip);

        assertThat(clip.truth())
                .extracting(t -> t.defectType())
                .containsExactly(DefectType.COLOR_BARS, DefectType.COLOR_BARS);
        TruthMatch match = TruthMatch.of(clip.truth(), reported, 0.5);
        assertThat(match.missed()).isEmpty();
        assertThat(match.falseAlarms())
                .as("nothing else: no freeze on the bars, nothing on the slide")
                .isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(reported).allSatisfy(d -> assertThat(d.getSeverity()).isEqualTo(Severity.CRITICAL));
    }

    @Test
    void findsRemovedFramesAsDropsCountingTheFramesLost() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(22)
                        .segment(5, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.STATIC_NOISE, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .dropFrames(3.0, 1)
                        .dropFrames(7.2, 3)
                        .dropFrames(14.6, 5)
                        .build(),
                dir.resolve("drops.ts"));

        List<DefectEvent> reported = analyze(clip);

        assertThat(clip.truth())
                .extracting(t -> t.defectType())
                .containsOnly(DefectType.FRAME_DROP)
                .hasSize(3);
        TruthMatch match = TruthMatch.of(clip.truth(), reported, 0.5);
        assertThat(match.missed()).isEmpty();
        assertThat(match.falseAlarms()).isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(reported).extracting(DefectEvent::getValue).containsExactly(1.0, 3.0, 5.0);
        assertThat(reported).extracting(DefectEvent::getUnit).containsOnly("frames");
        // Start where the first lost frame was due, end at the next frame: within a frame of the truth.
        for (int i = 0; i < 3; i++) {
            assertThat(reported.get(i).getStartMediaTimeMs() / 1000.0)
                    .isCloseTo(clip.truth().get(i).startSeconds(), Offset.offset(0.041));
            assertThat(reported.get(i).getEndMediaTimeMs() / 1000.0)
                    .isCloseTo(clip.truth().get(i).endSeconds(), Offset.offset(0.041));
        }
    }

    @Test
    void findsPicturesLostUnderRunningSoundAsDropsWhetherOrNotTheyReturn() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(23)
                        .segment(6, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(6, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                        .segment(6, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .dropFrames(4.0, 75) // 3 s, then the pictures return
                        .dropFrames(14.0, 100) // the pictures never return: the sound plays on for 4 s
                        .build(),
                dir.resolve("pictures-lost.ts"));

        List<DefectEvent> reported = analyze(clip);

        assertThat(clip.truth())
                .extracting(t -> t.defectType())
                .containsOnly(DefectType.FRAME_DROP)
                .hasSize(2);
        TruthMatch match = TruthMatch.of(clip.truth(), reported, 0.5);
        assertThat(match.missed()).isEmpty();
        assertThat(match.falseAlarms()).as("%s", reported).isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(reported)
                .extracting(DefectEvent::getValue)
                .as("the returning frame counts the frames; a loss to the end counts none")
                .containsExactly(75.0, 0.0);
    }

    /** Runs analyze --json on the clip and returns its CLOSED defects. */
    static List<DefectEvent> analyze(Clip clip) throws Exception {
        return AnalyzeJson.analyze(clip.file().toString());
    }
}
