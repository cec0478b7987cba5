package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.avmon.job.DetectorChain;
import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.Program;
import io.avmon.job.core.DefectEvents;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AudioChannelLossDetectorTest {
    private static final float SOUND_RMS = -27f;
    private static final float SOUND_PEAK = -6f;
    private static final float DEAD = -120f;

    /** Levels with the given channels dead (digital silence) and the others carrying programme. */
    static Program.Levels withDead(int channelCount, int... dead) {
        float[] rms = new float[channelCount];
        float[] peak = new float[channelCount];
        for (int c = 0; c < channelCount; c++) {
            rms[c] = SOUND_RMS;
            peak[c] = SOUND_PEAK;
        }
        for (int c : dead) {
            rms[c] = DEAD;
            peak[c] = DEAD;
        }
        return new Program.Levels(rms, peak, new int[channelCount]);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness;

    private MediaEvent judge(AudioChannelLossDetector.Thresholds thresholds, Program.Levels levels) throws Exception {
        if (harness == null) {
            harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                    new AudioChannelLossDetector(thresholds), new DetectorTopology.StreamIdKey(), Types.STRING);
            harness.open();
        }
        AudioBlockFeatures block =
                Features.block("s", 0, levels.rmsDbfs(), levels.peakDbfs(), levels.nearFullScaleSamples());
        harness.getOutput().clear();
        harness.processElement(MediaEvent.of(block), block.getIngestTimeMs());
        return harness.extractOutputValues().get(0);
    }

    private MediaEvent judge(Program.Levels levels) throws Exception {
        return judge(AudioChannelLossDetector.Thresholds.DEFAULTS, levels);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) harness.close();
    }

    @Test
    void aDeadRightChannelBesideASoundingLeftIsLost() throws Exception {
        MediaEvent event = judge(withDead(2, 1));
        assertThat(event.hasCondition(DefectType.AUDIO_CHANNEL_LOSS)).isTrue();
        assertThat(event.channelConditions(DefectType.AUDIO_CHANNEL_LOSS)).isEqualTo(0b10);
    }

    @Test
    void allChannelsSilentIsNotChannelLoss() throws Exception {
        MediaEvent event = judge(withDead(2, 0, 1));
        assertThat(event.hasCondition(DefectType.AUDIO_CHANNEL_LOSS)).isFalse();
        assertThat(event.channelConditions(DefectType.AUDIO_CHANNEL_LOSS)).isZero();
    }

    @Test
    void monoNeverLosesAChannel() throws Exception {
        assertThat(judge(withDead(1)).channelConditions(DefectType.AUDIO_CHANNEL_LOSS))
                .isZero();
        assertThat(judge(withDead(1, 0)).channelConditions(DefectType.AUDIO_CHANNEL_LOSS))
                .isZero();
    }

    @Test
    void aSilentChannelBesideAQuietOneIsNotLost() throws Exception {
        // The other channel sits between the silent (-60) and sounding (-50 dBFS) thresholds: a quiet passage.
        Program.Levels levels = new Program.Levels(new float[] {-70f, DEAD}, new float[] {-55f, DEAD}, new int[2]);
        assertThat(judge(levels).channelConditions(DefectType.AUDIO_CHANNEL_LOSS))
                .isZero();
    }

    @Test
    void lfeAndSurroundsSilentIn51AreOrdinaryProgramme() throws Exception {
        assertThat(judge(withDead(6, 3, 4, 5)).channelConditions(DefectType.AUDIO_CHANNEL_LOSS))
                .isZero();
        assertThat(judge(withDead(6, 2, 3, 4, 5)).channelConditions(DefectType.AUDIO_CHANNEL_LOSS))
                .as("centre lost: the dialogue is gone")
                .isEqualTo(0b100);
    }

    @Test
    void lfeAndSurroundsAreJudgedWhenTheProfileAsks() throws Exception {
        assertThat(judge(new AudioChannelLossDetector.Thresholds(-60, -50, true), withDead(6, 4))
                        .channelConditions(DefectType.AUDIO_CHANNEL_LOSS))
                .isEqualTo(0b10000);
    }

    @Test
    void videoPassesThroughUntouched() throws Exception {
        judge(withDead(2));
        harness.getOutput().clear();
        harness.processElement(MediaEvent.of(Features.frame("s", 0, Features.black(new Random(1)))), 0);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(e -> assertThat(e.channelConditions(DefectType.AUDIO_CHANNEL_LOSS))
                        .isZero());
    }

    // ---- through the lifecycle ------------------------------------------------------------------------

    @Test
    void aLostChannelOpensAfterTwoSecondsAndClosesAfterOneSecondOfRecovery() throws Exception {
        List<DefectEvent> defects =
                DetectorChain.audioOnly(10_000, t -> t >= 2000 && t < 5000 ? withDead(2, 1) : withDead(2));
        assertThat(defects)
                .extracting(DefectEvent::getDefectType, DefectEvent::getState, DefectEvent::getChannel)
                .containsExactly(
                        tuple(DefectType.AUDIO_CHANNEL_LOSS, DefectState.OPENED, 1),
                        tuple(DefectType.AUDIO_CHANNEL_LOSS, DefectState.CLOSED, 1));
        DefectEvent closed = defects.get(1);
        assertThat(closed.getStartMediaTimeMs()).isEqualTo(2000);
        assertThat(closed.getEndMediaTimeMs()).isEqualTo(5000);
        assertThat(closed.getEventId())
                .isEqualTo(defects.get(0).getEventId())
                .isEqualTo(DefectEvents.eventId("s", DefectType.AUDIO_CHANNEL_LOSS, 1, 2000));
        assertThat(closed.getUnit()).isEqualTo("dBFS");
        assertThat(closed.getValue()).as("the lost channel's highest peak").isEqualTo(-120.0);
        assertThat(closed.getDetector()).isEqualTo("AudioChannelLossDetector");
    }

    @Test
    void aLossShorterThanTwoSecondsRaisesNothing() throws Exception {
        assertThat(DetectorChain.audioOnly(8000, t -> t >= 2000 && t < 3900 ? withDead(2, 0) : withDead(2)))
                .isEmpty();
    }

    @Test
    void twoChannelsLostAtOnceAreTwoDefectsWithTheirOwnChannelAndId() throws Exception {
        // 5.1 with front left and right dead while the centre carries dialogue; the right comes back first.
        List<DefectEvent> defects = DetectorChain.audioOnly(12_000, t -> {
            if (t >= 2000 && t < 5000) return withDead(6, 0, 1);
            if (t >= 5000 && t < 8000) return withDead(6, 0);
            return withDead(6);
        });
        assertThat(defects)
                .extracting(DefectEvent::getState, DefectEvent::getChannel)
                .containsExactlyInAnyOrder(
                        tuple(DefectState.OPENED, 0), tuple(DefectState.OPENED, 1),
                        tuple(DefectState.CLOSED, 1), tuple(DefectState.CLOSED, 0));
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.AUDIO_CHANNEL_LOSS);
        DefectEvent closedLeft = defects.stream()
                .filter(d -> d.getState() == DefectState.CLOSED && d.getChannel() == 0)
                .findFirst()
                .orElseThrow();
        DefectEvent closedRight = defects.stream()
                .filter(d -> d.getState() == DefectState.CLOSED && d.getChannel() == 1)
                .findFirst()
                .orElseThrow();
        assertThat(closedLeft.getEventId()).isNotEqualTo(closedRight.getEventId());
        assertThat(closedRight.getEndMediaTimeMs()).isEqualTo(5000);
        assertThat(closedLeft.getEndMediaTimeMs()).isEqualTo(8000);
        assertThat(defects.indexOf(closedRight)).isLessThan(defects.indexOf(closedLeft));
    }

    @Test
    void whenEveryChannelFallsSilentTheLossGivesWayToSilence() throws Exception {
        List<DefectEvent> defects = DetectorChain.audioOnly(14_000, t -> {
            if (t >= 2000 && t < 6000) return withDead(2, 1);
            if (t >= 6000 && t < 10_000) return withDead(2, 0, 1);
            return withDead(2);
        });
        assertThat(defects)
                .extracting(DefectEvent::getDefectType, DefectEvent::getState)
                .containsExactly(
                        tuple(DefectType.AUDIO_CHANNEL_LOSS, DefectState.OPENED),
                        tuple(DefectType.AUDIO_CHANNEL_LOSS, DefectState.CLOSED),
                        tuple(DefectType.AUDIO_SILENCE, DefectState.OPENED),
                        tuple(DefectType.AUDIO_SILENCE, DefectState.CLOSED));
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(6000);
    }

    @Test
    void monoAndAllSilentStreamsNeverRaiseChannelLoss() throws Exception {
        assertThat(DetectorChain.audioOnly(6000, t -> withDead(1, 0)))
                .extracting(DefectEvent::getDefectType)
                .containsOnly(DefectType.AUDIO_SILENCE);
        assertThat(DetectorChain.audioOnly(6000, t -> withDead(2, 0, 1)))
                .extracting(DefectEvent::getDefectType)
                .containsOnly(DefectType.AUDIO_SILENCE);
    }
}
