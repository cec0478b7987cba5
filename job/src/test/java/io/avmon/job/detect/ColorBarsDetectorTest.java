package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorChain;
import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.Program;
import io.avmon.job.TestPatterns;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.schema.VideoFrameFeatures;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ColorBarsDetectorTest {
    private final Random random = new Random(17);
    private KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness;
    private long sequence = 1;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new ColorBarsDetector(ColorBarsDetector.Thresholds.DEFAULTS),
                new DetectorTopology.StreamIdKey(),
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private MediaEvent judge(Features.Picture picture) throws Exception {
        harness.getOutput().clear();
        harness.processElement(MediaEvent.of(Features.frame("s", sequence++, picture)), 0);
        return harness.extractOutputValues().get(0);
    }

    private boolean bars(Features.Picture picture) throws Exception {
        return judge(picture).hasCondition(DefectType.COLOR_BARS);
    }

    @Test
    void smpteEbuAndAribBarsAreBars() throws Exception {
        assertThat(bars(TestPatterns.picture(TestPatterns.SMPTE, 0.1f))).isTrue();
        assertThat(bars(TestPatterns.picture(TestPatterns.EBU, 0.1f))).isTrue();
        assertThat(bars(TestPatterns.picture(TestPatterns.ARIB, 0.1f))).isTrue();
        assertThat(judge(TestPatterns.picture(TestPatterns.SMPTE, 0.1f)).measure(DefectType.COLOR_BARS))
                .isEqualTo(6f);
    }

    @Test
    void barsInBt601PillarboxedOrUnderALogoAreBars() throws Exception {
        assertThat(bars(TestPatterns.picture(TestPatterns.SMPTE, 0.1f, 0.299, 0.114)))
                .isTrue();
        assertThat(bars(TestPatterns.picture(TestPatterns.EBU, 0.1f, 0.299, 0.114)))
                .isTrue();
        assertThat(bars(TestPatterns.picture(TestPatterns.pillarboxed(TestPatterns.SMPTE), 0.1f)))
                .isTrue();
        assertThat(bars(TestPatterns.picture(TestPatterns.withLogo(TestPatterns.EBU), 0.1f)))
                .isTrue();
        assertThat(bars(TestPatterns.picture(TestPatterns.withLogo(TestPatterns.ARIB), 0.1f)))
                .isTrue();
    }

    @Test
    void theFirstFrameOfAStreamIsJudgedOnThePatternAlone() throws Exception {
        harness.getOutput().clear();
        harness.processElement(MediaEvent.of(Features.frame("s", 0, TestPatterns.picture(TestPatterns.SMPTE, 0f))), 0);
        assertThat(harness.extractOutputValues().get(0).hasCondition(DefectType.COLOR_BARS))
                .isTrue();
    }

    @Test
    void barsThatMoveAreNotAStillTestPattern() throws Exception {
        assertThat(bars(TestPatterns.picture(TestPatterns.SMPTE, 12f))).isFalse();
    }

    @Test
    void rainbowStripesAreNotBars() throws Exception {
        MediaEvent event = judge(TestPatterns.picture(TestPatterns.RAINBOW_STRIPES, 0.1f));
        assertThat(event.hasCondition(DefectType.COLOR_BARS)).isFalse();
        assertThat(event.measure(DefectType.COLOR_BARS)).isLessThan(5f);
    }

    @Test
    void barsInReverseOrderAreNotBars() throws Exception {
        assertThat(bars(TestPatterns.picture((x, y) -> TestPatterns.EBU.at(1 - x, y), 0.1f)))
                .isFalse();
    }

    @Test
    void colourfulSlidesAndColourfulMotionAreNotBars() throws Exception {
        for (long seed = 0; seed < 20; seed++) {
            assertThat(bars(TestPatterns.picture(TestPatterns.colourfulSlide(seed), 0.1f)))
                    .as("slide %d", seed)
                    .isFalse();
        }
        for (int frame = 0; frame < 50; frame++) {
            // Judged as if it were still, to test the pattern criteria alone.
            assertThat(bars(TestPatterns.picture(TestPatterns.colourfulMotion(frame * 0.2), 0.5f)))
                    .as("frame %d", frame)
                    .isFalse();
        }
    }

    @Test
    void naturalPicturesBlackAndLetterboxAreNotBars() throws Exception {
        assertThat(bars(Features.moving(random))).isFalse();
        assertThat(bars(Features.black(random))).isFalse();
        assertThat(bars(Features.letterboxed(random))).isFalse();
        assertThat(bars(Features.darkNightScene(random))).isFalse();
    }

    @Test
    void framesWithoutThumbnailsAreNotJudged() throws Exception {
        Features.Picture bars = TestPatterns.picture(TestPatterns.SMPTE, 0.1f);
        Features.Picture truncated = new Features.Picture(
                bars.blackPixelShare(),
                0.1f,
                new byte[10],
                bars.cb(),
                bars.cr(),
                false,
                bars.lumaMean(),
                bars.lumaStdDev());
        assertThat(bars(truncated)).isFalse();
    }

    @Test
    void threeSecondsOfBarsAreOneCriticalDefectAndNotAFreeze() throws Exception {
        List<DefectEvent> defects = chain(
                t -> t >= 4000 && t < 7000 ? TestPatterns.picture(TestPatterns.SMPTE, 0f) : Features.moving(random));
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.COLOR_BARS);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(0).getStartMediaTimeMs()).isEqualTo(4000);
        assertThat(defects.get(0).getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(7000);
        assertThat(defects.get(1).getValue()).isEqualTo(6.0);
        assertThat(defects.get(1).getUnit()).isEqualTo("bars");
    }

    @Test
    void barsShorterThanTheMinimumDurationRaiseNothing() throws Exception {
        assertThat(chain(t ->
                        t >= 4000 && t < 5800 ? TestPatterns.picture(TestPatterns.EBU, 0f) : Features.moving(random)))
                .isEmpty();
    }

    @Test
    void barsOpenOnlyAfterTwoSeconds() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            for (SpecificRecord r : Program.of(
                    "s",
                    10_000,
                    t -> t >= 2000 ? TestPatterns.picture(TestPatterns.ARIB, 0f) : Features.moving(random),
                    t -> Program.PROGRAMME_AUDIO)) {
                chain.process(r);
                long now = r instanceof VideoFrameFeatures v ? v.getMediaTimeUs() / 1000 : -1;
                if (now >= 0 && now < 3960) {
                    assertThat(chain.defects()).as("at %d ms", now).isEmpty();
                }
            }
            assertThat(chain.defects()).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED);
            chain.process(Features.ended("s", 9_960_000));
            assertThat(chain.defects())
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(chain.keyedStateEntries()).isZero();
            assertThat(chain.timers()).isZero();
        }
    }

    private List<DefectEvent> chain(LongFunction<Features.Picture> picture) throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            chain.processAll(Program.of("s", 12_000, picture, t -> Program.PROGRAMME_AUDIO));
            chain.process(Features.ended("s", 11_960_000));
            assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            assertThat(chain.timers()).as("timers after ENDED").isZero();
            return chain.defects();
        }
    }
}
