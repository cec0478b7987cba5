package io.avmon.job;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time for the job: {@link MediaEvent#ingestTimeMs}, the converter's wall clock at decode. It is the one
 * timeline shared by all streams interleaved in a Kafka partition; a stream's media clock is not (each starts
 * at 0), so it must never drive watermarks.
 */
public final class MediaEventWatermarks {
    /** Converters on different hosts and producer batching reorder records by up to about this much. */
    public static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    /** A partition silent this long stops holding the watermark back (one health window and a half). */
    public static final Duration IDLENESS = Duration.ofSeconds(15);

    private MediaEventWatermarks() {}

    public static WatermarkStrategy<MediaEvent> strategy() {
        return WatermarkStrategy.<MediaEvent>forBoundedOutOfOrderness(MAX_OUT_OF_ORDERNESS)
                .withTimestampAssigner((event, recordTimestamp) -> event.ingestTimeMs)
                .withIdleness(IDLENESS);
    }
}
