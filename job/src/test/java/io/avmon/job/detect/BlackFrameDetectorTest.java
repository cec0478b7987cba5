package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlackFrameDetectorTest {
    private final Random random = new Random(11);
    private KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness;
    private long sequence = 1;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new BlackFrameDetector(BlackFrameDetector.Thresholds.DEFAULTS),
                new DetectorTopology.StreamIdKey(),
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private MediaEvent judge(VideoFrameFeatures frame) throws Exception {
        harness.getOutput().clear();
        harness.processElement(MediaEvent.of(frame), frame.getIngestTimeMs());
        return harness.extractOutputValues().get(0);
    }

    private MediaEvent judge(Features.Picture picture) throws Exception {
        return judge(Features.frame("s", sequence++, picture));
    }

    @Test
    void blackFrameIsBlack() throws Exception {
        MediaEvent event = judge(Features.black(random));
        assertThat(event.hasCondition(DefectType.BLACK_FRAMES)).isTrue();
        assertThat(event.measure(DefectType.BLACK_FRAMES)).isEqualTo(1.0f);
    }

    @Test
    void blackFrameWithAChannelLogoIsBlack() throws Exception {
        assertThat(judge(Features.blackWithLogo(random)).hasCondition(DefectType.BLACK_FRAMES))
                .isTrue();
    }

    @Test
    void darkTintedNightSceneWithTextureIsNotBlack() throws Exception {
        assertThat(judge(Features.darkNightScene(random)).hasCondition(DefectType.BLACK_FRAMES))
                .isFalse();
    }

    @Test
    void darkSceneWithStructureButNeutralColourIsNotBlack() throws Exception {
        Features.Picture night = Features.darkNightScene(random);
        Features.Picture neutral = new Features.Picture(
                night.blackPixelShare(),
                night.frameDifference(),
                night.luma(),
                Features.black(random).cb(),
                Features.black(random).cr(),
                false,
                night.lumaMean(),
                night.lumaStdDev());
        assertThat(judge(neutral).hasCondition(DefectType.BLACK_FRAMES)).isFalse();
    }

    @Test
    void flatDarkTintedPictureIsNotBlack() throws Exception {
        // A dark blue sky filling the frame: no structure, but colour.
        Features.Picture night = Features.darkNightScene(random);
        byte[] flat = new byte[Features.CELLS];
        Arrays.fill(flat, (byte) 24);
        Features.Picture sky = new Features.Picture(0.99f, 0.5f, flat, night.cb(), night.cr(), false, 24f, 1f);
        assertThat(judge(sky).hasCondition(DefectType.BLACK_FRAMES)).isFalse();
    }

    @Test
    void letterboxedFilmIsNotBlack() throws Exception {
        assertThat(judge(Features.letterboxed(random)).hasCondition(DefectType.BLACK_FRAMES))
                .isFalse();
    }

    @Test
    void normalPictureIsNotBlack() throws Exception {
        MediaEvent event = judge(Features.moving(random));
        assertThat(event.hasCondition(DefectType.BLACK_FRAMES)).isFalse();
        assertThat(event.conditions).isZero();
    }

    @Test
    void withoutThumbnailOnlyTheStrictShareCounts() throws Exception {
        VideoFrameFeatures almost = VideoFrameFeatures.newBuilder(
                        Features.frame("s", 1, Features.blackWithLogo(random)))
                .setThumbLuma(ByteBuffer.allocate(0))
                .build();
        assertThat(judge(almost).hasCondition(DefectType.BLACK_FRAMES))
                .as("97% without a thumbnail")
                .isFalse();
        VideoFrameFeatures full = VideoFrameFeatures.newBuilder(Features.frame("s", 2, Features.black(random)))
                .setThumbLuma(ByteBuffer.allocate(0))
                .build();
        assertThat(judge(full).hasCondition(DefectType.BLACK_FRAMES)).isTrue();
    }

    @Test
    void audioAndStatusPassThroughUntouched() throws Exception {
        harness.processElement(MediaEvent.of(Features.block("s", 0, -120f, -120f)), 0);
        harness.processElement(MediaEvent.of(Features.ended("s", 0)), 0);
        assertThat(harness.extractOutputValues())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.conditions).isZero());
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
