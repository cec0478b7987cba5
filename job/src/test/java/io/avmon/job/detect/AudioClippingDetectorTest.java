package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avmon.job.DetectorChain;
import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.Program;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AudioClippingDetectorTest {
    /** Left channel clipped hard: 48 of 4800 samples (1%) at full scale, right channel clean. */
    static final Program.Levels CLIPPED =
            new Program.Levels(new float[] {-8f, -14f}, new float[] {0f, -3f}, new int[] {48, 0});
    /** Loud but legal: a limiter holds peaks at -1 dBFS, nothing at full scale. */
    static final Program.Levels LOUD_BUT_LEGAL =
            new Program.Levels(new float[] {-21f, -21f}, new float[] {-1f, -1f}, new int[] {0, 0});

    private KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new AudioClippingDetector(AudioClippingDetector.Thresholds.DEFAULTS),
                new DetectorTopology.StreamIdKey(),
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private MediaEvent judge(Program.Levels levels) throws Exception {
        AudioBlockFeatures block =
                Features.block("s", 0, levels.rmsDbfs(), levels.peakDbfs(), levels.nearFullScaleSamples());
        harness.getOutput().clear();
        harness.processElement(MediaEvent.of(block), block.getIngestTimeMs());
        return harness.extractOutputValues().get(0);
    }

    @Test
    void sustainedRunsAtFullScaleClip() throws Exception {
        MediaEvent event = judge(CLIPPED);
        assertThat(event.hasCondition(DefectType.AUDIO_CLIPPING)).isTrue();
        assertThat(event.measure(DefectType.AUDIO_CLIPPING))
                .as("% of samples in the worst channel")
                .isCloseTo(1.0, within(1e-6));
    }

    @Test
    void aHandfulOfFullScaleSamplesIsATransientNotClipping() throws Exception {
        // 4 samples in 100 ms: below 0.1% (4.8 of 4800).
        assertThat(judge(new Program.Levels(new float[] {-12f, -12f}, new float[] {0f, -2f}, new int[] {4, 0}))
                        .hasCondition(DefectType.AUDIO_CLIPPING))
                .isFalse();
        assertThat(judge(new Program.Levels(new float[] {-12f, -12f}, new float[] {0f, -2f}, new int[] {5, 0}))
                        .hasCondition(DefectType.AUDIO_CLIPPING))
                .isTrue();
    }

    @Test
    void loudButLegalPassageDoesNotClip() throws Exception {
        MediaEvent event = judge(LOUD_BUT_LEGAL);
        assertThat(event.hasCondition(DefectType.AUDIO_CLIPPING)).isFalse();
        assertThat(event.measure(DefectType.AUDIO_CLIPPING)).isZero();
    }

    @Test
    void aFullScaleCountTheSamplePeakContradictsIsIgnored() throws Exception {
        assertThat(judge(new Program.Levels(new float[] {-12f, -12f}, new float[] {-3f, -3f}, new int[] {48, 0}))
                        .hasCondition(DefectType.AUDIO_CLIPPING))
                .isFalse();
    }

    @Test
    void fewerThanThreeSamplesNeverClipEvenInAShortBlock() throws Exception {
        AudioBlockFeatures block = Features.block("s", 0, new float[] {-6f}, new float[] {0f}, new int[] {2});
        block.setSampleCount(800); // 8 kHz: 0.1% is under one sample
        harness.processElement(MediaEvent.of(block), block.getIngestTimeMs());
        assertThat(harness.extractOutputValues().get(0).hasCondition(DefectType.AUDIO_CLIPPING))
                .isFalse();
    }

    // ---- through the lifecycle ------------------------------------------------------------------------

    @Test
    void clippingOpensAfterOneSecondAndClosesAfterOneSecondOfRecovery() throws Exception {
        List<DefectEvent> defects =
                DetectorChain.audioOnly(8000, t -> t >= 2000 && t < 4000 ? CLIPPED : Program.PROGRAMME_AUDIO);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.AUDIO_CLIPPING);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        DefectEvent closed = defects.get(1);
        assertThat(closed.getStartMediaTimeMs()).isEqualTo(2000);
        assertThat(closed.getEndMediaTimeMs()).isEqualTo(4000);
        assertThat(closed.getEndWallClockMs() - closed.getStartWallClockMs()).isEqualTo(2000);
        assertThat(closed.getSeverity()).isEqualTo(Severity.MAJOR);
        assertThat(closed.getUnit()).isEqualTo("%");
        assertThat(closed.getValue()).isCloseTo(1.0, within(1e-6));
        assertThat(closed.getChannel()).isNull();
        assertThat(closed.getDetector()).isEqualTo("AudioClippingDetector");
    }

    @Test
    void clippingOpensOnlyOnceTheMinimumDurationHasPassed() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            for (long seq = 0; seq < 30; seq++) {
                chain.process(Features.block(
                        "s", seq, CLIPPED.rmsDbfs(), CLIPPED.peakDbfs(), CLIPPED.nearFullScaleSamples()));
                // The block at 1.0 s is the first a full second after the first clipped block (0 s).
                assertThat(chain.defects())
                        .as("after block at %d ms", seq * 100)
                        .hasSize(seq < 10 ? 0 : 1);
            }
        }
    }

    @Test
    void aBurstShorterThanOneSecondRaisesNothing() throws Exception {
        assertThat(DetectorChain.audioOnly(5000, t -> t >= 2000 && t < 2900 ? CLIPPED : Program.PROGRAMME_AUDIO))
                .isEmpty();
    }

    @Test
    void aLoudButLegalPassageRaisesNothing() throws Exception {
        assertThat(DetectorChain.audioOnly(8000, t -> LOUD_BUT_LEGAL)).isEmpty();
    }
}
