package io.avmon.cli.analyze;

import io.avmon.cli.common.DefectJson;
import io.avmon.schema.AvroJson;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Presents defect events to a person (a table) or a program (one JSON object per defect per line). */
public final class DefectReport {

    private final List<DefectEvent> defects;

    /**
     * Keeps one event per defect: its CLOSED event when there is one, else its OPENED event. A CLOSED event carries no
     * still of its own: it takes its OPENED's, the picture when the defect was raised.
     */
    public DefectReport(List<DefectEvent> events) {
        Map<String, DefectEvent> byId = new LinkedHashMap<>();
        for (DefectEvent event : events) {
            byId.merge(event.getEventId(), event, DefectReport::laterState);
        }
        List<DefectEvent> sorted = new ArrayList<>(byId.values());
        sorted.sort(Comparator.comparing(DefectEvent::getStreamId)
                .thenComparingLong(DefectEvent::getStartMediaTimeMs)
                .thenComparing(e -> e.getDefectType().name()));
        this.defects = List.copyOf(sorted);
    }

    private static DefectEvent laterState(DefectEvent earlier, DefectEvent later) {
        if (later.getState() != DefectState.CLOSED) {
            return earlier;
        }
        if (later.getStill() == null && earlier.getStill() != null) {
            return DefectEvent.newBuilder(later).setStill(earlier.getStill()).build();
        }
        return later;
    }

    public List<DefectEvent> defects() {
        return defects;
    }

    public List<String> jsonLines() {
        List<String> lines = new ArrayList<>(defects.size());
        for (DefectEvent defect : defects) {
            Long end = defect.getEndMediaTimeMs();
            Map<String, Object> derived = new LinkedHashMap<>();
            derived.put("durationMs", end == null ? null : end - defect.getStartMediaTimeMs());
            lines.add(AvroJson.toJson(DefectJson.toMap(defect, derived)));
        }
        return lines;
    }

    public List<String> tableLines() {
        String format = "%-20s %-20s %12s %12s %9s %14s %7s %-8s";
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT, format, "STREAM", "DEFECT", "START", "END", "DURATION", "VALUE", "CHANNEL", "SEVERITY"));
        for (DefectEvent d : defects) {
            Long end = d.getEndMediaTimeMs();
            lines.add(String.format(
                    Locale.ROOT,
                    format,
                    d.getStreamId(),
                    d.getDefectType(),
                    clock(d.getStartMediaTimeMs()),
                    end == null ? "open" : clock(end),
                    end == null ? "-" : String.format(Locale.ROOT, "%.2f s", (end - d.getStartMediaTimeMs()) / 1000.0),
                    d.getValue() == null ? "-" : String.format(Locale.ROOT, "%.1f %s", d.getValue(), d.getUnit()),
                    d.getChannel() == null ? "-" : String.valueOf(d.getChannel()),
                    d.getSeverity()));
        }
        return lines;
    }

    /** Media time as H:MM:SS.mmm, the way an operator reads a timeline. */
    public static String clock(long mediaTimeMs) {
        long ms = Math.abs(mediaTimeMs);
        return String.format(
                Locale.ROOT,
                "%s%d:%02d:%02d.%03d",
                mediaTimeMs < 0 ? "-" : "",
                ms / 3_600_000,
                ms / 60_000 % 60,
                ms / 1000 % 60,
                ms % 1000);
    }
}
