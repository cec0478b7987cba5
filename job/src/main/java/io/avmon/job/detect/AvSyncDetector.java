package io.avmon.job.detect;

import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.ChannelLevels;
import io.avmon.schema.DefectType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A/V sync offset, from content and from the tracks' timestamps.
 *
 * <p>From content: sharp sound events are paired with sharp picture events (a flash and a beep, a
 * clapperboard, a cut on a bang), and the offset is how much later the sound comes. Positive: audio late.
 * <ul>
 *   <li><b>Picture events</b>: a frame whose mean luma rises by {@code minLumaJump} over the previous frame (a flash),
 *       or whose difference to it reaches {@code minFrameDifference} (a cut), at least {@code isolation} after the
 *       previous picture event (so the flash's falling edge is not a second event).</li>
 *   <li><b>Sound onsets</b>: a 100 ms block whose loudest channel RMS is {@code minOnsetRiseDb} above the loudest of
 *       the {@code quietBlocks} blocks before it, and at least {@code minOnsetRmsDbfs}, at least {@code isolation}
 *       after the previous onset. Speech and music rarely rise 20 dB out of 300 ms of near-quiet; a beep over a
 *       quiet floor always does.</li>
 *   <li><b>Pairs</b>: an event waits for its pair; the next event of the other kind within {@code maxPairDistance}
 *       pairs with it (whichever arrives second makes the pair, so audio early and audio late are both seen). A
 *       pattern needs its events further apart than twice the largest offset it measures, or pairs cross.</li>
 *   <li><b>Timing</b>: a picture event is dated by its frame's timestamp; a sound onset by the converter's sharpest
 *       onset ({@code onsetTimeUs}, to the millisecond, from decoded timestamps, so codec priming and decoder delay
 *       are not counted), of its block or of the block before when that one rose more sharply (a beep starting in a
 *       block's last milliseconds lifts that block too little to count, and the next block has no rise of its own).
 *       Records of older converters have no onset time: the block's middle stands in and errs by up to +-50 ms,
 *       which events at varying phases of the block grid average out.</li>
 *   <li><b>Estimate</b>: of the last {@code pairs} pairs no older than {@code window}, the median; pairs more than
 *       {@code inlierRange} from it are outliers; the estimate is the inliers' mean, and exists only when at least
 *       {@code minPairs} inliers are two thirds of the pairs. Cuts over programme sound pair with chance onsets at
 *       scattered offsets, so they give no estimate, let alone a consistent one.</li>
 * </ul>
 * From timestamps: {@link TrackSkew}, the change in how far the audio's timestamps run ahead of the video's since the
 * stream began ({@code skewBaselineBlocks} to learn it, the median of {@code skewWindowBlocks} to follow it). It
 * needs no particular content, but it cannot see an offset that was there from the start, or one baked into the
 * content before encoding.
 *
 * <p>The content estimate, where there is one, is what the viewer sees and wins: a track re-stamped on purpose to
 * correct an upstream delay moves the timestamps and puts the content in sync. Without one, the timestamp offset
 * stands.
 *
 * <p>Verdict: the offset is beyond the tolerance (audio late by more than {@code maxAudioLate} or early by more than
 * {@code maxAudioEarly}). Annotated on every record it inspects; the lifecycle judges it on audio blocks, which come
 * at a steady 10 per second. State per stream (a Flink POJO), kept with a TTL, cleared on ENDED. Annotates
 * {@link DefectType#AV_SYNC_OFFSET} and its measure (the estimate, ms; NaN without one), dated from its evidence ({@link MediaEvent#setConditionStart}).
 */
public class AvSyncDetector extends Detector<AvSyncDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /** No such time: the same value as {@link MediaEvent#UNKNOWN_MEDIA_TIME}, so either can be annotated as is. */
    private static final long NONE = MediaEvent.UNKNOWN_MEDIA_TIME;

    /**
     * @param maxAudioLate       tolerance for audio late (ITU-R BT.1359 acceptability: 185 ms)
     * @param maxAudioEarly      tolerance for audio early (BT.1359 acceptability: 90 ms); EBU R37 would be 40 / 60
     * @param minLumaJump        8-bit levels of mean luma rise making a flash (a white flash over programme is 100+)
     * @param minFrameDifference 8-bit levels of frame difference making a cut
     * @param minOnsetRiseDb     dB over the blocks before that make a sound onset
     * @param minOnsetRmsDbfs    an onset must reach this RMS, so a rise out of digital silence into hiss is none
     * @param quietBlocks        blocks before an onset that must all sit {@code minOnsetRiseDb} below it (300 ms)
     * @param isolation          least spacing of two events of one kind (300 ms: a flash's end, a beep's second block)
     * @param maxPairDistance    a picture event and a sound onset further apart are not a pair (500 ms)
     * @param pairs              pairs in the estimate (8: about 8 s of a once-a-second pattern)
     * @param minPairs           inliers needed for an estimate (5)
     * @param inlierRange        ms from the median (30): onsets are dated to 1 ms and flashes to their frame, so a
     *                           pattern's pairs agree within a frame interval (+-20 ms at 25 fps); chance pairs of
     *                           cuts and programme sound scatter over +-500 ms and rarely gather five in 60 ms
     * @param window             pairs older than this (media time) leave the estimate (8 s), so it lapses when the
     *                           events stop
     * @param skewBaselineBlocks audio blocks whose median track skew is the stream's normal (20: 2 s; the median of
     *                           the frame grids' +-20 ms jitter settles well within that, and a move after it is seen)
     * @param skewWindowBlocks   recent blocks whose median track skew is compared with it (5: a step shows within 0.3 s,
     *                           while the frame grids' jitter of +-20 ms stays out of the median)
     * @param holeRatio          a frame interval over this many times the one before follows a hole in the picture
     *                           (1.75, as the frame drop detector: between a 3:2 cadence's 1.5 and one lost frame's 2);
     *                           no pair spans a hole, and the frame after one is no picture event
     */
    public record Thresholds(
            @Range(min = 0, max = 10_000) Duration maxAudioLate,
            @Range(min = 0, max = 10_000) Duration maxAudioEarly,
            @Range(min = 0, max = 255) double minLumaJump,
            @Range(min = 0, max = 255) double minFrameDifference,
            @Range(min = 0, max = 120) double minOnsetRiseDb,
            @Range(min = -150, max = 0) double minOnsetRmsDbfs,
            @Range(min = 1, max = 100) int quietBlocks,
            @Range(min = 0, max = 10_000) Duration isolation,
            @Range(min = 0, max = 10_000) Duration maxPairDistance,
            @Range(min = 1, max = 1_000) int pairs,
            @Range(min = 1, max = 1_000) int minPairs,
            @Range(min = 1, max = 10_000) double inlierRange,
            @Range(min = 0, max = 600_000) Duration window,
            @Range(min = 1, max = 10_000) int skewBaselineBlocks,
            @Range(min = 1, max = 10_000) int skewWindowBlocks,
            @Range(min = 1.01, max = 100) double holeRatio)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(
                Duration.ofMillis(185),
                Duration.ofMillis(90),
                40,
                40,
                20,
                -45,
                3,
                Duration.ofMillis(300),
                Duration.ofMillis(500),
                8,
                5,
                30,
                Duration.ofSeconds(8),
                20,
                5,
                1.75);

        public Thresholds {
            if (pairs < 1
                    || minPairs < 1
                    || minPairs > pairs
                    || quietBlocks < 1
                    || inlierRange <= 0
                    || skewBaselineBlocks < 1
                    || skewWindowBlocks < 1
                    || holeRatio <= 1) {
                throw new IllegalArgumentException("invalid A/V sync thresholds");
            }
        }

        /** The same detector held to other tolerances, e.g. EBU R37's +40 / -60 ms at a programme output. */
        public Thresholds withTolerance(Duration maxAudioLate, Duration maxAudioEarly) {
            return new Thresholds(
                    maxAudioLate,
                    maxAudioEarly,
                    minLumaJump,
                    minFrameDifference,
                    minOnsetRiseDb,
                    minOnsetRmsDbfs,
                    quietBlocks,
                    isolation,
                    maxPairDistance,
                    pairs,
                    minPairs,
                    inlierRange,
                    window,
                    skewBaselineBlocks,
                    skewWindowBlocks,
                    holeRatio);
        }
    }

    /** The per-stream state: a Flink POJO. Times are media µs. */
    public static class Sync extends ExpiringState {
        public float lastLumaMean = Float.NaN;
        public long lastPictureEventUs = NONE;
        public long lastOnsetUs = NONE;
        public long lastBlockUs = NONE;
        /** The previous block's sharpest onset (media µs, NONE without one) and its rise (dB). */
        public long previousBlockOnsetUs = NONE;

        public float previousBlockOnsetRiseDb = Float.NaN;
        /** The last onset came from a record without an onset time (an older converter): dated to its block only. */
        public boolean coarseOnsets;

        public long blockDurationUs = 100_000;
        /** RMS (dBFS, loudest channel) of the last blocks, ring. */
        public float[] recentBlocksDb;

        public int blockCount;
        public int nextBlock;
        /** A picture event and a sound onset waiting for their pair; NONE when there is none. */
        public long pendingPictureUs = NONE;

        public long pendingOnsetUs = NONE;
        /** The latest frame, the frame interval before it, and the latest hole in the picture's cadence (media µs). */
        public long lastFrameUs = NONE;

        public long frameIntervalUs;
        public long holeStartUs = NONE;
        public long holeEndUs = NONE;
        /** Ring of pair offsets (ms) and the media time of each pair. */
        public float[] offsetsMs;

        public long[] pairTimesUs;
        public int pairCount;
        public int nextPair;
        /** The timestamp path, and its latest offset (ms; NaN while it learns the stream's normal). */
        public TrackSkew trackSkew = new TrackSkew();

        public float timestampOffsetMs = Float.NaN;

        public Sync() {}
    }

    private final Duration stateRetention;
    private transient StreamState<Sync> sync;
    private transient float[] scratch;

    public AvSyncDetector(Thresholds thresholds, Duration stateRetention) {
        super(DefectType.AV_SYNC_OFFSET, thresholds);
        this.stateRetention = stateRetention;
    }

    @Override
    protected void openState() throws Exception {
        sync = streamState("avSync", Sync.class, stateRetention);
        scratch = new float[scratchSize()];
    }

    @Override
    protected void thresholdsChanged() {
        if (scratch != null && scratch.length != scratchSize()) {
            scratch = new float[scratchSize()];
        }
    }

    private int scratchSize() {
        return Math.max(thresholds.pairs(), Math.max(thresholds.skewBaselineBlocks(), thresholds.skewWindowBlocks()));
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return (event.video != null || event.audio != null) && event.mediaTimeUs != MediaEvent.UNKNOWN_MEDIA_TIME;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        Sync s = sync.value();
        if (s == null) {
            s = new Sync();
        }
        if (s.offsetsMs == null || s.offsetsMs.length != thresholds.pairs()) {
            s.offsetsMs = new float[thresholds.pairs()];
            s.pairTimesUs = new long[thresholds.pairs()];
            s.pairCount = 0;
            s.nextPair = 0;
        }
        if (s.recentBlocksDb == null || s.recentBlocksDb.length != thresholds.quietBlocks()) {
            s.recentBlocksDb = new float[thresholds.quietBlocks()];
            s.blockCount = 0;
            s.nextBlock = 0;
        }
        long now = event.mediaTimeUs;
        if (event.video != null) {
            boolean picture = pictureEvent(s, event);
            if (s.holeEndUs == now) {
                // A hole just ended here: the skews of blocks that reached into it measured the hole.
                s.trackSkew.discard(s.holeStartUs - s.blockDurationUs, now);
                s.timestampOffsetMs = s.trackSkew.offset(scratch);
            }
            if (picture) {
                if (pair(s, s.pendingOnsetUs, now)) {
                    s.pendingOnsetUs = NONE;
                } else {
                    s.pendingPictureUs = now;
                }
            }
        } else {
            Float skewMs = event.audio.getTrackSkewMs();
            // No skew: no picture for over a second (a stall, or the picture ended before the sound), or an older
            // converter. Nothing to measure the sound against, so no offset, rather than the last one held on.
            if (skewMs == null) {
                s.timestampOffsetMs = Float.NaN;
            } else {
                s.timestampOffsetMs = s.trackSkew.add(
                        skewMs, now, thresholds.skewBaselineBlocks(), thresholds.skewWindowBlocks(), scratch);
                if (s.holeEndUs != NONE && now <= s.holeEndUs && now > s.holeStartUs - s.blockDurationUs) {
                    // A block reaching into a hole that its frame after has already shown: no sample either.
                    s.trackSkew.discard(now, now);
                    s.timestampOffsetMs = s.trackSkew.offset(scratch);
                }
            }
            boolean onset = soundOnset(s, event);
            long onsetUs = NONE;
            if (onset) {
                onsetUs = onsetTime(s, event);
            }
            s.previousBlockOnsetUs = event.audio.getOnsetTimeUs() == null ? NONE : event.audio.getOnsetTimeUs();
            s.previousBlockOnsetRiseDb =
                    event.audio.getOnsetRiseDb() == null ? Float.NaN : event.audio.getOnsetRiseDb();
            if (onset) {
                if (pair(s, onsetUs, s.pendingPictureUs)) {
                    s.pendingPictureUs = NONE;
                } else {
                    s.pendingOnsetUs = onsetUs;
                }
            }
        }
        float contentMs = estimate(s, now);
        // While frames go missing (a hole in the last window of blocks), the timestamps hold: one hole after another
        // keeps the picture behind the sound.
        boolean dropsOpen =
                s.holeEndUs != NONE && now - s.holeEndUs < (long) thresholds.skewWindowBlocks() * s.blockDurationUs;
        float offsetMs = !Float.isNaN(contentMs) ? contentMs : dropsOpen ? Float.NaN : s.timestampOffsetMs;
        sync.update(s);
        double limitMs = offsetMs > 0
                ? thresholds.maxAudioLate().toMillis()
                : thresholds.maxAudioEarly().toMillis();
        boolean beyond = !Float.isNaN(offsetMs) && Math.abs(offsetMs) > limitMs;
        event.setMeasure(type, offsetMs);
        // An estimate crosses the tolerance only once enough evidence agrees: date the offset from its first evidence.
        event.setConditionStart(
                type,
                !beyond
                        ? MediaEvent.UNKNOWN_MEDIA_TIME
                        : Float.isNaN(contentMs)
                                ? s.trackSkew.stepStartUs(offsetMs, limitMs)
                                : contentStartUs(s, now, offsetMs, limitMs));
        event.markCondition(DefectType.AV_SYNC_OFFSET, beyond);
        return beyond;
    }

    @Override
    protected void forgetStream() throws Exception {
        sync.clear();
    }

    private boolean pictureEvent(Sync s, MediaEvent event) {
        float luma = event.video.getLumaMean();
        Float difference = event.video.getFrameDifference();
        boolean jump = (!Float.isNaN(s.lastLumaMean) && luma - s.lastLumaMean >= thresholds.minLumaJump())
                || (difference != null && difference >= thresholds.minFrameDifference());
        s.lastLumaMean = luma;
        boolean afterHole = afterHole(s, event.mediaTimeUs);
        // The frame after a hole is compared with one from before it: a pan jumps, a stall's end looks like a cut,
        // and the flash it should have shown may be among the lost frames. It dates nothing.
        if (!jump
                || afterHole
                || (s.lastPictureEventUs != NONE && event.mediaTimeUs - s.lastPictureEventUs < isolationUs())) {
            return false;
        }
        s.lastPictureEventUs = event.mediaTimeUs;
        return true;
    }

    private boolean soundOnset(Sync s, MediaEvent event) {
        List<ChannelLevels> channels = event.audio.getChannels();
        if (channels.isEmpty()) {
            return false;
        }
        float rms = -Float.MAX_VALUE;
        for (ChannelLevels channel : channels) {
            rms = Math.max(rms, channel.getRmsDbfs());
        }
        long blockUs = event.mediaTimeUs;
        if (s.lastBlockUs != NONE) {
            long delta = blockUs - s.lastBlockUs;
            if (delta > 0 && delta < 1_000_000) {
                s.blockDurationUs = delta;
            }
        }
        s.lastBlockUs = blockUs;
        boolean onset = false;
        if (s.blockCount >= s.recentBlocksDb.length) {
            float before = -Float.MAX_VALUE;
            for (float db : s.recentBlocksDb) {
                before = Math.max(before, db);
            }
            onset = rms - before >= thresholds.minOnsetRiseDb()
                    && rms >= thresholds.minOnsetRmsDbfs()
                    && (s.lastOnsetUs == NONE || blockUs - s.lastOnsetUs >= isolationUs());
        }
        s.recentBlocksDb[s.nextBlock] = rms;
        s.nextBlock = (s.nextBlock + 1) % s.recentBlocksDb.length;
        s.blockCount = Math.min(s.blockCount + 1, s.recentBlocksDb.length);
        if (onset) {
            s.lastOnsetUs = blockUs;
        }
        return onset;
    }

    /**
     * When the sound of an onset block begins: the sharper of its own onset and the previous block's; the block's
     * middle for records without onset times (see the class comment), which marks the stream's onsets coarse.
     */
    private static long onsetTime(Sync s, MediaEvent event) {
        Long own = event.audio.getOnsetTimeUs();
        Float ownRiseDb = event.audio.getOnsetRiseDb();
        // Only the block just before counts: after a gap in the audio, an older onset belongs to other sound.
        boolean previous = s.previousBlockOnsetUs != NONE
                && event.mediaTimeUs - s.previousBlockOnsetUs <= 2 * s.blockDurationUs
                && (own == null || ownRiseDb == null || s.previousBlockOnsetRiseDb > ownRiseDb);
        s.coarseOnsets = !previous && own == null;
        if (previous) {
            return s.previousBlockOnsetUs;
        }
        return own != null ? own : event.mediaTimeUs + s.blockDurationUs / 2;
    }

    /**
     * Whether frames are missing right before the frame at {@code frameUs}: its interval is over {@code holeRatio}
     * times the one before. Remembers the hole.
     */
    private boolean afterHole(Sync s, long frameUs) {
        long intervalUs = s.lastFrameUs == NONE ? 0 : frameUs - s.lastFrameUs;
        boolean hole = s.frameIntervalUs > 0 && intervalUs > thresholds.holeRatio() * s.frameIntervalUs;
        if (hole) {
            s.holeStartUs = s.lastFrameUs;
            s.holeEndUs = frameUs;
        } else if (intervalUs > 0) {
            s.frameIntervalUs = intervalUs;
        }
        s.lastFrameUs = frameUs;
        return hole;
    }

    /**
     * Records the pair of a sound onset and a picture event if both exist, are within reach of each other, and no
     * frames are missing between them: with the picture missing, the sound's own picture event may be lost and the
     * onset met by another one, which would read as sound running late or early.
     */
    private boolean pair(Sync s, long soundUs, long pictureUs) {
        long reachUs = thresholds.maxPairDistance().toNanos() / 1000;
        if (soundUs == NONE || pictureUs == NONE || Math.abs(soundUs - pictureUs) > reachUs) {
            return false;
        }
        if (s.holeStartUs != NONE
                && Math.min(soundUs, pictureUs) < s.holeEndUs
                && Math.max(soundUs, pictureUs) > s.holeStartUs) {
            return false;
        }
        s.offsetsMs[s.nextPair] = (soundUs - pictureUs) / 1000f;
        s.pairTimesUs[s.nextPair] = Math.max(soundUs, pictureUs);
        s.nextPair = (s.nextPair + 1) % s.offsetsMs.length;
        s.pairCount = Math.min(s.pairCount + 1, s.offsetsMs.length);
        return true;
    }

    /** The robust mean of the recent pairs (ms), or NaN when they are too few or disagree. */
    private float estimate(Sync s, long nowUs) {
        long windowUs = thresholds.window().toNanos() / 1000;
        int recent = 0;
        for (int i = 0; i < s.pairCount; i++) {
            if (nowUs - s.pairTimesUs[i] <= windowUs) {
                scratch[recent++] = s.offsetsMs[i];
            }
        }
        if (recent < thresholds.minPairs()) {
            return Float.NaN;
        }
        Arrays.sort(scratch, 0, recent);
        float median = recent % 2 == 1 ? scratch[recent / 2] : (scratch[recent / 2 - 1] + scratch[recent / 2]) / 2;
        double sum = 0;
        int inliers = 0;
        // Onsets dated only to their block spread by half a block more.
        double rangeMs = thresholds.inlierRange() + (s.coarseOnsets ? s.blockDurationUs / 2000.0 : 0);
        for (int i = 0; i < recent; i++) {
            if (Math.abs(scratch[i] - median) <= rangeMs) {
                sum += scratch[i];
                inliers++;
            }
        }
        if (inliers < thresholds.minPairs() || 3 * inliers < 2 * recent) {
            return Float.NaN;
        }
        return (float) (sum / inliers);
    }

    /**
     * Where the pairs behind an estimate beyond {@code limitMs} begin: the earlier event (picture or sound) of the
     * earliest pair in the window beyond the limit on the estimate's side.
     */
    private long contentStartUs(Sync s, long nowUs, float offsetMs, double limitMs) {
        long windowUs = thresholds.window().toNanos() / 1000;
        long start = NONE;
        for (int i = 0; i < s.pairCount; i++) {
            float own = s.offsetsMs[i];
            boolean beyond = offsetMs > 0 ? own > limitMs : own < -limitMs;
            if (beyond && nowUs - s.pairTimesUs[i] <= windowUs) {
                long earlierEventUs = s.pairTimesUs[i] - (long) (Math.abs(own) * 1000);
                start = start == NONE ? earlierEventUs : Math.min(start, earlierEventUs);
            }
        }
        return start;
    }

    private long isolationUs() {
        return thresholds.isolation().toNanos() / 1000;
    }
}
