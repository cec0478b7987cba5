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
     */
    public record Thresholds(double maxFrameDifference, double maxFrozenFrameDifference, double maxReferenceDifference,
                             double maxKeyFrameDifference) implements Serializable {
        public static final Thresholds DEFAULTS = new Thresholds(0.5, 1.2, 1.0, 3.0);
    }

    /** The per-stream state: a Flink POJO. */
    public static class Reference {
        /** Luma thumbnail of the last frame that was not frozen; null before the first frame with a thumbnail. */
        public byte[] thumbnail;
        public boolean previousFrozen;

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

    private static boolean isKeyFrame(VideoFrameFeatures frame) {
        return frame.getKeyFrame() || frame.getPictureType() == PictureType.I;
    }
}
