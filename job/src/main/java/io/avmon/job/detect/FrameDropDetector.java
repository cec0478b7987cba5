package io.avmon.job.detect;

import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.DefectType;
import java.time.Duration;
import java.util.Arrays;

/**
 * Dropped frames: a hole in the stream's frame cadence. The nominal frame duration is learnt per stream as the
 * median of the last {@code historyFrames} frame-to-frame media-time deltas (the stream's own cadence, whatever
 * its rate: no container frame rate is trusted, and the median ignores the odd late or early timestamp). A frame
 * whose delta to the previous frame exceeds {@code minGapRatio} x nominal follows a hole of
 * {@code round(delta / nominal) - 1} lost frames (at least 1).
 * <ul>
 *   <li>The first {@code minHistoryFrames} deltas of a stream, and of a new cadence, are learnt, not judged.</li>
 *   <li>Deltas of holes do not enter the history, so a burst of drops cannot teach the detector that the stream is
 *       slower. A real change of cadence (a frame-rate switch at an ad break) shows as {@code cadenceChangeFrames}
 *       holes in a row: then the history is relearnt from scratch. Those frames are still reported, once, as one
 *       drop event; this trades a rare false alarm on a frame-rate switch for catching sustained every-other-frame
 *       loss up to that length.</li>
 *   <li>A delta beyond {@code maxGap}, or a timestamp going backwards, is a discontinuity of the stream (a splice,
 *       a restart, a stall: the stream's health, not dropped frames): the history is relearnt. Unless the sound
 *       played on through it: where the stream's audio blocks ran without a gap of {@code maxGap} from before the
 *       last frame to this one, the pictures alone went missing (a viewer sees the last picture held while the sound
 *       goes on), and every frame of the hole is reported lost, however long it was. The stall detector leaves such
 *       a hole alone (a stall is no video and no audio), so without this rule a second or more of lost pictures was
 *       no defect at all. A splice moves both tracks, so the sound's run starts afresh there and the rule stays out.
 *       The hole's frames are counted when the pictures come back.</li>
 *   <li>Pictures that stay away while the sound plays on (a video PID gone, a camera feed dropped, an encoder's video
 *       stalled) are raised while they are missing, not only once they return: an audio block more than
 *       {@code maxGap} plus the sound's interleaving allowance (0.5 s) past the last frame, in a sound run that began
 *       before that frame, shows the drop, dated where the first lost frame was due, so the defect opens about 1.5 s
 *       after the last picture. Its measure is 0: the frame that ends the hole counts the lost frames, once, and
 *       continues the same defect (same dated start). A stream that never learnt a cadence, or whose sound started
 *       after its last picture, shows nothing.</li>
 * </ul>
 * A hole right before a frame marked {@link DefectType#BLOCK_CORRUPTION} (a damaged stretch, up to its next clean key
 * frame) is left to that defect: packet loss that costs the decoder whole pictures is one defect, not two. A hole
 * before the first damaged frame the decoder flags is still a drop.
 * State per stream: the last media time, the delta history and the sound's run (a Flink POJO), forgotten once the
 * stream has been silent for the retention, cleared on ENDED.
 * Annotates {@link DefectType#FRAME_DROP} on the frame after the hole, its measure (frames lost
 * in that hole) and its start ({@link MediaEvent#setConditionStart}: where the first lost frame should have been, so the defect
 * starts there; it ends at the frame after the hole); and on the audio blocks heard while the pictures are missing,
 * with measure 0 and the same start ({@link io.avmon.job.defect.DefectKind.Trait#SHOWN_BY_EITHER_MEDIUM}
 * lets the lifecycle take them).
 */
public class FrameDropDetector extends Detector<FrameDropDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /**
     * @param minGapRatio         x nominal frame duration; 1.75 sits between a 3:2 pulldown cadence or timestamp jitter
     *                            (up to 1.5) and one lost frame (2.0)
     * @param historyFrames       deltas in the median (16: over half a second at 25 fps, so a handful of holes cannot
     *                            move it)
     * @param minHistoryFrames    deltas learnt before a stream is judged
     * @param cadenceChangeFrames holes in a row taken as a new cadence rather than drops (8: a third of a second at
     *                            25 fps)
     * @param maxGap              a longer hole is a discontinuity, not dropped frames, unless the sound played on
     *                            through it (TR 101 290 calls a PTS gap over 700 ms an error of the stream; 1 s);
     *                            pictures missing for this plus 0.5 s under running sound are raised while missing
     */
    public record Thresholds(
            @Range(min = 1.01, max = 100) double minGapRatio,
            @Range(min = 1, max = 1_000) int historyFrames,
            @Range(min = 1, max = 1_000) int minHistoryFrames,
            @Range(min = 1, max = 1_000) int cadenceChangeFrames,
            @Range(min = 0, max = 60_000) Duration maxGap)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(1.75, 16, 8, 8, Duration.ofSeconds(1));

        public Thresholds {
            if (historyFrames < 1 || minHistoryFrames < 1 || minHistoryFrames > historyFrames || minGapRatio <= 1) {
                throw new IllegalArgumentException("invalid frame drop thresholds");
            }
        }
    }

    /** The per-stream state: a Flink POJO. */
    public static class Cadence extends ExpiringState {
        public long lastMediaUs = MediaEvent.UNKNOWN_MEDIA_TIME;
        /** Ring of recent frame-to-frame deltas, µs. */
        public long[] deltasUs;

        public int deltaCount;
        public int nextDelta;
        public int holesInRow;
        /** Media µs where the stream's audio blocks last started running without a gap; UNKNOWN before audio. */
        public long soundSinceUs = MediaEvent.UNKNOWN_MEDIA_TIME;
        /** Media µs where the latest audio block ends. */
        public long soundUntilUs = MediaEvent.UNKNOWN_MEDIA_TIME;

        public Cadence() {}
    }

    private final Duration stateRetention;
    private transient StreamState<Cadence> cadence;
    private transient long[] scratch;
    /** Set by {@link #judge} on a hole: media time where the first lost frame was due. */
    private transient long lastHoleStartUs;

    public FrameDropDetector(Thresholds thresholds, Duration stateRetention) {
        super(DefectType.FRAME_DROP, thresholds);
        this.stateRetention = stateRetention;
    }

    @Override
    protected void openState() throws Exception {
        cadence = streamState("frameCadence", Cadence.class, stateRetention);
        scratch = new long[thresholds.historyFrames()];
    }

    @Override
    protected void thresholdsChanged() {
        if (scratch != null && scratch.length != thresholds.historyFrames()) {
            scratch = new long[thresholds.historyFrames()];
        }
    }

    /** Frames, and audio blocks: the sound's run is what tells lost pictures from a discontinuity of the stream. */
    @Override
    protected boolean inspects(MediaEvent event) {
        return (event.video != null || event.audio != null) && event.mediaTimeUs != MediaEvent.UNKNOWN_MEDIA_TIME;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        if (event.video == null) {
            long firstMissingUs = followSound(event.mediaTimeUs, blockDurationUs(event));
            if (firstMissingUs == MediaEvent.UNKNOWN_MEDIA_TIME) {
                return false;
            }
            // Measure 0: the frames are counted once, by the frame that ends the hole (the event's value is their sum).
            event.markCondition(type, true);
            event.setMeasure(type, 0);
            event.setConditionStart(type, firstMissingUs);
            return true;
        }
        int lost = judge(event.mediaTimeUs);
        if (lost > 0 && event.hasCondition(DefectType.BLOCK_CORRUPTION)) {
            // The hole lies inside a stretch the decoder reported damaged (BlockCorruptionDetector runs first): the
            // pictures were lost to the damage, which BLOCK_CORRUPTION already reports. Not a second defect.
            lost = 0;
        }
        event.markCondition(DefectType.FRAME_DROP, lost > 0);
        event.setMeasure(type, lost);
        event.setConditionStart(type, lost > 0 ? lastHoleStartUs : MediaEvent.UNKNOWN_MEDIA_TIME);
        return lost > 0;
    }

    @Override
    protected void forgetStream() throws Exception {
        cadence.clear();
    }

    /** Frames lost right before a frame at {@code mediaUs}; 0 for none. Sets {@link #lastHoleStartUs} on a hole. */
    private int judge(long mediaUs) throws Exception {
        Cadence c = cadence.value();
        if (c == null) {
            c = new Cadence();
        }
        if (c.deltasUs == null || c.deltasUs.length != thresholds.historyFrames()) {
            c.deltasUs = new long[thresholds.historyFrames()];
            c.deltaCount = 0;
            c.nextDelta = 0;
        }
        int lost = 0;
        if (c.lastMediaUs != MediaEvent.UNKNOWN_MEDIA_TIME) {
            long delta = mediaUs - c.lastMediaUs;
            if (delta > maxGapUs() && c.deltaCount >= thresholds.minHistoryFrames() && soundPlayedThrough(c, mediaUs)) {
                long nominal = median(c);
                lost = (int) Math.max(1, Math.round((double) delta / nominal) - 1);
                lastHoleStartUs = c.lastMediaUs + nominal;
            } else if (delta <= 0 || delta > maxGapUs()) {
                relearn(c);
                if (delta < -maxGapUs()) {
                    // The pictures jumped back (a loop, a restart) to another timeline: the sound heard so far was on
                    // the old one, and a late block of it must not read as sound running on far past the new frames.
                    forgetSound(c);
                }
            } else if (c.deltaCount < thresholds.minHistoryFrames()) {
                remember(c, delta);
            } else {
                long nominal = median(c);
                if (delta > thresholds.minGapRatio() * nominal) {
                    lost = (int) Math.max(1, Math.round((double) delta / nominal) - 1);
                    lastHoleStartUs = c.lastMediaUs + nominal;
                    if (++c.holesInRow >= thresholds.cadenceChangeFrames()) {
                        relearn(c);
                    }
                } else {
                    c.holesInRow = 0;
                    remember(c, delta);
                }
            }
        }
        c.lastMediaUs = mediaUs;
        cadence.update(c);
        return lost;
    }

    /**
     * An audio block from {@code startUs}: extends the sound's run, or starts a new one where it starts further than
     * maxGap from the run's end, forward (a gap) or back (a loop, a restart).
     *
     * @return where the first missing picture was due, if the pictures are missing while this sound plays on;
     *     {@link MediaEvent#UNKNOWN_MEDIA_TIME} if they are not
     */
    private long followSound(long startUs, long durationUs) throws Exception {
        Cadence c = cadence.value();
        if (c == null) {
            c = new Cadence();
        }
        if (c.soundUntilUs == MediaEvent.UNKNOWN_MEDIA_TIME || Math.abs(startUs - c.soundUntilUs) > maxGapUs()) {
            // A new run: after a jump back (a loop, a restart) the old run's end must not vouch for the new one.
            c.soundSinceUs = startUs;
            c.soundUntilUs = startUs + durationUs;
        } else {
            c.soundUntilUs = Math.max(c.soundUntilUs, startUs + durationUs);
        }
        cadence.update(c);
        return picturesMissingUnder(c, startUs) ? c.lastMediaUs + median(c) : MediaEvent.UNKNOWN_MEDIA_TIME;
    }

    /**
     * The pictures have been missing for longer than a hole of dropped frames may last while the sound at
     * {@code soundUs} played on: the stream has a learnt cadence, its sound ran since before the last frame, and this
     * sound is past that frame by more than maxGap plus the interleaving allowance, so a muxer's burst of sound ahead
     * of the pictures never shows it.
     */
    private boolean picturesMissingUnder(Cadence c, long soundUs) {
        return c.lastMediaUs != MediaEvent.UNKNOWN_MEDIA_TIME
                && c.deltaCount >= thresholds.minHistoryFrames()
                && c.soundSinceUs <= c.lastMediaUs
                && soundUs - c.lastMediaUs > maxGapUs() + MAX_SOUND_LAG_US;
    }

    /** The sound ran without a gap from before the last frame up to the frame at {@code mediaUs}. */
    private static boolean soundPlayedThrough(Cadence c, long mediaUs) {
        return c.soundSinceUs != MediaEvent.UNKNOWN_MEDIA_TIME
                && c.soundSinceUs <= c.lastMediaUs
                && c.soundUntilUs >= mediaUs - MAX_SOUND_LAG_US;
    }

    /**
     * How far the two tracks' records may be apart in media time from interleaving alone: records are interleaved
     * within about a block (100 ms) and a muxer's burst (up to 0.4 s measured over silence, unseen-media.md). The
     * sound may trail the frame that ends a hole by this much and still count as having played through it, and may
     * run this far ahead of the last frame, beyond maxGap, before the pictures count as missing.
     */
    private static final long MAX_SOUND_LAG_US = 500_000;

    private long maxGapUs() {
        return thresholds.maxGap().toNanos() / 1000;
    }

    private static long blockDurationUs(MediaEvent event) {
        int rate = event.audio.getSampleRate();
        return rate > 0 ? event.audio.getSampleCount() * 1_000_000L / rate : 0;
    }

    private static void forgetSound(Cadence c) {
        c.soundSinceUs = MediaEvent.UNKNOWN_MEDIA_TIME;
        c.soundUntilUs = MediaEvent.UNKNOWN_MEDIA_TIME;
    }

    private static void relearn(Cadence c) {
        c.deltaCount = 0;
        c.nextDelta = 0;
        c.holesInRow = 0;
    }

    private static void remember(Cadence c, long delta) {
        c.deltasUs[c.nextDelta] = delta;
        c.nextDelta = (c.nextDelta + 1) % c.deltasUs.length;
        c.deltaCount = Math.min(c.deltaCount + 1, c.deltasUs.length);
    }

    private long median(Cadence c) {
        if (scratch == null || scratch.length < c.deltaCount) {
            scratch = new long[c.deltasUs.length];
        }
        System.arraycopy(c.deltasUs, 0, scratch, 0, c.deltaCount);
        Arrays.sort(scratch, 0, c.deltaCount);
        return scratch[c.deltaCount / 2];
    }
}
