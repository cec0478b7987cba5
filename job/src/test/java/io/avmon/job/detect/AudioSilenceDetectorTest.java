package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectType;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AudioSilenceDetectorTest {
    private KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new AudioSilenceDetector(AudioSilenceDetector.Thresholds.DEFAULTS),
                new DetectorTopology.StreamIdKey(),
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private MediaEvent judge(AudioBlockFeatures block) throws Exception {
        harness.getOutput().clear();
        harness.processElement(MediaEvent.of(block), block.getIngestTimeMs());
        return harness.extractOutputValues().get(0);
    }

    @Test
    void digitalSilenceIsSilent() throws Exception {
        MediaEvent event = judge(Features.block("s", 0, -120f, -120f));
        assertThat(event.hasCondition(DefectType.AUDIO_SILENCE)).isTrue();
        assertThat(event.measure(DefectType.AUDIO_SILENCE)).isEqualTo(-120.0);
    }

    @Test
    void noiseFloorBelowMinus60IsSilent() throws Exception {
        assertThat(judge(Features.block("s", 0, -75f, -63f)).hasCondition(DefectType.AUDIO_SILENCE))
                .isTrue();
    }

    @Test
    void quietPassageIsNotSilent() throws Exception {
        MediaEvent event = judge(Features.block("s", 0, -45f, -32f));
        assertThat(event.hasCondition(DefectType.AUDIO_SILENCE)).isFalse();
    }

    @Test
    void oneDeadChannelIsNotSilence() throws Exception {
        MediaEvent event = judge(Features.block("s", 0, new float[] {-20f, -120f}, new float[] {-6f, -120f}));
        assertThat(event.hasCondition(DefectType.AUDIO_SILENCE))
                .as("channel loss, not silence")
                .isFalse();
    }

    @Test
    void judgesByTheProfileTheRecordCarries() throws Exception {
        MediaEvent quiet = MediaEvent.of(Features.block("s", 0, -55f, -50f));
        quiet.profile = DefectKind.defaultProfile()
                .withThresholds(DefectType.AUDIO_SILENCE, new AudioSilenceDetector.Thresholds(-40.0));
        harness.processElement(quiet, 0);
        assertThat(quiet.hasCondition(DefectType.AUDIO_SILENCE))
                .as("-50 dBFS peaks are silence under a -40 dBFS threshold")
                .isTrue();

        assertThat(judge(Features.block("s", 1, -55f, -50f)).hasCondition(DefectType.AUDIO_SILENCE))
                .as("a record without a profile keeps the last thresholds applied")
                .isTrue();
        MediaEvent again = MediaEvent.of(Features.block("s", 2, -55f, -50f));
        again.profile = DefectKind.defaultProfile();
        harness.processElement(again, 0);
        assertThat(again.hasCondition(DefectType.AUDIO_SILENCE))
                .as("back to the default -60 dBFS")
                .isFalse();
    }

    @Test
    void videoPassesThroughUntouched() throws Exception {
        MediaEvent event = MediaEvent.of(Features.frame("s", 0, Features.black(new Random(1))));
        harness.processElement(event, 0);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(e -> assertThat(e.conditions).isZero());
    }
}
