package io.avmon.job.detect;

import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.DefectType;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;

/**
 * Black picture: a frame is black when almost all of it sits at black level AND it shows no structure.
 *
 * <p>ffmpeg blackdetect counts pixels below 10% of the range (the converter's {@code blackPixelShare}) and
 * calls a frame black at 98%. That misses black with a channel logo and passes dark night scenes. Here:
 * <ul>
 *   <li>{@code blackPixelShare >= minBlackPixelShare} (95%, the certainty commercial monitors use, so a
 *       logo of up to 5% of the picture does not defeat it);</li>
 *   <li>the 32x18 luma thumbnail is flat: its 90th minus 10th percentile cell is within
 *       {@code maxThumbnailSpread}. A logo covers too few cells to move those percentiles, while a dark
 *       scene has lit windows, a sky and a horizon;</li>
 *   <li>the chroma thumbnails are neutral: the median cell is within {@code maxChromaOffset} of 128. Black
 *       has no colour; a tinted night scene has.</li>
 * </ul>
 * Without a usable thumbnail the frame is judged on {@code blackPixelShare >= minBlackPixelShareWithoutThumbnail}
 * alone (ffmpeg's 98%).
 *
 * <p>State: none. Annotates {@link DefectType#BLACK_FRAMES} and its measure (the share).
 * Letterbox bars (about 25% of the frame) and fades are left to the share and to the lifecycle's 3 s minimum.
 */
public class BlackFrameDetector extends Detector<BlackFrameDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /**
     * @param minBlackPixelShare                0-1, share of luma samples at or below the converter's black threshold
     * @param maxThumbnailSpread                8-bit levels, 90th-10th percentile range of thumbnail luma cells
     * @param maxChromaOffset                   8-bit levels, median |Cb-128| and |Cr-128| over chroma thumbnail cells
     * @param minBlackPixelShareWithoutThumbnail 0-1, the only test when the thumbnail is missing or malformed
     */
    public record Thresholds(
            @Range(min = 0, max = 1) double minBlackPixelShare,
            @Range(min = 0, max = 255) int maxThumbnailSpread,
            @Range(min = 0, max = 128) int maxChromaOffset,
            @Range(min = 0, max = 1) double minBlackPixelShareWithoutThumbnail)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(0.95, 6, 5, 0.98);
    }

    private transient int[] histogram;

    public BlackFrameDetector(Thresholds thresholds) {
        super(DefectType.BLACK_FRAMES, thresholds);
    }

    @Override
    protected void openState() throws Exception {
        histogram = new int[256];
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return event.video != null;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        VideoFrameFeatures frame = event.video;
        boolean black = isBlack(frame);
        event.markCondition(DefectType.BLACK_FRAMES, black);
        event.setMeasure(type, frame.getBlackPixelShare());
        return black;
    }

    boolean isBlack(VideoFrameFeatures frame) {
        float share = frame.getBlackPixelShare();
        if (share < thresholds.minBlackPixelShare()) {
            return false;
        }
        int cells = frame.getThumbWidth() * frame.getThumbHeight();
        if (!Thumbnail.isComplete(frame.getThumbLuma(), cells)) {
            return share >= thresholds.minBlackPixelShareWithoutThumbnail();
        }
        int n = Thumbnail.histogram(frame.getThumbLuma(), histogram, -1);
        int spread = Thumbnail.quantile(histogram, n, 0.9) - Thumbnail.quantile(histogram, n, 0.1);
        if (spread > thresholds.maxThumbnailSpread()) {
            return false;
        }
        return isNeutral(frame.getThumbCb()) && isNeutral(frame.getThumbCr());
    }

    /** A missing chroma plane (a grey-only source) counts as neutral. */
    private boolean isNeutral(ByteBuffer chroma) {
        if (chroma == null || !chroma.hasRemaining()) {
            return true;
        }
        int n = Thumbnail.histogram(chroma, histogram, 128);
        return Thumbnail.quantile(histogram, n, 0.5) <= thresholds.maxChromaOffset();
    }
}
