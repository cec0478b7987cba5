package io.avmon.job.defect;

import io.avmon.job.core.DefectEvents;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.InputState;
import io.avmon.schema.StreamStatus;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the detectors' per-record verdicts into defects: OPENED once a condition has lasted its minimum
 * duration, CLOSED once it has been absent for its recovery hold-off. Keyed by stream; one {@link DefectTrack}
 * per (type, channel) while a candidate or defect exists, and no state at all for a healthy stream. Per-channel
 * types ({@link DefectKind.Trait#PER_CHANNEL}, channel loss) get a track per channel from the record's channel
 * verdicts, so two channels lost at once are two defects, each with its channel and its own eventId.
 *
 * <ul>
 *   <li>A candidate starts at the media time of the first defective record. OPENED is emitted at the first
 *       record (of any medium: time advances on every record of the stream) whose media time reaches
 *       start + minDuration, so a live user sees it as soon as the minimum has passed.</li>
 *   <li>Video types are judged only on video records, audio types only on audio records, except a type
 *       {@link DefectKind.Trait#SHOWN_BY_EITHER_MEDIUM} (a frame drop, which audio blocks show while the pictures are
 *       missing): a record of the other medium that shows it counts as one of its own medium, one that does not
 *       show it counts for nothing. A video candidate
 *       whose condition clears before minDuration is dropped silently (a 1-2 s dip to black emits nothing). An
 *       audio candidate is dropped only once clear for the recovery hold-off, since audio defects such as
 *       clipping show intermittently within 100 ms blocks; silence ({@link DefectKind.Trait#ENDS_AT_FIRST_CLEAR})
 *       is dropped at its first block with sound, as a video candidate. A candidate opens only while its condition
 *       shows.</li>
 *   <li>While open, a clear stretch shorter than the hold-off does not close it. CLOSED is emitted at the first
 *       record at least hold-off after the first healthy record, with endMediaTimeMs = that first healthy
 *       record's media time (ffmpeg's end).</li>
 *   <li>StreamStatus ENDED closes open defects at the last media time seen and clears the stream's state.</li>
 *   <li>A stream that stops sending without ENDED: a processing-time timer fires {@code stateRetention} after
 *       its last record, closes open defects at the last media time seen and clears the state. (A stream that stalls is
 *       reported by {@link io.avmon.job.detect.StreamStallDetector}, which follows this operator with its own
 *       watchdog timers and emits STREAM_STALL events itself.)</li>
 * </ul>
 * eventId is the name-based UUID of {@code streamId|defectType|channel|startMediaTimeMs}; OPENED and CLOSED
 * share it. OPENED carries a {@link io.avmon.schema.Still}: the thumbnail of the stream's latest video frame when it
 * was raised (what an operator looks at first); CLOSED carries none. Frames are written to state only while a
 * candidate waits to open, and the picture is cleared with the tracks, so a healthy stream still costs no state. Defects leave on the
 * {@link DefectEvents#DEFECTS} side output. Every MediaEvent is forwarded, annotated with the stream's open defects
 * after it ({@link MediaEvent#openDefects}, {@link MediaEvent#openDefectTypes}).
 */
public class DefectLifecycle extends KeyedProcessFunction<String, MediaEvent, MediaEvent> {
    private static final long serialVersionUID = 1L;

    private static final DefectType[] TYPES = DefectType.values();

    /** The profile for records that carry none, and the state retention, which is fixed when the job starts. */
    private final DetectionProfile startProfile;

    private transient MapState<Integer, DefectTrack> tracks;
    private transient ValueState<Long> expiryTimer;
    /**
     * The stream's latest picture while it has a candidate (a track not yet open), kept until its tracks are gone; a
     * savepoint from before stills restores it empty.
     */
    private transient ValueState<LatestPicture> latestPicture;

    private transient Counter defectsOpened;
    private transient Counter defectsClosed;
    private transient Counter candidatesDropped;

    public DefectLifecycle(DetectionProfile profile) {
        this.startProfile = profile;
    }

    @Override
    public void open(OpenContext openContext) {
        tracks = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("defectTracks", Types.INT, Types.POJO(DefectTrack.class)));
        expiryTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("expiryTimer", Types.LONG));
        latestPicture = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("latestPicture", Types.POJO(LatestPicture.class)));
        defectsOpened = getRuntimeContext().getMetricGroup().counter("defectsOpened");
        defectsClosed = getRuntimeContext().getMetricGroup().counter("defectsClosed");
        candidatesDropped = getRuntimeContext().getMetricGroup().counter("candidatesDropped");
    }

    @Override
    public void processElement(MediaEvent event, Context ctx, Collector<MediaEvent> out) throws Exception {
        DefectKind.Medium medium;
        if (event.video != null) {
            medium = DefectKind.Medium.VIDEO;
        } else if (event.audio != null) {
            medium = DefectKind.Medium.AUDIO;
        } else {
            if (event.status != null && event.status.getState() == InputState.ENDED) {
                endStream(event.status, ctx);
            }
            annotateOpenDefects(event);
            out.collect(event);
            return;
        }
        long mediaMs = Math.floorDiv(event.mediaTimeUs, 1000L);
        // The stream's profile as of this record: a change at run time applies from the next record on.
        DetectionProfile profile = event.profile != null ? event.profile : startProfile;
        startCandidates(event, medium, mediaMs, profile, ctx);
        if (!tracks.isEmpty()) {
            advance(event, medium, mediaMs, profile, ctx);
        }
        annotateOpenDefects(event);
        out.collect(event);
    }

    private void startCandidates(
            MediaEvent event, DefectKind.Medium medium, long mediaMs, DetectionProfile profile, Context ctx)
            throws Exception {
        long conditions = event.conditions;
        while (conditions != 0) {
            int ordinal = Long.numberOfTrailingZeros(conditions);
            conditions &= conditions - 1;
            if (ordinal >= TYPES.length) {
                continue;
            }
            DefectType type = TYPES[ordinal];
            DefectKind kind = DefectKind.of(type);
            if ((kind.medium() != medium && !kind.has(DefectKind.Trait.SHOWN_BY_EITHER_MEDIUM))
                    || !profile.policy(type).enabled()) {
                continue;
            }
            if (kind.has(DefectKind.Trait.PER_CHANNEL)) {
                int channels = event.channelConditions(type);
                while (channels != 0) {
                    int channel = Integer.numberOfTrailingZeros(channels);
                    channels &= channels - 1;
                    startCandidate(type, channel, event, mediaMs, ctx);
                }
            } else {
                startCandidate(type, -1, event, mediaMs, ctx);
            }
        }
    }

    private void startCandidate(DefectType type, int channel, MediaEvent event, long mediaMs, Context ctx)
            throws Exception {
        int key = DefectTrack.key(type, channel);
        if (!tracks.contains(key)) {
            DefectTrack track = new DefectTrack();
            track.defectType = type;
            track.channel = channel;
            // Most conditions start at the record showing them; a frame drop starts where the first lost frame was due.
            track.startMediaMs = Math.min(mediaMs, Math.floorDiv(event.conditionStartUs(type), 1000L));
            // The raise delay counts from the first record showing the condition, unless the dated start is
            // proven (a freeze: the picture is known unchanged since then); a loudness violation dated back to its
            // momentary crossing says where it began, not that the short-term reading was outside for longer.
            track.raiseFromMediaMs =
                    DefectKind.of(type).has(DefectKind.Trait.PROVEN_FROM_DATED_START) ? track.startMediaMs : mediaMs;
            track.startWallMs = event.ingestTimeMs;
            track.latestMediaMs = mediaMs;
            track.latestWallMs = event.ingestTimeMs;
            tracks.put(key, track);
            ensureExpiryTimer(ctx);
        }
    }

    /** Moves every track of the stream forward by one record. */
    private void advance(
            MediaEvent event, DefectKind.Medium medium, long mediaMs, DetectionProfile profile, Context ctx)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        int remaining = 0;
        // Only a candidate can still raise an OPENED that shows the picture: while every track is open, the frames
        // are not written to state (a channel on bars all night costs no state write per frame).
        boolean pictureTaken = medium != DefectKind.Medium.VIDEO;
        Iterator<Map.Entry<Integer, DefectTrack>> it = tracks.iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, DefectTrack> entry = it.next();
            DefectTrack track = entry.getValue();
            if (!track.open && !pictureTaken) {
                // Before the track is judged, so a defect raised on this frame shows this frame.
                rememberPicture(event, mediaMs);
                pictureTaken = true;
            }
            DefectKind kind = DefectKind.of(track.defectType);
            DetectionProfile.Policy policy = profile.policy(track.defectType);
            track.latestMediaMs = Math.max(track.latestMediaMs, mediaMs);
            track.latestWallMs = Math.max(track.latestWallMs, event.ingestTimeMs);
            track.lastActivityProcessingMs = now;
            long minDurationMs = policy.minDuration().toMillis();

            boolean ownMedium = kind.medium() == medium;
            boolean shown = shows(event, track);
            if (shown && (ownMedium || kind.has(DefectKind.Trait.SHOWN_BY_EITHER_MEDIUM))) {
                track.clearSinceMediaMs = DefectTrack.NONE;
                track.clearSinceWallMs = DefectTrack.NONE;
                track.lastShownMediaMs = mediaMs;
                track.lastShownWallMs = event.ingestTimeMs;
                track.addMeasure(kind.measure(event, track.channel));
            } else if (ownMedium && !shown && !track.clearing()) {
                // An instant (a frame drop) was over at the record that showed it: the frame after the hole.
                boolean instant =
                        kind.has(DefectKind.Trait.INSTANTANEOUS) && track.lastShownMediaMs != DefectTrack.NONE;
                track.clearSinceMediaMs = instant ? track.lastShownMediaMs : mediaMs;
                track.clearSinceWallMs = instant ? track.lastShownWallMs : event.ingestTimeMs;
            }
            boolean recovered = track.clearing()
                    && track.latestMediaMs - track.clearSinceMediaMs
                            >= policy.recoveryHoldOff().toMillis();
            // Before opening, a video candidate ends at its first healthy frame: a video verdict judges the whole
            // picture, and one frame that differs proves it moved (a slow drift resets the freeze reference every
            // few frames). An audio verdict judges 100 ms of a signal whose defects are intermittent at that
            // scale (clipping shows only on the peaks), so audio candidates bridge gaps up to the hold-off, except
            // silence: a block with sound in it proves the sound (DefectKind.Trait.ENDS_AT_FIRST_CLEAR).
            boolean candidateOver = track.clearing()
                    && (kind.medium() != DefectKind.Medium.AUDIO
                            || kind.has(DefectKind.Trait.ENDS_AT_FIRST_CLEAR)
                            || recovered);
            if (!track.open && candidateOver) {
                // Cleared before lasting its minimum duration: a dip, not a defect.
                candidatesDropped.inc();
                it.remove();
                continue;
            }
            if (!track.open
                    && !track.clearing()
                    && track.latestMediaMs - Math.max(track.startMediaMs, track.raiseFromMediaMs) >= minDurationMs) {
                track.open = true;
                track.severity = policy.severity();
                emit(ctx, track, DefectState.OPENED);
            }
            if (track.open && recovered) {
                track.open = false;
                emit(ctx, track, DefectState.CLOSED);
                it.remove();
                continue;
            }
            if (!policy.enabled()) {
                // Switched off at run time: drop it (an open one is closed above only once it recovers).
                if (track.open) {
                    closeAt(ctx, track, track.latestMediaMs, track.latestWallMs);
                }
                it.remove();
                continue;
            }
            entry.setValue(track);
            remaining++;
        }
        if (remaining == 0) {
            // Removing through the iterator can leave an empty map behind as a state entry: drop it too.
            forgetTracks();
            cancelExpiryTimer(ctx);
        }
    }

    private void rememberPicture(MediaEvent event, long mediaMs) throws Exception {
        LatestPicture picture = LatestPicture.of(event.video, mediaMs);
        if (picture != null) {
            latestPicture.update(picture);
        }
    }

    /** Drops every track and the picture kept for them. */
    private void forgetTracks() {
        tracks.clear();
        latestPicture.clear();
    }

    /** Whether the record shows the track's condition: on the track's channel, for per-channel types. */
    private static boolean shows(MediaEvent event, DefectTrack track) {
        if (track.channel < 0) {
            return event.hasCondition(track.defectType);
        }
        return track.channel < Integer.SIZE && (event.channelConditions(track.defectType) & (1 << track.channel)) != 0;
    }

    private void endStream(StreamStatus status, Context ctx) throws Exception {
        Long lastMediaUs = status.getLastMediaTimeUs();
        for (DefectTrack track : tracks.values()) {
            if (track.open) {
                long endMs = track.latestMediaMs;
                if (lastMediaUs != null) {
                    endMs = Math.max(endMs, Math.floorDiv(lastMediaUs, 1000L));
                }
                closeAt(ctx, track, endMs, Math.max(track.latestWallMs, status.getIngestTimeMs()));
            }
        }
        forgetTracks();
        cancelExpiryTimer(ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MediaEvent> out) throws Exception {
        expiryTimer.clear();
        long lastActivity = Long.MIN_VALUE;
        boolean any = false;
        for (DefectTrack track : tracks.values()) {
            any = true;
            lastActivity = Math.max(lastActivity, track.lastActivityProcessingMs);
        }
        if (!any) {
            latestPicture.clear();
            return;
        }
        long retentionMs = startProfile.stateRetention().toMillis();
        if (timestamp - lastActivity < retentionMs) {
            long next = lastActivity + retentionMs;
            ctx.timerService().registerProcessingTimeTimer(next);
            expiryTimer.update(next);
            return;
        }
        // The stream vanished without ENDED: close what is open where it was last seen, and forget it.
        for (DefectTrack track : tracks.values()) {
            if (track.open) {
                closeAt(ctx, track, track.latestMediaMs, track.latestWallMs);
            }
        }
        forgetTracks();
    }

    private void closeAt(Context ctx, DefectTrack track, long endMediaMs, long endWallMs) throws Exception {
        if (!track.clearing()) {
            track.clearSinceMediaMs = endMediaMs;
            track.clearSinceWallMs = endWallMs;
        }
        track.open = false;
        emit(ctx, track, DefectState.CLOSED);
    }

    private void ensureExpiryTimer(Context ctx) throws Exception {
        if (expiryTimer.value() == null) {
            long at = ctx.timerService().currentProcessingTime()
                    + startProfile.stateRetention().toMillis();
            ctx.timerService().registerProcessingTimeTimer(at);
            expiryTimer.update(at);
        }
    }

    private void cancelExpiryTimer(Context ctx) throws Exception {
        Long at = expiryTimer.value();
        if (at != null) {
            ctx.timerService().deleteProcessingTimeTimer(at);
            expiryTimer.clear();
        }
    }

    private void annotateOpenDefects(MediaEvent event) throws Exception {
        int open = 0;
        long types = 0;
        if (!tracks.isEmpty()) {
            for (DefectTrack track : tracks.values()) {
                if (track.open) {
                    open++;
                    types |= MediaEvent.bit(track.defectType);
                }
            }
        }
        event.openDefects = open;
        event.openDefectTypes = types;
    }

    private void emit(Context ctx, DefectTrack track, DefectState state) throws Exception {
        String streamId = ctx.getCurrentKey();
        boolean closed = state == DefectState.CLOSED;
        LatestPicture picture = closed ? null : latestPicture.value();
        DefectEvent defect = DefectEvent.newBuilder()
                .setEventId(DefectEvents.eventId(streamId, track.defectType, track.channel, track.startMediaMs))
                .setStreamId(streamId)
                .setDefectType(track.defectType)
                .setState(state)
                .setStartMediaTimeMs(track.startMediaMs)
                .setEndMediaTimeMs(closed ? track.clearSinceMediaMs : null)
                .setStartWallClockMs(track.startWallMs)
                .setEndWallClockMs(closed ? track.clearSinceWallMs : null)
                .setSeverity(track.severity)
                .setValue(DefectKind.of(track.defectType).value(track.measureSum, track.measureCount, track.measureMax))
                .setUnit(DefectKind.of(track.defectType).unit())
                .setChannel(track.channel < 0 ? null : track.channel)
                .setDetector(DefectKind.of(track.defectType).operatorName())
                .setStill(picture == null ? null : picture.toStill())
                .build();
        (closed ? defectsClosed : defectsOpened).inc();
        ctx.output(DefectEvents.DEFECTS, defect);
    }
}
