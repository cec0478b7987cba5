package io.avmon.benchmarks.accuracy;

import io.avmon.cli.analyze.AnalysisProgress;
import io.avmon.cli.analyze.MediaFileSplit;
import io.avmon.cli.analyze.OfflineAnalysis;
import io.avmon.job.core.DetectionProfile;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs the production detector graph over written corpus clips in one offline analysis and scores the result:
 * what the accuracy benchmark reports and what the test suite's slice asserts.
 */
public final class AccuracyRun {

    /** The scores, the raw events, files that could not be analysed, and how long the analysis took. */
    public record Outcome(
            Scorer.Result result, List<DefectEvent> events, List<String> failures, double analysisSeconds) {}

    /** Classes whose reports pair anywhere within their truth (see {@link Scorer#Scorer(double, Map, Set)}). */
    public static final Set<DefectType> ESTIMATED_CLASSES =
            Set.of(DefectType.AV_SYNC_OFFSET, DefectType.LOUDNESS_VIOLATION);

    private AccuracyRun() {}

    public static Outcome analyseAndScore(
            DetectionProfile profile, List<AccuracyCorpus.Written> clips, double toleranceSeconds) throws Exception {
        AnalysisProgress.clear();
        List<MediaFileSplit> splits = new ArrayList<>();
        for (AccuracyCorpus.Written w : clips) {
            String input = w.clip().file().toString();
            AnalysisProgress.register(
                    w.entry().name(), input, Math.round(w.clip().durationSeconds() * 1e6));
            splits.add(new MediaFileSplit(input, w.entry().name()));
        }
        long start = System.nanoTime();
        List<DefectEvent> events = new OfflineAnalysis(profile).run(splits);
        double analysisSeconds = (System.nanoTime() - start) / 1e9;
        List<String> failures = new ArrayList<>();
        for (MediaFileSplit s : splits) {
            AnalysisProgress.FileProgress p = AnalysisProgress.register(s.streamId(), s.input(), -1);
            // register() replaced the entry; the analysis is over, so only our own record is lost.
            if (p.failure() != null) {
                failures.add(s.streamId() + ": " + p.failure());
            }
        }
        return new Outcome(score(profile, clips, events, toleranceSeconds), events, failures, analysisSeconds);
    }

    /** Scores {@code clips} against the events of their streams ({@code events} may hold other streams' too). */
    public static Scorer.Result score(
            DetectionProfile profile,
            List<AccuracyCorpus.Written> clips,
            List<DefectEvent> events,
            double toleranceSeconds) {
        Set<String> streams = clips.stream().map(w -> w.entry().name()).collect(Collectors.toSet());
        List<DefectEvent> theirs = events.stream()
                .filter(ev -> streams.contains(ev.getStreamId().toString()))
                .toList();
        // Truth entries of a class closer together than its hold-off are one defect to any monitor.
        Map<DefectType, Double> holdOffs = new EnumMap<>(DefectType.class);
        for (DefectType type : DefectType.values()) {
            holdOffs.put(type, profile.policy(type).recoveryHoldOff().toMillis() / 1000.0);
        }
        // An A/V offset is measured from several flash-beep pairs, and loudness over a 3 s window, so their reports
        // can come seconds into the truth.
        return new Scorer(toleranceSeconds, holdOffs, ESTIMATED_CLASSES)
                .score(clips.stream().map(AccuracyCorpus.Written::toClipTruth).toList(), Scorer.finalStates(theirs));
    }
}
