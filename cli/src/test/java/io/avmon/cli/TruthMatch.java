package io.avmon.cli;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.testmedia.InjectedDefect;
import java.util.ArrayList;
import java.util.List;

/** Pairs reported defects with injected ones of the same type whose start lies within a tolerance. */
record TruthMatch(List<InjectedDefect> missed, List<DefectEvent> falseAlarms, List<String> timingErrors) {

    static TruthMatch of(List<InjectedDefect> truth, List<DefectEvent> closedDefects, double toleranceSeconds) {
        List<DefectEvent> unmatched = new ArrayList<>(closedDefects);
        List<InjectedDefect> missed = new ArrayList<>();
        List<String> timing = new ArrayList<>();
        for (InjectedDefect injected : truth) {
            DefectEvent match = unmatched.stream()
                    .filter(d -> d.getDefectType() == injected.defectType())
                    .filter(d ->
                            Math.abs(d.getStartMediaTimeMs() / 1000.0 - injected.startSeconds()) <= toleranceSeconds)
                    .findFirst()
                    .orElse(null);
            if (match == null) {
                missed.add(injected);
                continue;
            }
            unmatched.remove(match);
            if (match.getState() != DefectState.CLOSED || match.getEndMediaTimeMs() == null) {
                timing.add(injected + " was never closed");
            } else if (Math.abs(match.getEndMediaTimeMs() / 1000.0 - injected.endSeconds()) > toleranceSeconds) {
                timing.add(injected + " ended at " + match.getEndMediaTimeMs() / 1000.0 + " s");
            }
        }
        return new TruthMatch(missed, unmatched, timing);
    }
}
