package io.avmon.job.detect;

import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.InputState;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * What every detector operator does around its one judgement: it judges the records of its medium, annotating
 * each in place, counts them ({@code recordsInspected}, {@code defectiveRecords}), forgets a stream's state when
 * the stream ends, and forwards every record, so the next detector in the chain sees it. A subclass says only
 * which records it judges, how, and what state it keeps.
 *
 * <p>Thresholds come from the record's stream profile ({@link MediaEvent#profile}), which can change at run time
 * and differ per stream: a subclass reads {@link #thresholds}, which holds those of the record at hand. A detector
 * keeps the ones it was built with for records that carry no profile (a detector run on its own, as in the harness
 * tests).
 *
 * @param <T> the detector's thresholds record
 */
public abstract class Detector<T extends DetectorThresholds>
        extends KeyedProcessFunction<String, MediaEvent, MediaEvent> {
    private static final long serialVersionUID = 1L;

    /** The type this detector judges: its verdict bit, and its thresholds in a profile. */
    protected final DefectType type;
    /** The thresholds of the record being judged. */
    protected T thresholds;

    private transient Counter recordsInspected;
    private transient Counter defectiveRecords;
    private transient DetectionProfile appliedProfile;

    protected Detector(DefectType type, T thresholds) {
        this.type = type;
        this.thresholds = thresholds;
    }

    @Override
    public final void open(OpenContext openContext) throws Exception {
        openState();
        recordsInspected = getRuntimeContext().getMetricGroup().counter("recordsInspected");
        defectiveRecords = getRuntimeContext().getMetricGroup().counter("defectiveRecords");
    }

    /** Creates the detector's keyed state handles and scratch buffers, if it has any. */
    protected void openState() throws Exception {}

    /**
     * A stream's keyed state (a Flink POJO) that expires {@code retention} after it was last refreshed, so a
     * stream that vanishes without ENDED does not leak. {@code refreshedOn} says what counts as use: a detector
     * that may only read its state for a long time (a long freeze) needs OnReadAndWrite.
     */
    protected final <T> ValueState<T> streamState(
            String name, Class<T> type, Duration retention, StateTtlConfig.UpdateType refreshedOn) {
        ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, Types.POJO(type));
        descriptor.enableTimeToLive(expiresAfter(retention, refreshedOn));
        return getRuntimeContext().getState(descriptor);
    }

    /**
     * The time-to-live of a stream's state. Flink drops an expired entry from the heap only when later records
     * happen to visit it (incremental cleanup), so a job whose streams have all gone keeps them in memory; full
     * snapshot cleanup at least leaves them out of every checkpoint and savepoint, so they are gone from the
     * state's size and from any restore (the soak benchmark found them in checkpoints long after the retention).
     */
    static StateTtlConfig expiresAfter(Duration retention, StateTtlConfig.UpdateType refreshedOn) {
        return StateTtlConfig.newBuilder(retention)
                .setUpdateType(refreshedOn)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupFullSnapshot()
                .build();
    }

    /** The thresholds in {@link #thresholds} were replaced by a profile's: resize what depends on them. */
    protected void thresholdsChanged() {}

    /** Whether this detector judges the record: video detectors take frames, audio detectors blocks. */
    protected abstract boolean inspects(MediaEvent event);

    /** Judges one record, annotates it with the verdict and measure, and says whether it shows the defect. */
    protected abstract boolean annotate(MediaEvent event) throws Exception;

    /** The stream has ended (StreamStatus ENDED): drop what the detector keeps for it. */
    protected void forgetStream() throws Exception {}

    @Override
    public final void processElement(MediaEvent event, Context ctx, Collector<MediaEvent> out) throws Exception {
        if (inspects(event)) {
            DetectionProfile profile = event.profile;
            if (profile != null && profile != appliedProfile) {
                // A reference check: the book hands out one instance per stream and revision.
                appliedProfile = profile;
                @SuppressWarnings("unchecked")
                T current = (T) profile.thresholds(type);
                if (!current.equals(thresholds)) {
                    thresholds = current;
                    thresholdsChanged();
                }
            }
            recordsInspected.inc();
            if (annotate(event)) {
                defectiveRecords.inc();
            }
        } else if (event.status != null && event.status.getState() == InputState.ENDED) {
            forgetStream();
        }
        out.collect(event);
    }
}
