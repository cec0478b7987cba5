package io.avmon.cli;

import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Programme content raises no A/V sync offset: cuts and pans come with sound events only by chance, so they give no
 * consistent pairs. Each clip is checked at BT.1359's defaults and held to EBU R37's +40 / -60 ms, which would show
 * any estimate programme content produced.
 */
class AvSyncHardNegativesTest {

    @TempDir
    static Path dir;

    private static Path r37;

    @BeforeAll
    static void writeR37Profile() throws Exception {
        r37 = AvSyncAnalyzeTest.syncTolerance(dir, 40, 60);
    }

    /** Cuts on music and speech; music and speech over a static shot. */
    @ParameterizedTest(name = "{0} over programme sound")
    @CsvSource({"SCENE_CUTS, 30, 90", "STATIC_NOISE, 20, 92"})
    void programmeSoundOverCutsOrAStaticShotRaisesNoSyncOffset(VideoKind picture, double seconds, long seed)
            throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(seed)
                        .segment(seconds, picture, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve(picture + ".ts"));

        AvSyncAnalyzeTest.assertNoSyncOffset(clip, null, r37);
    }

    @Test
    void soundCuttingToSilenceAndBackOverPansAndCutsRaisesNoSyncOffset() throws Exception {
        // Each return of the sound is a sharp onset, and each segment's first frame is a new picture: the edges of
        // the silences pair with picture changes.
        ClipSpec.Builder spec = ClipSpec.builder().seed(91);
        for (int i = 0; i < 4; i++) {
            spec.segment(4, VideoKind.PHOTO_PAN, AudioContent.PROGRAMME)
                    .segment(1.5 + 0.3 * i, VideoKind.PHOTO_PAN, AudioContent.SILENCE)
                    .segment(3, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                    .segment(0.7 + 0.2 * i, VideoKind.SCENE_CUTS, AudioContent.SILENCE);
        }
        Clip clip = ClipWriter.write(spec.build(), dir.resolve("silence-edges.ts"));

        AvSyncAnalyzeTest.assertNoSyncOffset(clip, null, r37);
    }
}
