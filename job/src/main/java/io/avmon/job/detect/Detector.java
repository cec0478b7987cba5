package io.avmon.job.detect;

import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.InputState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
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
    /** The handles {@link #streamState} made, at most one per detector so far: an array, walked per record. */
    private transient StreamState<?>[] streamStates;

    protected Detector(DefectType type, T thresholds) {
        this.type = type;
        this.thresholds = thresholds;
    }

    @Override
    public final void open(OpenContext openContext) throws Exception {
        streamStates = new StreamState<?>[0];
        openState();
        recordsInspected = getRuntimeContext().getMetricGroup().counter("recordsInspected");
        defectiveRecords = getRuntimeContext().getMetricGroup().counter("defectiveRecords");
    }

    /** Creates the detector's keyed state handles and scratch buffers, if it has any. */
    protected void openState() throws Exception {}

    /**
     * A stream's keyed state (a Flink POJO) that is forgotten {@code retention} after it was last written, so a
     * stream that vanishes without ENDED does not leak ({@link StreamState} says how, and why not Flink's TTL).
     */
    protected final <S extends ExpiringState> StreamState<S> streamState(
            String name, Class<S> type, Duration retention) {
        StreamState<S> state = StreamState.of(getRuntimeContext(), name, type, retention);
        List<StreamState<?>> all = new ArrayList<>(List.of(streamStates));
        all.add(state);
        streamStates = all.toArray(new StreamState<?>[0]);
        return state;
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
        for (StreamState<?> state : streamStates) {
            state.at(ctx.timerService());
        }
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

    /** A stream's expiry timer: forgets its state if it has been silent for the retention. */
    @Override
    public final void onTimer(long timestamp, OnTimerContext ctx, Collector<MediaEvent> out) throws Exception {
        for (StreamState<?> state : streamStates) {
            state.at(ctx.timerService());
            state.expire(timestamp);
        }
    }
}
