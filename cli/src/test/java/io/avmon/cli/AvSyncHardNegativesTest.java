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

    /**
     * The muxer packs sound into bursts, and over digital silence AAC's frames shrink to a few bytes and a burst
     * grows: the blocks of a burst are demuxed between the same two pictures, later than the sound's own time. So
     * the track skew of every block fell by about 100 ms where the sound cut to silence (Debian's ffmpeg, x264 with
     * AAC; JavaCV's FFmpeg muxes the same way), an offset of the timestamps that is none in sync.
     */
    @Test
    void longSilencesInAacSoundRaiseNoSyncOffset() throws Exception {
        ClipSpec.Builder spec = ClipSpec.builder().seed(93).container("mpegts", "mpeg2video", "aac");
        for (int i = 0; i < 3; i++) {
            spec.segment(5, VideoKind.PHOTO_PAN, AudioContent.PROGRAMME)
                    .segment(4 + i, VideoKind.PHOTO_PAN, AudioContent.SILENCE);
        }
        Clip clip = ClipWriter.write(
                spec.segment(4, VideoKind.PHOTO_PAN, AudioContent.PROGRAMME).build(), dir.resolve("aac-silences.ts"));

        AvSyncAnalyzeTest.assertNoSyncOffset(clip, null, r37);
    }

    /**
     * Sparse sounds over digital silence (a footstep, a clock): onsets with no picture event of their own, over AAC
     * whose bursts grow in the silences between them. Debian's ffmpeg's x264 + AAC clip of such sounds read -107 ms
     * for 13 s.
     */
    @Test
    void sparseSoundsOverSilenceRaiseNoSyncOffset() throws Exception {
        ClipSpec.Builder spec = ClipSpec.builder().seed(95).container("mpegts", "mpeg2video", "aac");
        for (int i = 0; i < 10; i++) {
            spec.segment(0.3, VideoKind.PHOTO_PAN, AudioContent.PROGRAMME)
                    .segment(2.2 + 0.15 * i, VideoKind.PHOTO_PAN, AudioContent.SILENCE);
        }
        Clip clip = ClipWriter.write(spec.build(), dir.resolve("sparse-sounds.ts"));

        AvSyncAnalyzeTest.assertNoSyncOffset(clip, null, r37);
    }

    /**
     * Frames missing from the picture while the sound runs on leave the latest picture behind the sound: the track
     * skew climbs by the hole's length. A 12-frame drop, a 4 s stall, and the picture stopping 6 s before the sound
     * must not read as sound running late; before, the stall's last skew (near 1 s) was held until the picture came
     * back, and after the picture's end until the clip's.
     */
    @Test
    void framesMissingUnderProgrammeSoundRaiseNoSyncOffset() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(94)
                        .container("mpegts", "mpeg2video", "aac")
                        .segment(30, VideoKind.PHOTO_PAN, AudioContent.PROGRAMME)
                        .dropFrames(5, 12)
                        .dropFrames(10, 100)
                        .dropFrames(24, 150)
                        .build(),
                dir.resolve("picture-missing.ts"));

        AvSyncAnalyzeTest.assertNoSyncOffset(clip, null, r37);
    }
}
