package io.avmon.benchmarks.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.avmon.job.DetectionProfile;
import io.avmon.schema.DefectType;

/**
 * A slice of the accuracy corpus in the test suite, held to issue 3's targets: the first clip of every injectable
 * class and every hard negative, through the production detector graph. The full corpus runs as a benchmark
 * (benchmarks/results/accuracy.md).
 */
class AccuracySliceTest {

    @TempDir
    Path dir;

    @Test
    void everyClassMeetsTheTargetAndNoHardNegativeRaisesAnything() throws Exception {
        DetectionProfile profile = DetectionProfile.defaults();
        List<AccuracyCorpus.Written> clips = new AccuracyCorpus(profile).write(dir, 2,
                entry -> entry.name().endsWith("-1") || entry.group().equals(AccuracyCorpus.HARD_NEGATIVE));
        Set<DefectType> injected = clips.stream().flatMap(c -> c.truth().stream()).map(d -> d.defectType())
                .collect(Collectors.toSet());
        assertThat(injected).as("the slice injects the classes testmedia can write")
                .contains(DefectType.BLACK_FRAMES, DefectType.FROZEN_FRAMES, DefectType.COLOR_BARS, DefectType.FRAME_DROP,
                        DefectType.AUDIO_SILENCE, DefectType.AUDIO_CLIPPING, DefectType.AUDIO_CHANNEL_LOSS,
                        DefectType.LOUDNESS_VIOLATION);
        assertThat(clips).filteredOn(c -> c.entry().group().equals(AccuracyCorpus.HARD_NEGATIVE)).hasSizeGreaterThanOrEqualTo(6);

        AccuracyRun.Outcome outcome = AccuracyRun.analyseAndScore(profile, clips, 2.0);

        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.result().hardNegativeFalsePositives()).as("alarms on hard negatives").isEmpty();
        Map<DefectType, Scorer.ClassScore> scores = outcome.result().perClass();
        for (DefectType type : injected) {
            Scorer.ClassScore score = scores.get(type);
            assertThat(score).as(type + " scored").isNotNull();
            assertThat(score.f1()).as(type + " F1 (tp %d, fp %d, fn %d)", score.tp(), score.fp(), score.fn())
                    .isGreaterThanOrEqualTo(0.95);
        }
        assertThat(outcome.result().matches()).allSatisfy(match ->
                assertThat(Math.abs(match.onsetError())).as(match.streamId() + " " + match.truth()).isLessThanOrEqualTo(0.5));
    }
}
