package io.avmon.job;

import io.avmon.job.core.MediaEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
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

    /**
     * For an input that carries no media, such as the control topic: its watermark is always the end of time, so
     * where it joins the media (a two-input operator takes the lower of its inputs' watermarks) it never holds the
     * media's event time back. noWatermarks() would hold it at the start of time forever, and no window would fire.
     */
    public static <T> WatermarkStrategy<T> neverHoldingBack() {
        return WatermarkStrategy.forGenerator(context -> new EndOfTime<>());
    }

    private static final class EndOfTime<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
