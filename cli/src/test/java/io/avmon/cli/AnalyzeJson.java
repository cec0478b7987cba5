package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads {@code avmon analyze --json} output back, as a consumer of it would. */
final class AnalyzeJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AnalyzeJson() {}

    /** Runs {@code avmon analyze --json} on one file and returns the defects it printed. */
    static List<DefectEvent> analyze(String file) throws JsonProcessingException {
        return analyzeWithProfile(null, file);
    }

    /** As {@link #analyze(String)}, with {@code --profile profile} unless it is null. */
    static List<DefectEvent> analyzeWithProfile(Path profile, String file) throws JsonProcessingException {
        AnalyzeCommandTest.Result result = profile == null
                ? AnalyzeCommandTest.run("analyze", "--json", "--no-progress", file)
                : AnalyzeCommandTest.run("analyze", "--json", "--no-progress", "--profile", profile.toString(), file);
        assertThat(result.exitCode()).as(result.err()).isIn(0, 1);
        return rows(result.out()).stream().map(AnalyzeJson::toEvent).toList();
    }

    /** One map per JSON line. */
    static List<Map<String, Object>> rows(String out) throws JsonProcessingException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            if (!line.isBlank()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> row = MAPPER.readValue(line, Map.class);
                rows.add(row);
            }
        }
        return rows;
    }

    static DefectEvent toEvent(Map<String, Object> row) {
        Object end = row.get("endMediaTimeMs");
        Object value = row.get("value");
        Object channel = row.get("channel");
        return DefectEvent.newBuilder()
                .setEventId(String.valueOf(row.get("eventId")))
                .setStreamId(String.valueOf(row.get("streamId")))
                .setDefectType(DefectType.valueOf(String.valueOf(row.get("defectType"))))
                .setState(DefectState.valueOf(String.valueOf(row.get("state"))))
                .setStartMediaTimeMs(((Number) row.get("startMediaTimeMs")).longValue())
                .setEndMediaTimeMs(end == null ? null : ((Number) end).longValue())
                .setStartWallClockMs(0)
                .setSeverity(Severity.valueOf(String.valueOf(row.get("severity"))))
                .setValue(value == null ? null : ((Number) value).doubleValue())
                .setChannel(channel == null ? null : ((Number) channel).intValue())
                .setUnit(String.valueOf(row.get("unit")))
                .setDetector(String.valueOf(row.get("detector")))
                .build();
    }
}
