package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avmon.job.DetectorChain;
import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.audio.LoudnessStandard;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import java.time.Duration;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** Defaults: EBU R128, short-term within [-48, -18] LUFS, 10 s to raise, 3 s to clear. */
class LoudnessDetectorTest {

    /** A stereo block whose short-term loudness, held, reads {@code lufs}: each channel carries half the power. */
    static AudioBlockFeatures stereoAt(long seq, double lufs) {
        float rms = (float) (lufs + 0.691 - 10 * Math.log10(2));
        AudioBlockFeatures block = Features.block("s", seq, new float[] {rms, rms}, new float[] {rms + 12, rms + 12});
        double perChannel = Math.pow(10, (lufs + 0.691) / 10) / 2;
        block.getChannels().forEach(c -> c.setKWeightedMeanSquare(perChannel));
        return block;
    }

    private static List<DefectEvent> run(DetectionProfile profile, long durationMs, LongToDoubleFunction lufsAt)
            throws Exception {
        try (DetectorChain chain = new DetectorChain(profile)) {
            for (long seq = 0; seq * 100 < durationMs; seq++) {
                chain.process(stereoAt(seq, lufsAt.applyAsDouble(seq * 100)));
            }
            chain.process(Features.ended("s", durationMs * 1000));
            assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            assertThat(chain.timers()).as("timers after ENDED").isZero();
            return chain.defects();
        }
    }

    private static List<DefectEvent> run(long durationMs, LongToDoubleFunction lufsAt) throws Exception {
        return run(DefectKind.defaultProfile(), durationMs, lufsAt);
    }

    @Test
    void annotatesMomentaryShortTermAndIntegratedLoudness() throws Exception {
        var harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new LoudnessDetector(LoudnessDetector.Thresholds.DEFAULTS, Duration.ofMinutes(10)),
                new DetectorTopology.StreamIdKey(),
                Types.STRING);
        harness.open();
        for (int seq = 0; seq < 40; seq++) {
            AudioBlockFeatures block = stereoAt(seq, -23.0);
            harness.processElement(MediaEvent.of(block), block.getIngestTimeMs());
        }
        List<MediaEvent> out = harness.extractOutputValues();
        assertThat(out.get(28).measure(DefectType.LOUDNESS_VIOLATION))
                .as("under 3 s")
                .isNaN();
        MediaEvent last = out.get(39);
        assertThat(last.measure(DefectType.LOUDNESS_VIOLATION))
                .as("short-term loudness")
                .isCloseTo(-23.0, within(0.1));
        assertThat(last.hasCondition(DefectType.LOUDNESS_VIOLATION)).isFalse();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processElement(MediaEvent.of(Features.ended("s", 4_000_000)), 0);
        assertThat(harness.numKeyedStateEntries()).as("meter cleared at ENDED").isZero();
        harness.close();
    }

    @Test
    void noVerdictBeforeTheShortTermWindowIsFull() throws Exception {
        var harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new LoudnessDetector(LoudnessDetector.Thresholds.DEFAULTS, Duration.ofMinutes(10)),
                new DetectorTopology.StreamIdKey(),
                Types.STRING);
        harness.open();
        for (int seq = 0; seq < 31; seq++) {
            AudioBlockFeatures block = stereoAt(seq, -5.0);
            harness.processElement(MediaEvent.of(block), block.getIngestTimeMs());
        }
        List<MediaEvent> out = harness.extractOutputValues();
        assertThat(out.get(28).hasCondition(DefectType.LOUDNESS_VIOLATION)).isFalse();
        assertThat(out.get(29).hasCondition(DefectType.LOUDNESS_VIOLATION)).isTrue();
        assertThat(out.get(29).measure(DefectType.LOUDNESS_VIOLATION)).isCloseTo(-5.0, within(0.01));
        harness.close();
    }

    @Test
    void aTooLoudStretchOpensAfterTenSecondsAndClosesAfterThreeSecondsBackInside() throws Exception {
        // A loud advert at -12 LUFS from 5 s to 25 s inside programme at -23.
        List<DefectEvent> defects = run(40_000, t -> t >= 5000 && t < 25_000 ? -12.0 : -23.0);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.LOUDNESS_VIOLATION);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        DefectEvent opened = defects.get(0);
        DefectEvent closed = defects.get(1);
        // Short-term (3 s) passes -18 LUFS once 6 of its 30 blocks are loud (a -12 block carries 12.6 times the
        // power of a -23 one: (24 + 6 * 12.6) / 30 > 10^0.5), at 5.5 s; it falls back with 5 loud blocks left, at 27.4
        // s.
        // The violation is dated from the momentary (400 ms) crossing, in the first loud block: (3 + 12.6) / 4 >
        // 10^0.5.
        assertThat(closed.getStartMediaTimeMs()).isEqualTo(5000);
        assertThat(closed.getEndMediaTimeMs()).isEqualTo(27_400);
        assertThat(opened.getStartMediaTimeMs()).isEqualTo(5000);
        assertThat(opened.getSeverity()).isEqualTo(Severity.MINOR);
        assertThat(closed.getUnit()).isEqualTo("LUFS");
        assertThat(closed.getValue())
                .as("mean short-term loudness while violating")
                .isBetween(-14.0, -12.0);
        assertThat(closed.getChannel()).isNull();
        assertThat(closed.getDetector()).isEqualTo("LoudnessDetector");
    }

    @Test
    void aPauseBetweenPhrasesBeforeTheShortTermReadingCrossesDoesNotMoveTheStartOfALoudPassage() throws Exception {
        // Programme 9 LU hot (-14 LUFS) from 5 s to 20 s, with its speech paused (-24 LUFS) at 5.8-6.4 s, as a
        // programme's phrases pause every few seconds. The momentary reading is above -18 from 5.1 s, falls inside
        // during the pause (6.0-6.4 s) and is out again from 6.5 s, where the short-term reading first crosses:
        // (8 * 2.51 + 6 * 0.25 + 2 * 2.51 + 14 * 0.32) / 30 > 1 in powers relative to -18 LUFS. The sound since 5.1 s
        // stays too loud through the pause (at its end: 8 loud, 6 paused and 2 programme blocks, 1.39).
        List<DefectEvent> defects =
                run(25_000, t -> t >= 5800 && t < 6400 ? -24.0 : t >= 5000 && t < 20_000 ? -14.0 : -23.0);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getStartMediaTimeMs())
                .as("the momentary crossing before the pause, not the one after it at 6.5 s")
                .isEqualTo(5100);
    }

    @Test
    void aLoudWordJustBeforeALoudPassageDoesNotDateItEarlier() throws Exception {
        // A word at -15 LUFS at 4.0-4.3 s in programme at -23: its momentary reading is above -18 from 4.1 s, and
        // the sound since then is back inside by 4.5 s (3 of its 8 blocks loud: (2 * 0.32 + 3 * 2.0 + 3 * 0.32) / 8 <
        // 1). The passage at -14 LUFS from 5 s is dated from its own momentary crossing.
        List<DefectEvent> defects =
                run(25_000, t -> t >= 4000 && t < 4300 ? -15.0 : t >= 5000 && t < 20_000 ? -14.0 : -23.0);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(5100);
    }

    @Test
    void opensOnlyOnceTheViolationHasLastedTenSeconds() throws Exception {
        assertThat(run(25_000, t -> t >= 5000 && t < 13_000 ? -12.0 : -23.0))
                .as("8 s too loud")
                .isEmpty();
    }

    @Test
    void aTooQuietPassageIsDatedFromItsStartWhileTheRaiseDelayCountsShortTermReadings() throws Exception {
        // A gain fault: -55 LUFS from 5 s to 20 s. Short-term falls under -48 only once its window has emptied of the
        // programme, near 7.9 s, and stays there until programme returns at 20 s: 12 s, over the 10 s raise delay.
        List<DefectEvent> defects = run(30_000, t -> t >= 5000 && t < 20_000 ? -55.0 : -23.0);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getStartMediaTimeMs())
                .as("the momentary crossing")
                .isBetween(5000L, 5400L);
        // 11 s too quiet is only about 8 s of short-term readings under the bound: not raised.
        assertThat(run(30_000, t -> t >= 5000 && t < 16_000 ? -55.0 : -23.0)).isEmpty();
    }

    @Test
    void aQuietPassageWithinTheLowerBoundRaisesNothing() throws Exception {
        // 30 s of a whispered scene at -45 LUFS: quieter than Tech 3343's typical loudness range, still programme.
        assertThat(run(40_000, t -> t >= 5000 && t < 35_000 ? -45.0 : -23.0)).isEmpty();
    }

    @Test
    void aProgrammeFarTooQuietIsAViolation() throws Exception {
        List<DefectEvent> defects = run(30_000, t -> t >= 5000 ? -50.0 : -23.0);
        assertThat(defects)
                .extracting(DefectEvent::getDefectType, DefectEvent::getState)
                .containsExactly(
                        Tuple.tuple(DefectType.LOUDNESS_VIOLATION, DefectState.OPENED),
                        Tuple.tuple(DefectType.LOUDNESS_VIOLATION, DefectState.CLOSED));
        assertThat(defects.get(1).getValue()).isCloseTo(-50.0, within(1.0));
    }

    @Test
    void silenceIsNotALoudnessViolation() throws Exception {
        List<DefectEvent> defects = run(30_000, t -> t >= 5000 ? Double.NEGATIVE_INFINITY : -23.0);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.AUDIO_SILENCE);
    }

    @Test
    void theStandardSetsTheTarget() throws Exception {
        // -18.5 LUFS: inside EBU R128's -18 ceiling, outside ATSC A/85's -19.
        LongToDoubleFunction programme = t -> -18.5;
        assertThat(run(20_000, programme)).isEmpty();
        DetectionProfile atsc = DefectKind.defaultProfile()
                .withThresholds(
                        DefectType.LOUDNESS_VIOLATION,
                        LoudnessDetector.Thresholds.DEFAULTS.withStandard(LoudnessStandard.ATSC_A85));
        assertThat(atsc.thresholds(DefectType.LOUDNESS_VIOLATION, LoudnessDetector.Thresholds.class)
                        .targetLufs())
                .isEqualTo(-24.0);
        assertThat(run(atsc, 20_000, programme))
                .extracting(DefectEvent::getDefectType)
                .containsOnly(DefectType.LOUDNESS_VIOLATION);
    }
}
