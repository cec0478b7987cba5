package io.avmon.job.detect;

import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.DefectType;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;

/**
 * Colour bars (a test pattern on air): SMPTE EG 1 / RP 219 (ARIB STD-B28) and EBU 100/75 or 75/75 bars all share
 * one upper part: vertical bars of grey or white, yellow, cyan, green, magenta, red, blue, left to right. That order
 * is the order of falling luma (it is the binary count of the primaries, G R B, from all on to B alone), not the
 * order of the hue wheel, so natural pictures and rainbow graphics do not follow it. A frame shows bars when, on
 * its thumbnails:
 * <ul>
 *   <li>the picture is static: {@code frameDifference <= maxFrameDifference} (a clock or a station ident in a
 *       corner moves the whole-frame mean by far less);</li>
 *   <li>in the bar region (the top {@code barRegionHeight} of the picture: SMPTE's bars fill 67%, ARIB's 58%, EBU's
 *       all of it) at least {@code minUniformColumnShare} of the chroma-thumbnail columns are near-uniform down their
 *       rows: luma, Cb and Cr each within {@code maxColumnRange} levels;</li>
 *   <li>among those columns, the ones with a saturated colour (chroma magnitude {@code >= minChroma}) whose hue is
 *       within {@code maxHueErrorDegrees} of a bar colour's (BT.709 or BT.601 matrix) contain at least
 *       {@code minHueBands} different bar colours in the canonical order, with luma not rising left to right by
 *       more than {@code maxLumaRise}. The order is found as the longest such increasing sequence, so a column
 *       straddling two bars (a blend: between yellow and cyan it has green's hue at half saturation) is skipped
 *       rather than breaking the pattern; ARIB's narrow bars leave some bars without a pure column.</li>
 * </ul>
 * State: none. Runs before the frozen detector, which leaves frames marked as bars alone (bars are static by
 * design: they are their own defect, not a freeze). Annotates {@link DefectType#COLOR_BARS} and
 * its measure: the number of bar colours found in order (0-6).
 */
public class ColorBarsDetector extends Detector<ColorBarsDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /**
     * @param barRegionHeight       0-1, the share of the picture height, from the top, judged for bars (0.55: inside
     *                              the bars of SMPTE, ARIB and EBU alike, above SMPTE's castellations and PLUGE)
     * @param maxColumnRange        8-bit levels, max-min of a column's thumbnail cells in the region, per plane
     *                              (area averaging leaves coding noise well under 2 levels; 12 tolerates a soft
     *                              analogue source)
     * @param minUniformColumnShare 0-1, share of chroma columns that must be uniform (bars, pillars and pillarbox
     *                              are all uniform; 0.75 leaves room for a logo over a quarter of the columns)
     * @param minChroma             8-bit levels, |(Cb,Cr)-(128,128)| of a bar colour; 75% bars reach 84-100
     * @param maxHueErrorDegrees    degrees, from a bar colour's hue; neighbouring bar hues are 50-75 degrees apart
     * @param minHueBands           of 6 (yellow, cyan, green, magenta, red, blue) found in order; 5 allows one bar
     *                              without a pure column or under a logo
     * @param maxLumaRise           8-bit levels, the most luma may rise from one bar to the next (bars fall by 12-70)
     * @param maxFrameDifference    8-bit levels, mean |difference| to the previous frame; bars are a still picture
     */
    public record Thresholds(
            @Range(min = 0.1, max = 1) double barRegionHeight,
            @Range(min = 0, max = 255) int maxColumnRange,
            @Range(min = 0, max = 1) double minUniformColumnShare,
            @Range(min = 0, max = 182) double minChroma,
            @Range(min = 0, max = 180) double maxHueErrorDegrees,
            @Range(min = 1, max = 6) int minHueBands,
            @Range(min = 0, max = 255) int maxLumaRise,
            @Range(min = 0, max = 255) double maxFrameDifference)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(0.55, 12, 0.75, 40, 22, 5, 10, 3.0);
    }

    /** Hues of the six saturated bars in canonical order, atan2(Cr-128, Cb-128) in degrees, per matrix. */
    static final double[][] BAR_HUES = {barHues(0.2126, 0.0722), barHues(0.299, 0.114)};

    private transient int[] barClass;
    private transient int[] barLuma;
    private transient int[] sequenceLength;
    private transient double columnMean;

    public ColorBarsDetector(Thresholds thresholds) {
        super(DefectType.COLOR_BARS, thresholds);
    }

    @Override
    protected void openState() throws Exception {
        allocate();
    }

    private void allocate() {
        barClass = new int[64];
        barLuma = new int[64];
        sequenceLength = new int[64];
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return event.video != null;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        int bands = barColoursInOrder(event.video);
        boolean bars = bands >= thresholds.minHueBands();
        event.setMeasure(type, bands);
        event.markCondition(DefectType.COLOR_BARS, bars);
        return bars;
    }

    /** How many bar colours the frame shows in canonical order; 0 when it is not a still, uniform-column picture. */
    int barColoursInOrder(VideoFrameFeatures frame) {
        if (barClass == null) {
            allocate();
        }
        Float difference = frame.getFrameDifference();
        if (difference != null && difference > thresholds.maxFrameDifference()) {
            return 0;
        }
        int tw = frame.getThumbWidth();
        int th = frame.getThumbHeight();
        int cw = tw / 2;
        int ch = th / 2;
        ByteBuffer luma = frame.getThumbLuma();
        ByteBuffer cb = frame.getThumbCb();
        ByteBuffer cr = frame.getThumbCr();
        if (cw <= 0
                || cw > barClass.length
                || !Thumbnail.isComplete(luma, tw * th)
                || !Thumbnail.isComplete(cb, cw * ch)
                || !Thumbnail.isComplete(cr, cw * ch)) {
            return 0;
        }
        int chromaRows = Math.max(1, (int) Math.floor(ch * thresholds.barRegionHeight()));
        int lumaRows = Math.min(th, 2 * chromaRows);
        int uniform = 0;
        int candidates = 0;
        for (int c = 0; c < cw; c++) {
            int cbRange = columnStats(cb, cw, c, chromaRows);
            double u = columnMean - 128;
            int crRange = columnStats(cr, cw, c, chromaRows);
            double v = columnMean - 128;
            // Luma per luma column: a chroma column may straddle two bars, uniform down each but not across.
            int yRange = columnStats(luma, tw, 2 * c, lumaRows);
            double y = columnMean;
            if (2 * c + 1 < tw) {
                yRange = Math.max(yRange, columnStats(luma, tw, 2 * c + 1, lumaRows));
                y = (y + columnMean) / 2;
            }
            if (cbRange > thresholds.maxColumnRange()
                    || crRange > thresholds.maxColumnRange()
                    || yRange > thresholds.maxColumnRange()) {
                continue;
            }
            uniform++;
            if (Math.hypot(u, v) < thresholds.minChroma()) {
                continue;
            }
            int bar = nearestBar(Math.toDegrees(Math.atan2(v, u)));
            if (bar >= 0) {
                barClass[candidates] = bar;
                barLuma[candidates] = (int) Math.round(y);
                candidates++;
            }
        }
        if (uniform < thresholds.minUniformColumnShare() * cw) {
            return 0;
        }
        // Longest run of columns whose bar colour strictly advances in canonical order while luma does not rise.
        int best = 0;
        for (int i = 0; i < candidates; i++) {
            int length = 1;
            for (int j = 0; j < i; j++) {
                if (barClass[j] < barClass[i] && barLuma[i] <= barLuma[j] + thresholds.maxLumaRise()) {
                    length = Math.max(length, sequenceLength[j] + 1);
                }
            }
            sequenceLength[i] = length;
            best = Math.max(best, length);
        }
        return best;
    }

    /**
     * Max-min of column {@code x} of a plane over its first {@code rows}; leaves the mean in {@link #columnMean} (no
     * allocation per column).
     */
    private int columnStats(ByteBuffer plane, int stride, int x, int rows) {
        int base = plane.position();
        int min = 255;
        int max = 0;
        long sum = 0;
        int n = 0;
        for (int y = 0; y < rows; y++) {
            int value = plane.get(base + y * stride + x) & 0xFF;
            min = Math.min(min, value);
            max = Math.max(max, value);
            sum += value;
            n++;
        }
        columnMean = (double) sum / Math.max(1, n);
        return n == 0 ? 255 : max - min;
    }

    /** Index (0 yellow .. 5 blue) of the bar colour within tolerance of {@code hue}, or -1. */
    private int nearestBar(double hue) {
        int best = -1;
        double bestError = thresholds.maxHueErrorDegrees();
        for (double[] hues : BAR_HUES) {
            for (int bar = 0; bar < hues.length; bar++) {
                double error = Math.abs(Math.IEEEremainder(hue - hues[bar], 360));
                if (error <= bestError) {
                    bestError = error;
                    best = bar;
                }
            }
        }
        return best;
    }

    /** Hues of yellow, cyan, green, magenta, red, blue for a matrix with luma weights kr and kb. */
    private static double[] barHues(double kr, double kb) {
        double kg = 1 - kr - kb;
        double[][] rgb = {{1, 1, 0}, {0, 1, 1}, {0, 1, 0}, {1, 0, 1}, {1, 0, 0}, {0, 0, 1}};
        double[] hues = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            double y = kr * rgb[i][0] + kg * rgb[i][1] + kb * rgb[i][2];
            double u = (rgb[i][2] - y) / (2 * (1 - kb));
            double v = (rgb[i][0] - y) / (2 * (1 - kr));
            hues[i] = Math.toDegrees(Math.atan2(v, u));
        }
        return hues;
    }
}
