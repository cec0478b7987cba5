package io.avmon.job.core;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * What the two operators that emit {@link DefectEvent}s share: the lifecycle and the stall detector, which keeps its
 * own lifecycle for an absence of records. Here rather than in either, so the detectors need not import the
 * lifecycle's package.
 */
public final class DefectEvents {
    private DefectEvents() {}

    /** The side output both emit on. */
    public static final OutputTag<DefectEvent> DEFECTS =
            new OutputTag<>("defects", TypeInformation.of(DefectEvent.class));

    /**
     * The name-based UUID of {@code streamId|defectType|channel|startMediaTimeMs}: OPENED and CLOSED of one defect
     * share it, and a replay produces it again.
     */
    public static String eventId(String streamId, DefectType type, int channel, long startMediaTimeMs) {
        String name = streamId + "|" + type.name() + "|" + (channel < 0 ? "" : Integer.toString(channel)) + "|"
                + startMediaTimeMs;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
