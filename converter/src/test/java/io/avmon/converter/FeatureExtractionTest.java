package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.ChannelLevels;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.AudioKind;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.TimedSegment;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Features measured on a generated clip with every defect and hard negative, decoded by real FFmpeg. */
class FeatureExtractionTest {
    /** Frames this close to a segment edge are skipped: GOP and B-frame effects straddle cuts. */
    private static final double EDGE = 0.2;

    @TempDir
    static Path dir;

    static Decoded decoded;

    @BeforeAll
    static void writeAndDecode() throws Exception {
        ClipSpec spec = ClipSpec.builder()
                .seed(42)
                .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                .segment(3, VideoKind.BLACK, AudioContent.SILENCE)
                .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                .segment(3, VideoKind.FROZEN, AudioContent.QUIET)
                .segment(3, VideoKind.STATIC_NOISE, AudioContent.PROGRAMME)
                .segment(3, VideoKind.DARK_SCENE, AudioContent.PROGRAMME)
                .segment(3, VideoKind.LETTERBOX, AudioContent.PROGRAMME)
                .segment(3, VideoKind.DIP_TO_BLACK, AudioContent.PROGRAMME)
                .segment(3, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                .build();
        decoded = Decoded.of(ClipWriter.write(spec, dir.resolve("all-kinds.ts")));
    }

    private static List<VideoFrameFeatures> frames(VideoKind kind) {
        return decoded.frames(s -> s.video() == kind, EDGE);
    }

    private static double min(List<VideoFrameFeatures> frames, ToDoubleFunction<VideoFrameFeatures> f) {
        return frames.stream().mapToDouble(f).min().orElseThrow();
    }

    private static double max(List<VideoFrameFeatures> frames, ToDoubleFunction<VideoFrameFeatures> f) {
        return frames.stream().mapToDouble(f).max().orElseThrow();
    }

    private static double thumbnailSpread(VideoFrameFeatures frame) {
        byte[] thumb = frame.getThumbLuma().array();
        int lo = 255;
        int hi = 0;
        for (byte b : thumb) {
            lo = Math.min(lo, b & 0xFF);
            hi = Math.max(hi, b & 0xFF);
        }
        return hi - lo;
    }

    @Test
    void everyFrameAndBlockIsDecodedCleanly() {
        assertThat(decoded.frames()).hasSize(26 * 25);
        assertThat(decoded.decodeErrors()).isZero();
        assertThat(decoded.frames()).allSatisfy(f -> {
            assertThat(f.getWidth()).isEqualTo(640);
            assertThat(f.getThumbLuma().remaining()).isEqualTo(32 * 18);
            assertThat(f.getThumbCb().remaining()).isEqualTo(16 * 9);
            assertThat(f.getFullRange()).isFalse();
        });
        assertThat(decoded.frames().get(0).getFrameDifference()).isNull();
        assertThat(decoded.frames().get(0).getKeyFrame()).isTrue();
    }

    @Test
    void blackStretchHasFullBlackShareAndFlatThumbnail() {
        List<VideoFrameFeatures> black = frames(VideoKind.BLACK);
        assertThat(black).hasSizeGreaterThan(60);
        assertThat(min(black, VideoFrameFeatures::getBlackPixelShare)).isGreaterThan(0.99);
        assertThat(max(black, VideoFrameFeatures::getLumaMean)).isLessThan(17);
        assertThat(max(black, FeatureExtractionTest::thumbnailSpread)).isLessThanOrEqualTo(1);
        assertThat(max(black, VideoFrameFeatures::getBlockiness)).isCloseTo(1.0, within(0.01));
    }

    @Test
    void frozenFramesBarelyDifferWhileMotionAndSensorNoiseClearlyDo() {
        double frozenMax = max(frames(VideoKind.FROZEN), VideoFrameFeatures::getFrameDifference);
        double noiseMin = min(frames(VideoKind.STATIC_NOISE), VideoFrameFeatures::getFrameDifference);
        double motionMin = min(frames(VideoKind.MOTION), VideoFrameFeatures::getFrameDifference);
        // Frozen frames differ by ~0 except at each GOP's I-frame, where the re-encoded still differs by < 1 level.
        assertThat(frozenMax).isLessThan(1.0);
        assertThat(noiseMin).isGreaterThan(1.2).isGreaterThan(2 * frozenMax);
        assertThat(motionMin).isGreaterThan(3.0);
    }

    @Test
    void darkSceneAndLetterboxAreNotFlatBlack() {
        List<VideoFrameFeatures> dark = frames(VideoKind.DARK_SCENE);
        // A night scene passes a plain luma threshold for most pixels, but keeps structure and never reaches 98 %.
        assertThat(max(dark, VideoFrameFeatures::getBlackPixelShare)).isLessThan(0.98);
        assertThat(min(dark, VideoFrameFeatures::getLumaMean)).isBetween(22.0, 36.0);
        assertThat(min(dark, FeatureExtractionTest::thumbnailSpread)).isGreaterThan(10);
        assertThat(min(dark, VideoFrameFeatures::getFrameDifference)).isGreaterThan(0.5);

        List<VideoFrameFeatures> letterbox = frames(VideoKind.LETTERBOX);
        // Bars are about a quarter of the picture: 88 of 360 rows.
        assertThat(min(letterbox, VideoFrameFeatures::getBlackPixelShare)).isGreaterThan(0.2);
        assertThat(max(letterbox, VideoFrameFeatures::getBlackPixelShare)).isLessThan(0.4);
        assertThat(min(letterbox, FeatureExtractionTest::thumbnailSpread)).isGreaterThan(100);
    }

    @Test
    void dipToBlackReachesBlackOnlyBriefly() {
        List<VideoFrameFeatures> dip = decoded.frames(s -> s.video() == VideoKind.DIP_TO_BLACK, 0);
        long blackFrames =
                dip.stream().filter(f -> f.getBlackPixelShare() > 0.98).count();
        assertThat(blackFrames).isBetween(20L, 35L); // the 1 s hold, plus the darkest fade frames
    }

    @Test
    void sceneCutsShowAsDifferenceSpikes() {
        List<VideoFrameFeatures> cuts = frames(VideoKind.SCENE_CUTS);
        long spikes = cuts.stream().filter(f -> f.getFrameDifference() > 20).count();
        assertThat(spikes).isBetween(1L, 3L);
    }

    @Test
    void motionHasNoBlockingAtBroadcastQuality() {
        assertThat(max(frames(VideoKind.MOTION), VideoFrameFeatures::getBlockiness))
                .isLessThan(1.6);
        assertThat(min(frames(VideoKind.MOTION), VideoFrameFeatures::getBlockiness))
                .isGreaterThan(0.8);
    }

    @Test
    void frameTimesMatchSegmentTimesWithinOneFrame() {
        List<VideoFrameFeatures> frames = decoded.frames();
        for (int i = 0; i < frames.size(); i++) {
            double expected = i / 25.0;
            assertThat(decoded.clipSeconds(frames.get(i).getMediaTimeUs())).isCloseTo(expected, within(0.04));
        }
        // The first black frame lies at the segment's start.
        TimedSegment black = decoded.clip().segments().get(1);
        VideoFrameFeatures firstBlack = frames.stream()
                .filter(f -> f.getBlackPixelShare() > 0.99)
                .findFirst()
                .orElseThrow();
        assertThat(decoded.clipSeconds(firstBlack.getMediaTimeUs())).isCloseTo(black.startSeconds(), within(0.04));
        // Media time counts from the container's start, which the first frame follows within a frame.
        assertThat(decoded.firstFrameUs()).isBetween(0L, 40_000L);
    }

    @Test
    void audioBlocksAreOneHundredMillisecondsApart() {
        List<AudioBlockFeatures> blocks = decoded.blocks();
        for (int i = 1; i < blocks.size() - 1; i++) {
            assertThat(blocks.get(i).getSampleCount()).isEqualTo(4800);
            assertThat(blocks.get(i).getMediaTimeUs() - blocks.get(i - 1).getMediaTimeUs())
                    .isEqualTo(100_000L);
            assertThat(blocks.get(i).getSequence()).isEqualTo(i);
        }
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(260);
    }

    @Test
    void audioBlocksCarryASteadyTrackSkewWhileTheVideoFlows() {
        List<AudioBlockFeatures> blocks = decoded.blocks();
        // All but the last second, where the video may end before the audio does.
        List<Float> skews = blocks.subList(1, blocks.size() - 10).stream()
                .map(AudioBlockFeatures::getTrackSkewMs)
                .toList();
        assertThat(skews).doesNotContainNull();
        List<Float> sorted = skews.stream().sorted().toList();
        float median = sorted.get(sorted.size() / 2);
        // The muxer's interleave is steady; the frame grids (40 ms video, 21.3 ms AAC) jitter it by tens of ms.
        assertThat(skews).allSatisfy(skew -> assertThat((double) skew).isCloseTo(median, within(45.0)));
        assertThat((double) median).isBetween(-500.0, 500.0);
    }

    @Test
    void silentBlocksPeakAtTheFloorWhileQuietBlocksStayAudible() {
        List<AudioBlockFeatures> silent = decoded.blocks(s -> s.audio().kind() == AudioKind.SILENCE, 0.1);
        List<AudioBlockFeatures> quiet = decoded.blocks(s -> s.audio().kind() == AudioKind.QUIET, 0.1);
        assertThat(silent).hasSizeGreaterThan(20);
        assertThat(silent)
                .allSatisfy(b -> assertThat(b.getChannels()).allSatisfy(c -> {
                    assertThat(c.getPeakDbfs()).isEqualTo(-120f);
                    assertThat(c.getRmsDbfs()).isEqualTo(-120f);
                }));
        assertThat(quiet).hasSizeGreaterThan(20);
        assertThat(quiet)
                .allSatisfy(b -> assertThat(b.getChannels())
                        .allSatisfy(c -> assertThat(c.getPeakDbfs()).isGreaterThan(-60f)));
        double quietRms = quiet.stream()
                .flatMap(b -> b.getChannels().stream())
                .mapToDouble(ChannelLevels::getRmsDbfs)
                .average()
                .orElseThrow();
        assertThat(quietRms).isBetween(-52.0, -40.0);
    }

    @Test
    void programmeIsNearMinus23Lufs() {
        List<AudioBlockFeatures> programme = decoded.blocks(s -> s.audio().kind() == AudioKind.PROGRAMME, 0.1);
        double meanSquare = programme.stream()
                .mapToDouble(b -> b.getChannels().stream()
                        .mapToDouble(ChannelLevels::getKWeightedMeanSquare)
                        .sum())
                .average()
                .orElseThrow();
        assertThat(-0.691 + 10 * Math.log10(meanSquare)).isBetween(-26.0, -20.0);
        assertThat(programme)
                .allSatisfy(b -> assertThat(b.getChannels())
                        .allSatisfy(c -> assertThat(c.getNearFullScaleSamples()).isZero()));
    }
}
