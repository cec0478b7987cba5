package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A freeze and a live still shot under low-rate H.264 with a 10 s GOP (OpenH264 at 600 kb/s, real decoding through the
 * converter). The still's key frame is a cut from motion, coarse, and no second key frame comes within the raise delay;
 * its predicted pictures differ by only 0.003-0.06 levels while the encoder adds its noise back, but they never repeat
 * exactly, as the frozen picture's (coded in 19 bytes each) do.
 */
class FreezeUnderLongGopAnalyzeTest {

    @TempDir
    static Path dir;

    @Test
    void findsTheFreezeAndLeavesTheNoisyStillShotAloneAtLowRateWithTenSecondGops() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(91)
                        .container("mpegts", ClipSpec.H264, "aac")
                        .videoBitrate(600_000)
                        .gopSize(250)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(8, VideoKind.STATIC_NOISE, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("long-gop.ts"));

        List<DefectEvent> reported = AnalyzeJson.analyze(clip.file().toString());

        assertThat(clip.truth()).extracting(t -> t.defectType()).containsExactly(DefectType.FROZEN_FRAMES);
        TruthMatch match = TruthMatch.of(clip.truth(), reported, 0.5);
        assertThat(match.missed()).as("the freeze at 4-8 s is found").isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(match.falseAlarms())
                .as("nothing raised on the still shot with live noise at 11-19 s")
                .isEmpty();
    }
}
