package io.avmon.job.detect;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * A stream's keyed state that is forgotten once the stream has not written it for the retention, so a stream that
 * vanishes without ENDED does not leak, neither on the heap nor in checkpoints.
 *
 * <p>Why not Flink's state TTL: it wraps every value in a timestamped copy on every write, checks it on every read,
 * and its incremental cleanup visits further entries on every access; that was an eighth of the job's CPU
 * (benchmarks/results/scale.md). Here a write costs one field store: one processing-time timer per stream is armed
 * when the state is created, and when it fires it either forgets the state (silent for the retention) or re-arms
 * itself at the last write plus the retention. A live stream so costs one timer event per retention (10 minutes by
 * default), and the state goes exactly a retention after its last write, as with TTL.
 *
 * <p>Reads also treat state older than the retention as gone, as TTL's NeverReturnExpired did: a job restored after
 * a stop longer than the retention may see a record before the overdue timer fires.
 *
 * <p>Use: {@link #at} with the operator's timer service before each record or timer of the stream, then
 * {@link #value} and {@link #update} as with a {@link ValueState}; {@link #expire} from {@code onTimer}.
 */
public final class StreamState<S extends ExpiringState> {
    private final ValueState<S> state;
    private final long retentionMs;
    private TimerService timers;
    private long nowMs;

    private StreamState(ValueState<S> state, Duration retention) {
        this.state = state;
        this.retentionMs = retention.toMillis();
    }

    /** The state {@code name} of {@code type}, a Flink POJO, in the operator's keyed state. */
    public static <S extends ExpiringState> StreamState<S> of(
            RuntimeContext context, String name, Class<S> type, Duration retention) {
        return new StreamState<>(context.getState(new ValueStateDescriptor<>(name, Types.POJO(type))), retention);
    }

    /** Before each record or timer of a stream: the timers to use, and the clock read once for the record. */
    public void at(TimerService timerService) {
        this.timers = timerService;
        this.nowMs = timerService.currentProcessingTime();
    }

    /** The stream's state, or null if it has none or it is older than the retention (then it is forgotten now). */
    public S value() throws IOException {
        S s = state.value();
        if (s != null && nowMs - s.writtenMs >= retentionMs) {
            forget(s);
            return null;
        }
        return s;
    }

    /** Stores {@code s} as written now, arming its expiry timer if it has none. */
    public void update(S s) throws IOException {
        s.writtenMs = nowMs;
        if (s.expiryTimerMs == ExpiringState.NO_TIMER) {
            arm(s, nowMs + retentionMs);
        }
        state.update(s);
    }

    /** Forgets the stream's state and its timer (the stream ended). */
    public void clear() throws IOException {
        S s = state.value();
        if (s != null) {
            forget(s);
        }
    }

    /**
     * A timer of the stream fired at {@code timestamp}: if it is this state's and the stream has not written it for
     * the retention, the state is forgotten and true returned; if written since, the timer is re-armed.
     */
    public boolean expire(long timestamp) throws IOException {
        S s = state.value();
        if (s == null || s.expiryTimerMs != timestamp) {
            return false; // another timer of the operator's
        }
        long due = s.writtenMs + retentionMs;
        if (due <= timestamp) {
            state.clear();
            return true;
        }
        arm(s, due);
        state.update(s);
        return false;
    }

    private void arm(S s, long at) {
        timers.registerProcessingTimeTimer(at);
        s.expiryTimerMs = at;
    }

    private void forget(S s) {
        if (s.expiryTimerMs != ExpiringState.NO_TIMER) {
            timers.deleteProcessingTimeTimer(s.expiryTimerMs);
        }
        state.clear();
    }
}
