package io.avmon.benchmarks.accuracy;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.InjectedDefect;
import io.avmon.testmedia.TimedSegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scores reported defects against injected truth, per defect class.
 *
 * <p>Matching, per stream and class: a report and a truth entry are a candidate pair when they are the same
 * {@link DefectType}, their channels agree (only checked when the truth names a channel), and the report's onset
 * lies within {@code onsetToleranceSeconds} of the truth's onset (for an <em>estimated</em> class, anywhere from that
 * tolerance before the truth to that tolerance after its end: see {@link #Scorer(double, Map, Set)}). Candidate pairs
 * are then assigned one-to-one, greedily by largest overlap first and, at equal overlap, by smallest onset error. Unpaired truth entries are
 * false negatives, unpaired reports false positives. A report still OPENED at the end is taken to run to the end
 * of its clip.
 *
 * <p>Classes are whatever appears in the truth or in the reports: a class added to testmedia or the job later is
 * picked up without change here.
 */
public final class Scorer {

    /** The truth of one analysed stream. {@code hardNegativeClip}: a clip made only to tempt detectors (no truth). */
    public record ClipTruth(
            String streamId,
            String description,
            double durationSeconds,
            List<InjectedDefect> truth,
            List<TimedSegment> segments,
            boolean hardNegativeClip) {
        public ClipTruth {
            truth = List.copyOf(truth);
            segments = List.copyOf(segments);
        }
    }

    /** One reported defect in its final state. {@code endSeconds} is null while it is still open. */
    public record Reported(
            String eventId, String streamId, DefectType type, double startSeconds, Double endSeconds, Integer channel) {
        double effectiveEnd(double clipEnd) {
            return endSeconds != null ? endSeconds : Math.max(startSeconds, clipEnd);
        }
    }

    public record Match(String streamId, InjectedDefect truth, Reported report) {
        /** Report onset minus truth onset, seconds (negative: reported early). */
        public double onsetError() {
            return report.startSeconds() - truth.startSeconds();
        }

        /** Report end minus truth end, seconds; NaN when the report never closed. */
        public double endError() {
            return report.endSeconds() == null ? Double.NaN : report.endSeconds() - truth.endSeconds();
        }
    }

    public record Miss(String streamId, InjectedDefect truth, String context) {}

    /** A report with no truth to pair with; {@code segments} are those it overlaps (clip-relative). */
    public record FalsePositive(
            Reported report,
            String clipDescription,
            List<TimedSegment> segments,
            boolean onHardNegative,
            boolean inHardNegativeClip) {}

    public record ClassScore(
            DefectType type,
            int tp,
            int fp,
            int fn,
            double meanAbsOnsetError,
            double maxAbsOnsetError,
            double meanOnsetBias,
            double meanAbsEndError,
            int neverClosed,
            int hardNegativeFps) {
        public double precision() {
            return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        }

        public double recall() {
            return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
        }

        public double f1() {
            return 2.0 * tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn);
        }
    }

    public record Result(
            Map<DefectType, ClassScore> perClass,
            List<Match> matches,
            List<Miss> misses,
            List<FalsePositive> falsePositives) {
        public List<FalsePositive> hardNegativeFalsePositives() {
            return falsePositives.stream()
                    .filter(f -> f.onHardNegative() || f.inHardNegativeClip())
                    .toList();
        }
    }

    private final double onsetToleranceSeconds;
    private final Map<DefectType, Double> mergeGapSeconds;
    private final Set<DefectType> estimatedClasses;

    public Scorer(double onsetToleranceSeconds) {
        this(onsetToleranceSeconds, Map.of(), Set.of());
    }

    public Scorer(double onsetToleranceSeconds, Map<DefectType, Double> mergeGapSeconds) {
        this(onsetToleranceSeconds, mergeGapSeconds, Set.of());
    }

    /**
     * @param mergeGapSeconds per class, truth entries (same stream and channel) separated by less than this gap are
     *                        scored as one defect: a detector whose clear delay is that long cannot tell them apart
     *                        (pass each class's recovery hold-off). Classes not in the map are never merged.
     * @param estimatedClasses classes a detector can only see after it has gathered evidence for a while (an A/V
     *                        offset over several flash-beep pairs, loudness over a 3 s window): a report pairs with their truth when its
     *                        onset lies anywhere in the truth interval, widened by the onset tolerance on both sides.
     *                        The onset error is still measured from the truth's start, so the delay shows.
     */
    public Scorer(
            double onsetToleranceSeconds, Map<DefectType, Double> mergeGapSeconds, Set<DefectType> estimatedClasses) {
        if (!(onsetToleranceSeconds >= 0)) {
            throw new IllegalArgumentException("onset tolerance must be >= 0");
        }
        this.onsetToleranceSeconds = onsetToleranceSeconds;
        this.mergeGapSeconds = Map.copyOf(mergeGapSeconds);
        this.estimatedClasses = Set.copyOf(estimatedClasses);
    }

    /** Merges truth entries of a class that lie closer together than the class's merge gap. */
    List<InjectedDefect> mergedTruth(List<InjectedDefect> truth) {
        List<InjectedDefect> sorted = new ArrayList<>(truth);
        sorted.sort(Comparator.comparingDouble(InjectedDefect::startSeconds));
        List<InjectedDefect> out = new ArrayList<>();
        for (InjectedDefect d : sorted) {
            Double gap = mergeGapSeconds.get(d.defectType());
            boolean merged = false;
            if (gap != null) {
                for (int i = out.size() - 1; i >= 0; i--) {
                    InjectedDefect prev = out.get(i);
                    if (prev.defectType() == d.defectType()
                            && Objects.equals(prev.channel(), d.channel())
                            && d.startSeconds() - prev.endSeconds() < gap) {
                        out.set(
                                i,
                                new InjectedDefect(
                                        prev.defectType(),
                                        prev.startSeconds(),
                                        Math.max(prev.endSeconds(), d.endSeconds()),
                                        prev.channel()));
                        merged = true;
                        break;
                    }
                }
            }
            if (!merged) {
                out.add(d);
            }
        }
        return out;
    }

    public double onsetToleranceSeconds() {
        return onsetToleranceSeconds;
    }

    /** One entry per eventId: its CLOSED event when there is one, else its OPENED event (as DefectReport keeps). */
    public static List<Reported> finalStates(List<DefectEvent> events) {
        Map<String, DefectEvent> byId = new LinkedHashMap<>();
        for (DefectEvent e : events) {
            byId.merge(e.getEventId(), e, (a, b) -> b.getState() == DefectState.CLOSED ? b : a);
        }
        List<Reported> out = new ArrayList<>();
        for (DefectEvent e : byId.values()) {
            Long end = e.getState() == DefectState.CLOSED ? e.getEndMediaTimeMs() : null;
            out.add(new Reported(
                    e.getEventId(),
                    e.getStreamId(),
                    e.getDefectType(),
                    e.getStartMediaTimeMs() / 1000.0,
                    end == null ? null : end / 1000.0,
                    e.getChannel()));
        }
        return out;
    }

    public Result score(List<ClipTruth> clips, List<Reported> reports) {
        Map<String, ClipTruth> byStream = new LinkedHashMap<>();
        clips.forEach(c -> byStream.put(c.streamId(), c));

        List<Match> matches = new ArrayList<>();
        List<Miss> misses = new ArrayList<>();
        List<FalsePositive> fps = new ArrayList<>();

        Set<String> streams = new TreeSet<>(byStream.keySet());
        reports.forEach(r -> streams.add(r.streamId()));
        for (String stream : streams) {
            ClipTruth clip = byStream.get(stream);
            List<InjectedDefect> truth = clip == null ? List.of() : mergedTruth(clip.truth());
            double clipEnd = clip == null ? Double.POSITIVE_INFINITY : clip.durationSeconds();
            List<Reported> streamReports =
                    reports.stream().filter(r -> r.streamId().equals(stream)).toList();

            record Pair(int t, int r, double overlap, double onset) {}
            List<Pair> pairs = new ArrayList<>();
            for (int t = 0; t < truth.size(); t++) {
                InjectedDefect d = truth.get(t);
                for (int r = 0; r < streamReports.size(); r++) {
                    Reported rep = streamReports.get(r);
                    if (rep.type() != d.defectType()) {
                        continue;
                    }
                    if (d.channel() != null && !Objects.equals(d.channel(), rep.channel())) {
                        continue;
                    }
                    double onset = Math.abs(rep.startSeconds() - d.startSeconds());
                    boolean inReach = estimatedClasses.contains(d.defectType())
                            ? rep.startSeconds() >= d.startSeconds() - onsetToleranceSeconds - 1e-9
                                    && rep.startSeconds() <= d.endSeconds() + onsetToleranceSeconds + 1e-9
                            : onset <= onsetToleranceSeconds + 1e-9;
                    if (!inReach) {
                        continue;
                    }
                    double end = rep.effectiveEnd(clipEnd);
                    double overlap =
                            Math.max(0, Math.min(end, d.endSeconds()) - Math.max(rep.startSeconds(), d.startSeconds()));
                    pairs.add(new Pair(t, r, overlap, onset));
                }
            }
            pairs.sort(Comparator.comparingDouble((Pair p) -> -p.overlap()).thenComparingDouble(Pair::onset));
            Set<Integer> usedT = new HashSet<>();
            Set<Integer> usedR = new HashSet<>();
            for (Pair p : pairs) {
                if (usedT.contains(p.t()) || usedR.contains(p.r())) {
                    continue;
                }
                usedT.add(p.t());
                usedR.add(p.r());
                matches.add(new Match(stream, truth.get(p.t()), streamReports.get(p.r())));
            }
            for (int t = 0; t < truth.size(); t++) {
                if (!usedT.contains(t)) {
                    misses.add(new Miss(stream, truth.get(t), clip == null ? "" : clip.description()));
                }
            }
            for (int r = 0; r < streamReports.size(); r++) {
                if (usedR.contains(r)) {
                    continue;
                }
                Reported rep = streamReports.get(r);
                List<TimedSegment> overlapped = new ArrayList<>();
                boolean onHardNegative = false;
                if (clip != null) {
                    double end = rep.effectiveEnd(clipEnd);
                    for (TimedSegment s : clip.segments()) {
                        boolean overlaps = end > rep.startSeconds()
                                ? s.startSeconds() < end && s.endSeconds() > rep.startSeconds()
                                : s.contains(rep.startSeconds());
                        if (overlaps) {
                            overlapped.add(s);
                            onHardNegative |= s.isHardNegative();
                        }
                    }
                }
                fps.add(new FalsePositive(
                        rep,
                        clip == null ? "(unknown stream)" : clip.description(),
                        overlapped,
                        onHardNegative,
                        clip != null && clip.hardNegativeClip()));
            }
        }

        Set<DefectType> types = new TreeSet<>();
        clips.forEach(c -> c.truth().forEach(d -> types.add(d.defectType())));
        reports.forEach(r -> types.add(r.type()));
        Map<DefectType, ClassScore> perClass = new EnumMap<>(DefectType.class);
        for (DefectType type : types) {
            List<Match> m =
                    matches.stream().filter(x -> x.truth().defectType() == type).toList();
            int fn = (int)
                    misses.stream().filter(x -> x.truth().defectType() == type).count();
            List<FalsePositive> f =
                    fps.stream().filter(x -> x.report().type() == type).toList();
            double meanAbsOnset = m.stream()
                    .mapToDouble(x -> Math.abs(x.onsetError()))
                    .average()
                    .orElse(Double.NaN);
            double maxAbsOnset =
                    m.stream().mapToDouble(x -> Math.abs(x.onsetError())).max().orElse(Double.NaN);
            double bias = m.stream().mapToDouble(Match::onsetError).average().orElse(Double.NaN);
            double meanAbsEnd = m.stream()
                    .mapToDouble(Match::endError)
                    .filter(d -> !Double.isNaN(d))
                    .map(Math::abs)
                    .average()
                    .orElse(Double.NaN);
            int open = (int)
                    m.stream().filter(x -> x.report().endSeconds() == null).count();
            int hn = (int) f.stream()
                    .filter(x -> x.onHardNegative() || x.inHardNegativeClip())
                    .count();
            perClass.put(
                    type,
                    new ClassScore(
                            type, m.size(), f.size(), fn, meanAbsOnset, maxAbsOnset, bias, meanAbsEnd, open, hn));
        }
        return new Result(perClass, matches, misses, fps);
    }
}
