package io.avmon.job.detect;

import io.avmon.job.core.DefectEvents;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.InputState;
import io.avmon.schema.Severity;
import io.avmon.schema.StreamStatus;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * {@link DefectType#STREAM_STALL}: no video and no audio at all for at least the type's minimum duration. A stall is
 * the absence of records, so unlike the other detectors this one cannot judge a record; it keeps its own
 * OPENED/CLOSED lifecycle and emits on {@link DefectEvents#DEFECTS} itself (eventId as the lifecycle's, from
 * streamId, type and start media time; OPENED and CLOSED share it). Three pieces of evidence:
 * <ul>
 *   <li><b>Media time jumping across both tracks</b> (a recording of a feed that stalled, any replay): a record
 *       starting {@code minDuration} or more after the end of the latest record of either kind. OPENED and CLOSED are
 *       emitted together on that record, from the end of the last record before the hole to its own media time.
 *       Taking the latest end over both kinds makes a hole in one track alone (video lost, audio on) no stall:
 *       {@link FrameDropDetector} raises lost pictures under running sound.</li>
 *   <li><b>Nothing arriving</b> (live): a processing-time watchdog fires {@code minDuration} after the last media
 *       record and OPENS the stall then, without waiting for a next record. One timer per stream at a time: it is
 *       registered when none is pending and, on firing early (records came meanwhile), re-registered at last record
 *       + minDuration, so a stream costs one timer per minDuration instead of one per record. The first media record
 *       after it CLOSES the stall (end: that record's media time).</li>
 *   <li><b>The converter's RECONNECTING heartbeats</b>: the input is down. A heartbeat once minDuration has passed
 *       since the last media record opens the stall even if the timer has not fired yet.</li>
 * </ul>
 * The watchdog is armed only for live inputs, once a LIVE or RECONNECTING status has been seen: a file read by
 * {@code avmon analyze} goes as fast as it decodes, and a pause in processing there (GC, a busy machine) is not a
 * stall of the media; its stalls show as media-time holes. Conversely, on a live input the wall clock is the
 * judge and media-time holes are not: the watchdog has already reported the hole (judging it again would report
 * one stall twice), and a timestamp jump in a feed that never stopped arriving is a discontinuity, not a stall.
 *
 * <p>A stall still open when ENDED arrives is closed at the last media time seen. A stream that sends nothing for
 * the state retention is forgotten (an open stall is closed first). Placed after the lifecycle, it adds an
 * open stall to the records' open-defect annotation (status heartbeats while down). Its value is the stall's length
 * in seconds.
 */
public class StreamStallDetector extends KeyedProcessFunction<String, MediaEvent, MediaEvent> {
    private static final long serialVersionUID = 1L;

    private static final long NONE = Long.MIN_VALUE;
    /** A video frame's duration is taken from the last frame-to-frame delta when it is below this. */
    private static final long MAX_FRAME_DURATION_US = 1_000_000;

    /** The per-stream state: a Flink POJO. Times are µs media, ms wall (epoch) or ms processing as named. */
    public static class Stall extends ExpiringState {
        public long lastMediaEndUs = NONE;
        public long lastVideoUs = NONE;
        public long frameDurationUs;
        public long lastIngestMs;
        public long lastRecordProcessingMs = NONE;
        public long timerAt = NONE;
        public boolean live;
        public boolean open;
        public long startMediaMs;
        public long startWallMs;
        /** The stream's policy as of its last record: the watchdog fires when no record is at hand. */
        public long minDurationMs;

        public Severity severity;

        public Stall() {}
    }

    /** The policy for records that carry no profile, and the state retention, fixed when the job starts. */
    private final DetectionProfile startProfile;

    private transient StreamState<Stall> stall;
    /**
     * Processing time when this instance first ran after it started or restored (NONE until then). Silence counts
     * from here at the earliest: while the job itself was down, a stream's records waited in Kafka, and a watchdog
     * restored with its old times would take the job's outage for a stall of every stream.
     */
    private transient long watchingSinceMs;

    private transient Counter defectsOpened;
    private transient Counter defectsClosed;

    private final String unit;
    private final String operatorName;

    /**
     * @param unit         of the event's value
     * @param operatorName reported as the event's detector
     */
    public StreamStallDetector(DetectionProfile profile, String unit, String operatorName) {
        this.startProfile = profile;
        this.unit = unit;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) {
        // Its own expiry timer forgets a stream that never went live (no watchdog runs for it, as in a replay).
        stall = StreamState.of(getRuntimeContext(), "streamStall", Stall.class, startProfile.stateRetention());
        watchingSinceMs = NONE;
        defectsOpened = getRuntimeContext().getMetricGroup().counter("defectsOpened");
        defectsClosed = getRuntimeContext().getMetricGroup().counter("defectsClosed");
    }

    @Override
    public void processElement(MediaEvent event, Context ctx, Collector<MediaEvent> out) throws Exception {
        DetectionProfile.Policy policy =
                (event.profile != null ? event.profile : startProfile).policy(DefectType.STREAM_STALL);
        stall.at(ctx.timerService());
        Stall s = stall.value();
        if (!policy.enabled()) {
            if (s != null) {
                // Switched off at run time: end what the watchdog holds for the stream.
                forget(ctx, s, Math.max(s.lastIngestMs, event.ingestTimeMs));
            }
            out.collect(event);
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        watchFrom(now);
        if (event.video != null || event.audio != null) {
            s = media(event, withPolicy(s == null ? new Stall() : s, policy), now, ctx);
        } else if (event.status != null) {
            s = status(event.status, s == null ? null : withPolicy(s, policy), policy, now, ctx);
        }
        if (s != null && s.open) {
            event.openDefects++;
            event.openDefectTypes |= MediaEvent.bit(DefectType.STREAM_STALL);
        }
        out.collect(event);
    }

    private static Stall withPolicy(Stall s, DetectionProfile.Policy policy) {
        s.minDurationMs = policy.minDuration().toMillis();
        if (!s.open) {
            // An open stall closes with the severity it opened with.
            s.severity = policy.severity();
        }
        return s;
    }

    private Stall media(MediaEvent event, Stall s, long now, Context ctx) throws Exception {
        long minDurationUs = s.minDurationMs * 1000;
        long mediaUs = event.mediaTimeUs;
        if (mediaUs != MediaEvent.UNKNOWN_MEDIA_TIME) {
            if (s.open) {
                close(ctx, s, Math.floorDiv(mediaUs, 1000L), event.ingestTimeMs);
                if (s.timerAt != NONE) {
                    // The pending timer is the open stall's expiry: the watchdog starts afresh below.
                    ctx.timerService().deleteProcessingTimeTimer(s.timerAt);
                    s.timerAt = NONE;
                }
            } else if (!s.live && s.lastMediaEndUs != NONE && mediaUs - s.lastMediaEndUs >= minDurationUs) {
                // A hole in both tracks: nothing was sent for that stretch of media time.
                s.startMediaMs = Math.floorDiv(s.lastMediaEndUs, 1000L);
                s.startWallMs = s.lastIngestMs;
                emit(ctx, s, DefectState.OPENED, null, null);
                close(ctx, s, Math.floorDiv(mediaUs, 1000L), event.ingestTimeMs);
            }
            long endUs = mediaUs + durationUs(event, s);
            s.lastMediaEndUs = s.lastMediaEndUs == NONE ? endUs : Math.max(s.lastMediaEndUs, endUs);
        }
        s.lastIngestMs = Math.max(s.lastIngestMs, event.ingestTimeMs);
        s.lastRecordProcessingMs = now;
        if (s.live && s.timerAt == NONE) {
            register(ctx, s, now + s.minDurationMs);
        }
        stall.update(s);
        return s;
    }

    private long durationUs(MediaEvent event, Stall s) {
        if (event.audio != null) {
            int rate = event.audio.getSampleRate();
            return rate > 0 ? event.audio.getSampleCount() * 1_000_000L / rate : 0;
        }
        long duration = 0;
        if (s.lastVideoUs != NONE) {
            long delta = event.mediaTimeUs - s.lastVideoUs;
            if (delta > 0 && delta < MAX_FRAME_DURATION_US) {
                s.frameDurationUs = delta;
            }
            duration = s.frameDurationUs;
        }
        s.lastVideoUs = event.mediaTimeUs;
        return duration;
    }

    private Stall status(StreamStatus status, Stall s, DetectionProfile.Policy policy, long now, Context ctx)
            throws Exception {
        InputState state = status.getState();
        if (state == InputState.ENDED) {
            if (s != null) {
                forget(ctx, s, Math.max(s.lastIngestMs, status.getIngestTimeMs()));
            }
            return null;
        }
        if (state != InputState.LIVE && state != InputState.RECONNECTING) {
            return s;
        }
        if (s == null) {
            s = withPolicy(new Stall(), policy);
        }
        s.live = true;
        if (s.lastRecordProcessingMs == NONE) {
            // Down before any media arrived: the silence is counted from the first word of the input.
            s.lastRecordProcessingMs = now;
            s.lastIngestMs = status.getIngestTimeMs();
            if (status.getLastMediaTimeUs() != null) {
                s.lastMediaEndUs = status.getLastMediaTimeUs();
            }
        }
        if (state == InputState.RECONNECTING && !s.open && now - lastHeardMs(s) >= s.minDurationMs) {
            open(ctx, s);
        }
        if (s.timerAt == NONE) {
            register(
                    ctx,
                    s,
                    s.open
                            ? s.lastRecordProcessingMs
                                    + startProfile.stateRetention().toMillis()
                            : Math.max(now, s.lastRecordProcessingMs + s.minDurationMs));
        }
        stall.update(s);
        return s;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MediaEvent> out) throws Exception {
        stall.at(ctx.timerService());
        Stall s = stall.value();
        if (s == null) {
            return;
        }
        if (s.timerAt == timestamp) {
            watch(timestamp, ctx, s);
        }
        // The expiry timer (it may share the watchdog's time, and then was written just now, and re-arms).
        stall.expire(timestamp);
    }

    /** The watchdog's timer: opens a stall after the stream's minimum silence, forgets a stream gone for good. */
    private void watch(long timestamp, OnTimerContext ctx, Stall s) throws Exception {
        s.timerAt = NONE;
        long now = ctx.timerService().currentProcessingTime();
        watchFrom(now);
        long heardMs = lastHeardMs(s);
        long silentMs = Math.max(timestamp, now) - heardMs;
        long retentionMs = startProfile.stateRetention().toMillis();
        if (s.open && silentMs >= retentionMs) {
            // Gone for good without ENDED: close where it was last seen, and forget the stream.
            close(ctx, s, s.startMediaMs, s.lastIngestMs);
            stall.clear();
            return;
        }
        if (!s.open && silentMs >= s.minDurationMs) {
            open(ctx, s);
        }
        register(ctx, s, heardMs + (s.open ? retentionMs : s.minDurationMs));
        stall.update(s);
    }

    private void watchFrom(long now) {
        if (watchingSinceMs == NONE) {
            watchingSinceMs = now;
        }
    }

    /** The stream's last record, or this instance's start if that came later: silence the job could observe. */
    private long lastHeardMs(Stall s) {
        return Math.max(s.lastRecordProcessingMs, watchingSinceMs);
    }

    /** Closes an open stall at the last media time seen, cancels the watchdog and drops the stream's state. */
    private void forget(Context ctx, Stall s, long endWallMs) throws Exception {
        if (s.open) {
            long lastMs = s.lastMediaEndUs == NONE ? s.startMediaMs : Math.floorDiv(s.lastMediaEndUs, 1000L);
            close(ctx, s, lastMs, endWallMs);
        }
        if (s.timerAt != NONE) {
            ctx.timerService().deleteProcessingTimeTimer(s.timerAt);
        }
        stall.clear();
    }

    private void open(Context ctx, Stall s) {
        s.startMediaMs = s.lastMediaEndUs == NONE ? 0 : Math.floorDiv(s.lastMediaEndUs, 1000L);
        s.startWallMs = s.lastIngestMs;
        emit(ctx, s, DefectState.OPENED, null, null);
    }

    private void close(Context ctx, Stall s, long endMediaMs, long endWallMs) {
        // After a reconnect the media clock may have restarted: the end is never before the start.
        long end = Math.max(s.startMediaMs, endMediaMs);
        emit(ctx, s, DefectState.CLOSED, end, Math.max(s.startWallMs, endWallMs));
        s.open = false;
    }

    private void register(Context ctx, Stall s, long at) {
        ctx.timerService().registerProcessingTimeTimer(at);
        s.timerAt = at;
    }

    private void emit(Context ctx, Stall s, DefectState state, Long endMediaMs, Long endWallMs) {
        String streamId = ctx.getCurrentKey();
        Double value = null;
        if (endMediaMs != null) {
            long mediaLength = endMediaMs - s.startMediaMs;
            value = (mediaLength > 0 ? mediaLength : Math.max(0, endWallMs - s.startWallMs)) / 1000.0;
        }
        DefectEvent defect = DefectEvent.newBuilder()
                .setEventId(DefectEvents.eventId(streamId, DefectType.STREAM_STALL, -1, s.startMediaMs))
                .setStreamId(streamId)
                .setDefectType(DefectType.STREAM_STALL)
                .setState(state)
                .setStartMediaTimeMs(s.startMediaMs)
                .setEndMediaTimeMs(endMediaMs)
                .setStartWallClockMs(s.startWallMs)
                .setEndWallClockMs(endWallMs)
                .setSeverity(s.severity)
                .setValue(value)
                .setUnit(unit)
                .setChannel(null)
                .setDetector(operatorName)
                .build();
        if (state == DefectState.OPENED) {
            s.open = true;
            defectsOpened.inc();
        } else {
            defectsClosed.inc();
        }
        ctx.output(DefectEvents.DEFECTS, defect);
    }
}
