package io.avmon.cli.common;

import io.avmon.schema.AvroJson;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.Still;
import java.util.Map;

/**
 * One JSON shape for a defect event wherever avmon prints or posts one ({@code notify}'s webhook body, {@code analyze
 * --json}): the schema's fields in order, then any fields the caller derives, then {@code still} as a PNG data URI
 * ({@link StillImage}), or null. The still goes last because it is long: a reader of a line sees the defect first.
 */
public final class DefectJson {

    private static final String STILL = "still";

    private DefectJson() {}

    public static String toJson(DefectEvent event) {
        return AvroJson.toJson(toMap(event, Map.of()));
    }

    /** The event's fields, then {@code derived} (in its iteration order), then the still. */
    public static Map<String, Object> toMap(DefectEvent event, Map<String, Object> derived) {
        Map<String, Object> json = AvroJson.toMap(event);
        json.remove(STILL);
        json.putAll(derived);
        json.put(STILL, stillUri(event.getStill()));
        return json;
    }

    /**
     * A still whose planes do not match its size is left out (null) rather than failing the event: the alarm matters
     * more than its picture.
     */
    private static String stillUri(Still still) {
        if (still == null) {
            return null;
        }
        try {
            return StillImage.dataUri(still);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
