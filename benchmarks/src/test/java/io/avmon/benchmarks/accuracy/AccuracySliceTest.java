package io.avmon.benchmarks.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.core.DetectionProfile;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.InjectedDefect;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slice of the accuracy corpus in the test suite, held to issue 3's targets: one clip of every class (two defects
 * each) and twelve hard negatives ({@link AccuracyCorpus#SLICE}), through the production detector graph. The full corpus
 * runs as a benchmark (benchmarks/results/accuracy.md), which lists what the detectors still miss.
 */
class AccuracySliceTest {

    private static final Set<DefectType> EVERY_CLASS = EnumSet.of(
            DefectType.BLACK_FRAMES,
            DefectType.FROZEN_FRAMES,
            DefectType.COLOR_BARS,
            DefectType.FRAME_DROP,
            DefectType.BLOCK_CORRUPTION,
            DefectType.STREAM_STALL,
            DefectType.AUDIO_SILENCE,
            DefectType.AUDIO_CLIPPING,
            DefectType.AUDIO_CHANNEL_LOSS,
            DefectType.LOUDNESS_VIOLATION,
            DefectType.AV_SYNC_OFFSET);

    @TempDir
    Path dir;

    @Test
    void everyClassMeetsTheTargetAndNoHardNegativeRaisesAnything() throws Exception {
        DetectionProfile profile = DefectKind.defaultProfile();
        List<AccuracyCorpus.Written> clips = new AccuracyCorpus(profile).write(dir, 2, AccuracyCorpus.Entry::inSlice);
        Set<DefectType> injected = clips.stream()
                .flatMap(c -> c.truth().stream())
                .map(InjectedDefect::defectType)
                .collect(Collectors.toSet());
        assertThat(injected).as("the slice injects every class").containsAll(EVERY_CLASS);
        assertThat(clips)
                .as("H.264 damage and stalls, and shifted audio, are in the slice")
                .anySatisfy(c -> assertThat(c.clip().spec()).satisfies(s -> {
                    assertThat(s.isH264()).isTrue();
                    assertThat(s.damage()).isNotEmpty();
                }))
                .anySatisfy(c -> assertThat(c.clip().spec()).satisfies(s -> {
                    assertThat(s.isH264()).isTrue();
                    assertThat(s.gaps()).isNotEmpty();
                }))
                .anySatisfy(c -> assertThat(c.clip().spec().audioShifts()).isNotEmpty());
        assertThat(clips)
                .filteredOn(c -> c.entry().group().equals(AccuracyCorpus.HARD_NEGATIVE))
                .hasSizeGreaterThanOrEqualTo(12)
                .extracting(c -> c.entry().name())
                .as(
                        "issue 9's hard negatives: sparse sounds over digital zeros, cuts on music, a static shot under a long GOP")
                .contains("hn-lineup-beeps", "hn-ticking", "hn-sync-cuts-on-music", "hn-static-long-gop");

        AccuracyRun.Outcome outcome = AccuracyRun.analyseAndScore(profile, clips, 2.0);

        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.result().hardNegativeFalsePositives())
                .as("alarms on hard negatives")
                .isEmpty();
        Map<DefectType, Scorer.ClassScore> scores = outcome.result().perClass();
        for (DefectType type : injected) {
            Scorer.ClassScore score = scores.get(type);
            assertThat(score).as(type + " scored").isNotNull();
            assertThat(score.f1())
                    .as(type + " F1 (tp %d, fp %d, fn %d)", score.tp(), score.fp(), score.fn())
                    .isGreaterThanOrEqualTo(0.95);
        }
        assertThat(outcome.result().matches())
                .allSatisfy(match -> assertThat(Math.abs(match.onsetError()))
                        .as(match.streamId() + " " + match.truth())
                        .isLessThanOrEqualTo(0.5));
    }

    @Test
    void corpusIsTheSameOnEveryRunAndHasTenOrMoreClipsOfEveryClass() {
        List<AccuracyCorpus.Entry> entries = new AccuracyCorpus(DefectKind.defaultProfile()).entries();
        List<AccuracyCorpus.Entry> again = new AccuracyCorpus(DefectKind.defaultProfile()).entries();

        assertThat(again)
                .extracting(AccuracyCorpus.Entry::spec)
                .as("seeded: the same specs on every run")
                .isEqualTo(entries.stream().map(AccuracyCorpus.Entry::spec).toList());
        Map<String, Long> clipsPerClass =
                entries.stream().collect(Collectors.groupingBy(AccuracyCorpus.Entry::group, Collectors.counting()));
        for (DefectType type : EVERY_CLASS) {
            assertThat(clipsPerClass.getOrDefault(type.name(), 0L))
                    .as(type + " clips")
                    .isGreaterThanOrEqualTo(10);
        }
    }
}
