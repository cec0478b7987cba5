package io.avmon.benchmarks.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.InjectedDefect;
import io.avmon.testmedia.TimedSegment;
import io.avmon.testmedia.VideoKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScorerTest {

    private final Scorer scorer = new Scorer(1.0);

    private static Scorer.ClipTruth clip(String id, double duration, InjectedDefect... truth) {
        return new Scorer.ClipTruth(
                id,
                id,
                duration,
                List.of(truth),
                List.of(new TimedSegment(0, duration, VideoKind.MOTION, AudioContent.PROGRAMME)),
                false);
    }

    private static Scorer.Reported report(String stream, DefectType type, double start, Double end, Integer channel) {
        return new Scorer.Reported(stream + type + start + channel, stream, type, start, end, channel);
    }

    @Test
    void exactMatchIsATruePositiveWithZeroErrors() {
        Scorer.Result r = scorer.score(
                List.of(clip("a", 10, new InjectedDefect(DefectType.BLACK_FRAMES, 3.0, 6.5, null))),
                List.of(report("a", DefectType.BLACK_FRAMES, 3.0, 6.5, null)));

        Scorer.ClassScore s = r.perClass().get(DefectType.BLACK_FRAMES);
        assertThat(s.tp()).isEqualTo(1);
        assertThat(s.fp()).isZero();
        assertThat(s.fn()).isZero();
        assertThat(s.precision()).isEqualTo(1.0);
        assertThat(s.recall()).isEqualTo(1.0);
        assertThat(s.f1()).isEqualTo(1.0);
        assertThat(s.meanAbsOnsetError()).isZero();
        assertThat(s.maxAbsOnsetError()).isZero();
        assertThat(s.meanAbsEndError()).isZero();
    }

    @Test
    void onsetErrorsAreMeasuredOnTruePositives() {
        Scorer.Result r = scorer.score(
                List.of(clip(
                        "a",
                        20,
                        new InjectedDefect(DefectType.FROZEN_FRAMES, 2.0, 5.0, null),
                        new InjectedDefect(DefectType.FROZEN_FRAMES, 10.0, 14.0, null))),
                List.of(
                        report("a", DefectType.FROZEN_FRAMES, 2.2, 5.1, null),
                        report("a", DefectType.FROZEN_FRAMES, 9.6, 14.3, null)));

        Scorer.ClassScore s = r.perClass().get(DefectType.FROZEN_FRAMES);
        assertThat(s.tp()).isEqualTo(2);
        assertThat(s.meanAbsOnsetError()).isCloseTo(0.3, within(1e-9));
        assertThat(s.maxAbsOnsetError()).isCloseTo(0.4, within(1e-9));
        assertThat(s.meanOnsetBias()).isCloseTo(-0.1, within(1e-9));
        assertThat(s.meanAbsEndError()).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void onsetBeyondToleranceIsAMissAndAFalsePositive() {
        Scorer.Result r = scorer.score(
                List.of(clip("a", 20, new InjectedDefect(DefectType.AUDIO_SILENCE, 4.0, 9.0, null))),
                List.of(report("a", DefectType.AUDIO_SILENCE, 5.5, 9.0, null)));

        Scorer.ClassScore s = r.perClass().get(DefectType.AUDIO_SILENCE);
        assertThat(s.tp()).isZero();
        assertThat(s.fn()).isEqualTo(1);
        assertThat(s.fp()).isEqualTo(1);
        assertThat(s.f1()).isZero();
        assertThat(r.misses()).singleElement().extracting(Scorer.Miss::streamId).isEqualTo("a");
        assertThat(r.falsePositives())
                .singleElement()
                .satisfies(f -> assertThat(f.report().startSeconds()).isEqualTo(5.5));
    }

    @Test
    void oneReportCoveringTwoTruthsMatchesOnlyOne() {
        Scorer.Result r = scorer.score(
                List.of(clip(
                        "a",
                        30,
                        new InjectedDefect(DefectType.BLACK_FRAMES, 5.0, 9.0, null),
                        new InjectedDefect(DefectType.BLACK_FRAMES, 12.0, 15.0, null))),
                List.of(report("a", DefectType.BLACK_FRAMES, 5.0, 15.0, null)));

        Scorer.ClassScore s = r.perClass().get(DefectType.BLACK_FRAMES);
        assertThat(s.tp()).isEqualTo(1);
        assertThat(s.fn()).isEqualTo(1);
        assertThat(s.fp()).isZero();
        assertThat(r.matches()).singleElement().satisfies(m -> {
            assertThat(m.truth().startSeconds()).isEqualTo(5.0);
            assertThat(m.endError()).isEqualTo(6.0);
        });
        assertThat(r.misses())
                .singleElement()
                .satisfies(m -> assertThat(m.truth().startSeconds()).isEqualTo(12.0));
    }

    @Test
    void amongTruthsWithinToleranceTheLargestOverlapWins() {
        Scorer.Result r = scorer.score(
                List.of(clip(
                        "a",
                        30,
                        new InjectedDefect(DefectType.BLACK_FRAMES, 5.0, 5.5, null),
                        new InjectedDefect(DefectType.BLACK_FRAMES, 5.8, 15.0, null))),
                List.of(report("a", DefectType.BLACK_FRAMES, 5.0, 15.0, null)));

        assertThat(r.matches())
                .singleElement()
                .satisfies(m -> assertThat(m.truth().startSeconds()).isEqualTo(5.8));
        assertThat(r.misses())
                .singleElement()
                .satisfies(m -> assertThat(m.truth().startSeconds()).isEqualTo(5.0));
    }

    @Test
    void truthCloserThanTheMergeGapIsScoredAsOneDefect() {
        Scorer merging = new Scorer(1.0, Map.of(DefectType.BLOCK_CORRUPTION, 1.0));
        Scorer.Result r = merging.score(
                List.of(clip(
                        "a",
                        30,
                        new InjectedDefect(DefectType.BLOCK_CORRUPTION, 4.0, 4.32, null),
                        new InjectedDefect(DefectType.BLOCK_CORRUPTION, 4.36, 4.8, null),
                        new InjectedDefect(DefectType.BLOCK_CORRUPTION, 9.0, 9.4, null))),
                List.of(report("a", DefectType.BLOCK_CORRUPTION, 4.0, 4.8, null)));

        Scorer.ClassScore s = r.perClass().get(DefectType.BLOCK_CORRUPTION);
        assertThat(s.tp()).isEqualTo(1);
        assertThat(s.fn()).isEqualTo(1);
        assertThat(r.matches())
                .singleElement()
                .satisfies(m -> assertThat(m.endError()).isZero());
    }

    @Test
    void twoReportsForOneTruthLeaveOneFalsePositive() {
        Scorer.Result r = scorer.score(
                List.of(clip("a", 30, new InjectedDefect(DefectType.FRAME_DROP, 6.0, 6.08, null))),
                List.of(
                        report("a", DefectType.FRAME_DROP, 6.04, 6.08, null),
                        report("a", DefectType.FRAME_DROP, 6.0, 6.08, null)));

        Scorer.ClassScore s = r.perClass().get(DefectType.FRAME_DROP);
        assertThat(s.tp()).isEqualTo(1);
        assertThat(s.fp()).isEqualTo(1);
        assertThat(r.matches())
                .singleElement()
                .satisfies(m -> assertThat(m.onsetError()).isZero());
    }

    @Test
    void channelMismatchIsAMissAndAFalsePositive() {
        Scorer.Result r = scorer.score(
                List.of(clip("a", 20, new InjectedDefect(DefectType.AUDIO_CHANNEL_LOSS, 3.0, 8.0, 1))),
                List.of(report("a", DefectType.AUDIO_CHANNEL_LOSS, 3.0, 8.0, 0)));

        Scorer.ClassScore s = r.perClass().get(DefectType.AUDIO_CHANNEL_LOSS);
        assertThat(s.tp()).isZero();
        assertThat(s.fn()).isEqualTo(1);
        assertThat(s.fp()).isEqualTo(1);

        Scorer.Result right = scorer.score(
                List.of(clip("a", 20, new InjectedDefect(DefectType.AUDIO_CHANNEL_LOSS, 3.0, 8.0, 1))),
                List.of(report("a", DefectType.AUDIO_CHANNEL_LOSS, 3.0, 8.0, 1)));
        assertThat(right.perClass().get(DefectType.AUDIO_CHANNEL_LOSS).tp()).isEqualTo(1);
    }

    @Test
    void classMismatchAndOtherStreamsDoNotMatch() {
        Scorer.Result r = scorer.score(
                List.of(clip("a", 20, new InjectedDefect(DefectType.BLACK_FRAMES, 3.0, 8.0, null)), clip("b", 20)),
                List.of(
                        report("a", DefectType.FROZEN_FRAMES, 3.0, 8.0, null),
                        report("b", DefectType.BLACK_FRAMES, 3.0, 8.0, null)));

        assertThat(r.perClass().get(DefectType.BLACK_FRAMES).fn()).isEqualTo(1);
        assertThat(r.perClass().get(DefectType.BLACK_FRAMES).fp()).isEqualTo(1);
        assertThat(r.perClass().get(DefectType.FROZEN_FRAMES).fp()).isEqualTo(1);
        assertThat(r.perClass().get(DefectType.FROZEN_FRAMES).f1()).isZero();
    }

    @Test
    void falsePositiveOnAHardNegativeNamesTheSegment() {
        TimedSegment motion = new TimedSegment(0, 3, VideoKind.MOTION, AudioContent.PROGRAMME);
        TimedSegment dip = new TimedSegment(3, 5, VideoKind.DIP_TO_BLACK, AudioContent.PROGRAMME);
        Scorer.ClipTruth hn = new Scorer.ClipTruth(
                "hn",
                "dip",
                8,
                List.of(),
                List.of(motion, dip, new TimedSegment(5, 8, VideoKind.MOTION, AudioContent.PROGRAMME)),
                true);

        Scorer.Result r = scorer.score(List.of(hn), List.of(report("hn", DefectType.BLACK_FRAMES, 3.5, 4.6, null)));

        assertThat(r.hardNegativeFalsePositives()).singleElement().satisfies(f -> {
            assertThat(f.onHardNegative()).isTrue();
            assertThat(f.segments()).containsExactly(dip);
        });
        assertThat(r.perClass().get(DefectType.BLACK_FRAMES).hardNegativeFps()).isEqualTo(1);
    }

    @Test
    void openReportRunsToTheClipEndAndFinalStatePrefersClosed() {
        DefectEvent opened = event("e1", DefectState.OPENED, 2000, null);
        DefectEvent closed = event("e1", DefectState.CLOSED, 2000, 7000L);
        DefectEvent stillOpen = event("e2", DefectState.OPENED, 12000, null);

        List<Scorer.Reported> reports = Scorer.finalStates(List.of(opened, closed, stillOpen));
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).endSeconds()).isEqualTo(7.0);
        assertThat(reports.get(1).endSeconds()).isNull();

        Scorer.Result r = scorer.score(
                List.of(clip(
                        "s",
                        15,
                        new InjectedDefect(DefectType.BLACK_FRAMES, 2.0, 7.0, null),
                        new InjectedDefect(DefectType.BLACK_FRAMES, 12.0, 15.0, null))),
                reports);
        Scorer.ClassScore s = r.perClass().get(DefectType.BLACK_FRAMES);
        assertThat(s.tp()).isEqualTo(2);
        assertThat(s.neverClosed()).isEqualTo(1);
        assertThat(s.meanAbsEndError()).isZero();
    }

    @Test
    void estimatedClassPairsAReportAnywhereInItsTruthAndStillCountsTheOnsetFromTheTruthStart() {
        List<Scorer.ClipTruth> truth =
                List.of(clip("a", 30, new InjectedDefect(DefectType.AV_SYNC_OFFSET, 5.0, 17.0, null)));
        List<Scorer.Reported> late = List.of(report("a", DefectType.AV_SYNC_OFFSET, 10.0, 19.0, null));

        Scorer.ClassScore estimated = new Scorer(1.0, Map.of(), Set.of(DefectType.AV_SYNC_OFFSET))
                .score(truth, late)
                .perClass()
                .get(DefectType.AV_SYNC_OFFSET);
        Scorer.ClassScore plain = scorer.score(truth, late).perClass().get(DefectType.AV_SYNC_OFFSET);

        assertThat(estimated.tp()).isEqualTo(1);
        assertThat(estimated.maxAbsOnsetError()).isCloseTo(5.0, within(1e-9));
        assertThat(plain.tp())
                .as("5 s late is beyond the onset tolerance of a plain class")
                .isZero();
        assertThat(plain.fn()).isEqualTo(1);
        assertThat(plain.fp()).isEqualTo(1);
    }

    @Test
    void estimatedClassReportAfterItsTruthAndToleranceIsAFalsePositive() {
        Scorer.Result r = new Scorer(1.0, Map.of(), Set.of(DefectType.LOUDNESS_VIOLATION))
                .score(
                        List.of(clip("a", 40, new InjectedDefect(DefectType.LOUDNESS_VIOLATION, 5.0, 17.0, null))),
                        List.of(report("a", DefectType.LOUDNESS_VIOLATION, 18.5, 30.0, null)));

        Scorer.ClassScore s = r.perClass().get(DefectType.LOUDNESS_VIOLATION);
        assertThat(s.tp()).isZero();
        assertThat(s.fn()).isEqualTo(1);
        assertThat(s.fp()).isEqualTo(1);
    }

    private static DefectEvent event(String id, DefectState state, long startMs, Long endMs) {
        return DefectEvent.newBuilder()
                .setEventId(id)
                .setStreamId("s")
                .setDefectType(DefectType.BLACK_FRAMES)
                .setState(state)
                .setStartMediaTimeMs(startMs)
                .setEndMediaTimeMs(endMs)
                .setStartWallClockMs(0)
                .setEndWallClockMs(endMs)
                .setSeverity(Severity.CRITICAL)
                .setValue(null)
                .setUnit("ratio")
                .setChannel(null)
                .setDetector("test")
                .build();
    }
}
