package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A programme passage 9 dB too hot, through the whole path (encoded, decoded by the converter, analysed). testmedia's
 * programme pauses its speech for 0.6 s every 3 s, as speech pauses between phrases; the passage starts 0.8 s before
 * such a pause, so the short-term (3 s) reading crosses the bound only after the pause has pulled the momentary
 * (400 ms) reading back inside.
 */
class LoudPassageAnalyzeTest {

    @TempDir
    static Path dir;

    @Test
    void aLoudPassageIsDatedFromItsStartThoughItsSpeechPausesBeforeTheShortTermReadingCrosses() throws Exception {
        var clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(94)
                        .segment(4.6, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(12, VideoKind.MOTION, AudioContent.programme(9))
                        .segment(6, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("loud-passage.ts"));

        List<DefectEvent> loudness = AnalyzeJson.analyze(clip.file().toString()).stream()
                .filter(d -> d.getDefectType() == DefectType.LOUDNESS_VIOLATION)
                .toList();

        assertThat(loudness).hasSize(1);
        assertThat(loudness.get(0).getStartMediaTimeMs() / 1000.0)
                .as("issue 9: onsets within 0.5 s")
                .isCloseTo(4.6, Offset.offset(0.5));
    }
}
