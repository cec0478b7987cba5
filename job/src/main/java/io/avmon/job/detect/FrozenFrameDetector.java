package io.avmon.job.detect;

import java.io.Serializable;
import java.time.Duration;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;

import io.avmon.job.DetectionProfile;
import io.avmon.job.MediaEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.PictureType;
import io.avmon.schema.VideoFrameFeatures;

/**
 * Frozen picture, as ffmpeg freezedetect: compare with the last frame that was NOT frozen (the reference), not
 * only with the previous frame, so a slow drift (a slow pan, a fade) keeps resetting the reference and is
 * never taken for a freeze. A frame is frozen when both hold:
 * <ul>
 *   <li>its full-resolution {@code frameDifference} to the previous frame is at most {@code maxFrameDifference}.
 *       Sensor noise on a static scene keeps it at 1-3 levels, so a static shot with noise is not frozen;</li>
 *   <li>its luma thumbnail differs from the reference thumbnail by at most {@code maxReferenceDifference}
 *       (mean absolute difference of cells). Area averaging removes noise and coding error, so drift shows
 *       here even when each frame-to-frame step is tiny.</li>
 * </ul>
 * Re-encoded freezes are not bit-exact: the encoder keeps refining the still picture, so P and B frames inside a
 * freeze "breathe" by a few tenths of a level (up to 0.8 measured with MPEG-2 at q3), and a key frame jumps by a
 * level or two. So the frame-difference test has hysteresis: a freeze starts only on a near-exact repeat
 * ({@code maxFrameDifference}); once frozen, a frame stays frozen up to {@code maxFrozenFrameDifference}, which
 * is still below the 1.8 levels that sensor noise on a static scene never went under; and a key frame inside a
 * freeze may jump up to {@code maxKeyFrameDifference}. The reference-thumbnail test applies throughout, so the
 * looser bounds cannot hide a real change of picture.
 *
 * <p>Low-rate codecs (H.264 at a few Mb/s) code a still scene's sensor noise away in P pictures, which then repeat
 * as exactly as a frozen source does; only key frames carry fresh noise. So key frames are compared with the
 * previous key frame ({@code keyFrameDifference}, full resolution): two key frames coded from one unchanged source
 * picture decode alike (0.0-0.5 levels measured), a live still's differ by its noise (1.7-2.2). The comparison
 * counts when both key frames show the same still: the earlier one lies in the current still run, or it began the
 * still (the frame after it repeated it) and its thumbnail matches. A key frame over {@code maxKeyToKeyDifference} proves the still alive: it is not frozen, and the frames
 * after it are not either (however exactly they repeat) until the picture moves or a later key frame matches its
 * predecessor, which is where a freeze in a live still shows: it is dated from that predecessor, the earliest frame
 * proven unchanged, so a freeze that begins mid-GOP inside a live still is dated up to a GOP late. A still shorter than two GOPs, with no key frame to compare, is judged as
 * before.
 *
 * <p>Black frames and colour bars (the verdicts of the BlackFrameDetector and the ColorBarsDetector, which run
 * first) are not frozen: each is its own defect, and both are still pictures by nature.
 * Frames without a thumbnail are judged on {@code frameDifference} alone.
 *
 * <p>State per stream: the reference thumbnail and whether the previous frame was frozen, kept with a TTL so a
 * stream that vanishes without ENDED does not leak; cleared on ENDED. Annotates {@link DefectType#FROZEN_FRAMES}
 * and {@link MediaEvent#frozenMeasure} (the frame difference, levels).
 */
public class FrozenFrameDetector extends Detector {
    private static final long serialVersionUID = 1L;

    /**
     * @param maxFrameDifference       8-bit levels, full-resolution mean |difference| to the previous frame
     *                                 for a freeze to start
     * @param maxFrozenFrameDifference 8-bit levels, the same measure for a freeze to continue (codec breathing)
     * @param maxReferenceDifference   8-bit levels, mean |difference| of thumbnail cells to the reference
     * @param maxKeyFrameDifference    8-bit levels, tolerated jump of a key frame inside a freeze
     * @param maxKeyToKeyDifference    8-bit levels, how far a key frame may differ from the previous key frame of the
     *                                 same still and still be a freeze (1.0: re-coded freezes measured 0.0-0.5, live
     *                                 stills 1.7-2.2)
     */
    public record Thresholds(double maxFrameDifference, double maxFrozenFrameDifference, double maxReferenceDifference,
                             double maxKeyFrameDifference, double maxKeyToKeyDifference) implements Serializable {
        public static final Thresholds DEFAULTS = new Thresholds(0.5, 1.2, 1.0, 3.0, 1.0);
    }

    /** The per-stream state: a Flink POJO. */
    public static class Reference {
        /** Luma thumbnail of the last frame that was not frozen; null before the first frame with a thumbnail. */
        public byte[] thumbnail;
        public boolean previousFrozen;
        /** Luma thumbnail of the last key frame; null before one. */
        public byte[] keyThumbnail;
        /** The last key frame fell inside the current still run (frozen, or a live still). */
        public boolean keyInRun;
        /** A key frame proved the current still alive: its repeats are not frozen. */
        public boolean liveStill;
        /** The last key frame is the previous frame (whether it led a still is decided on this one). */
        public boolean keyPending;
        /** Media µs of the last key frame; Long.MIN_VALUE before one. */
        public long keyTimeUs = Long.MIN_VALUE;
        /** The frame after the last key frame repeated it (within maxFrameDifference): that key began a still. */
        public boolean keyLedStill;

        public Reference() {}
    }

    private Thresholds thresholds;
    private final Duration stateRetention;
    private transient ValueState<Reference> reference;

    public FrozenFrameDetector(Thresholds thresholds, Duration stateRetention) {
        this.thresholds = thresholds;
        this.stateRetention = stateRetention;
    }

    @Override
    protected void openState() throws Exception {
        // Read-and-write TTL: a long freeze only reads the reference, and must keep it.
        reference = streamState("freezeReference", Reference.class, stateRetention, StateTtlConfig.UpdateType.OnReadAndWrite);
    }

    @Override
    protected void useProfile(DetectionProfile profile) {
        thresholds = profile.frozen();
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return event.video != null;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        boolean frozen = judge(event);
        event.markCondition(DefectType.FROZEN_FRAMES, frozen);
        return frozen;
    }

    @Override
    protected void forgetStream() {
        reference.clear();
    }

    private boolean judge(MediaEvent event) throws Exception {
        VideoFrameFeatures frame = event.video;
        Float difference = frame.getFrameDifference();
        event.frozenMeasure = difference == null ? Float.NaN : difference;
        Reference ref = reference.value();
        if (ref == null) {
            ref = new Reference();
        }
        int cells = frame.getThumbWidth() * frame.getThumbHeight();
        boolean hasThumbnail = Thumbnail.isComplete(frame.getThumbLuma(), cells);
        boolean frozen = difference != null && !event.hasCondition(DefectType.BLACK_FRAMES)
                && !event.hasCondition(DefectType.COLOR_BARS)
                && (difference <= thresholds.maxFrameDifference()
                    || (ref.previousFrozen && difference <= thresholds.maxFrozenFrameDifference())
                    || (ref.previousFrozen && isKeyFrame(frame) && difference <= thresholds.maxKeyFrameDifference()))
                && (!hasThumbnail || ref.thumbnail == null || ref.thumbnail.length != cells
                    || Thumbnail.meanAbsoluteDifference(frame.getThumbLuma(), ref.thumbnail) <= thresholds.maxReferenceDifference());
        if (ref.keyPending) {
            ref.keyLedStill = difference != null && difference <= thresholds.maxFrameDifference();
            ref.keyPending = false;
        }
        if (frozen || ref.liveStill) {
            frozen = judgeStillAgainstKeyFrames(event, ref, hasThumbnail, cells);
        } else {
            ref.keyInRun = false;
        }
        if (isKeyFrame(frame) && hasThumbnail) {
            if (ref.keyThumbnail == null || ref.keyThumbnail.length != cells) {
                ref.keyThumbnail = new byte[cells];
            }
            Thumbnail.copy(frame.getThumbLuma(), ref.keyThumbnail);
            ref.keyTimeUs = event.mediaTimeUs;
            ref.keyPending = true;
            ref.keyLedStill = false;
        }
        // A frame that matched only because there was no reference yet to compare with is frozen against the
        // previous frame; it still becomes the reference below.
        if (!frozen && hasThumbnail) {
            if (ref.thumbnail == null || ref.thumbnail.length != cells) {
                ref.thumbnail = new byte[cells];
            }
            Thumbnail.copy(frame.getThumbLuma(), ref.thumbnail);
        } else if (frozen && hasThumbnail && ref.thumbnail == null) {
            ref.thumbnail = new byte[cells];
            Thumbnail.copy(frame.getThumbLuma(), ref.thumbnail);
        }
        ref.previousFrozen = frozen;
        reference.update(ref);
        return frozen;
    }

    /**
     * A frame that repeats like a freeze (or continues a live still): frozen unless the still is alive. Key frames
     * decide: one unlike its predecessor of the same scene proves the still alive, one like it proves it frozen.
     */
    private boolean judgeStillAgainstKeyFrames(MediaEvent event, Reference ref, boolean hasThumbnail, int cells) {
        VideoFrameFeatures frame = event.video;
        boolean repeats = ref.previousFrozen || ref.liveStill;
        Float difference = frame.getFrameDifference();
        // A key frame's jump is its fresh noise, not movement; the key-to-key comparison below judges it.
        double maxStep = isKeyFrame(frame) ? thresholds.maxKeyFrameDifference() : thresholds.maxFrozenFrameDifference();
        if (ref.liveStill && (difference == null || difference > maxStep
                || (hasThumbnail && ref.thumbnail != null && ref.thumbnail.length == cells
                    && Thumbnail.meanAbsoluteDifference(frame.getThumbLuma(), ref.thumbnail) > thresholds.maxReferenceDifference()))) {
            // The picture moved: the live still is over.
            ref.liveStill = false;
            ref.keyInRun = false;
            return false;
        }
        Float keyToKey = frame.getKeyFrameDifference();
        if (isKeyFrame(frame) && keyToKey != null) {
            // The earlier key frame shows this still if it fell inside the run, or if it began the still: the frame
            // after it repeated it, and it looks the same. A key frame of the moving picture just before a freeze
            // looks the same too, but differs at full resolution by that motion, and must not count.
            boolean sameScene = (ref.keyInRun && repeats) || (ref.keyLedStill && hasThumbnail && ref.keyThumbnail != null
                    && ref.keyThumbnail.length == cells
                    && Thumbnail.meanAbsoluteDifference(frame.getThumbLuma(), ref.keyThumbnail) <= thresholds.maxReferenceDifference());
            ref.keyInRun = true;
            if (sameScene) {
                boolean wasLive = ref.liveStill;
                ref.liveStill = keyToKey > thresholds.maxKeyToKeyDifference();
                if (wasLive && !ref.liveStill && ref.keyTimeUs != Long.MIN_VALUE) {
                    // A freeze inside a live still: this key frame matches the last one, so the picture has not
                    // changed since that one; when it stopped before it, the repeats cannot tell.
                    event.frozenStartUs = ref.keyTimeUs;
                }
            }
        }
        return !ref.liveStill;
    }

    private static boolean isKeyFrame(VideoFrameFeatures frame) {
        return frame.getKeyFrame() || frame.getPictureType() == PictureType.I;
    }
}
