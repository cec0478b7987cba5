package io.avmon.job.detect;

import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.DefectType;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Block corruption (macroblocking, decode corruption) as packet loss leaves it, from two pieces of evidence:
 * <ul>
 *   <li><b>The decoder's word.</b> A frame with {@code decodeErrorFlags != 0} (FFmpeg's decode_error_flags, e.g.
 *       0x4 concealment active, or the corrupt-frame bit) is corrupt, and so is every frame after it until the next
 *       <em>clean key frame</em>: predicted pictures copy the damaged area forward, while the decoder flags only the
 *       pictures whose own slices were damaged.</li>
 *   <li><b>The picture.</b> For damage the decoder cannot see (bit errors that still parse, a decoder that conceals
 *       silently): the frame's blockiness (gradients across the 8x8 grid over gradients inside blocks, ffmpeg
 *       blockdetect's measure) at least {@code minBlockiness} and {@code blockinessRatio} x the stream's own recent
 *       normal, for {@code minBlockyFrames} frames in a row. The normal is an exponential average over
 *       {@code baselineFrames} clean frames, learnt per stream, because the blockiness a codec leaves at its bit rate
 *       differs from stream to stream. Only frames with picture content are judged: on near-black or flat frames (a
 *       fade or dip to black) there is almost no gradient inside the blocks, so the ratio is compression noise over
 *       nothing and reads high (the trap); {@code minLumaMean} and {@code minLumaStdDev} keep them out, and keep them
 *       out of the normal too. Graphics whose edges fall on the 8x8 grid (colour bars, slides, tickers) read high
 *       blockiness with no damage at all, since the inside of their blocks is flat: frames the colour-bars detector
 *       marked are not judged, and a scene cut (frame difference at least {@code sceneCutDifference}) starts the
 *       normal afresh, so a cut to such a picture makes it the new normal instead of corruption.</li>
 * </ul>
 * The measure is the share of the picture affected, in percent, where it can be measured: of the 16 cells of the
 * converter's blockiness grid, those blocky against their own normal (learnt like the whole picture's, cell by cell,
 * since a sky and a crowd block differently). A corrupt frame with no blocky cell (the decoder concealed the damage
 * smoothly, or the normal is still being learnt) has no measure (NaN), and a defect none of whose frames had one is
 * reported as 100: prediction can have carried the damage anywhere. Annotates {@link DefectType#BLOCK_CORRUPTION}.
 *
 * <p>State per stream: a Flink POJO, kept with a TTL, cleared on ENDED.
 */
public class BlockCorruptionDetector extends Detector<BlockCorruptionDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /**
     * @param blockinessRatio  x the stream's normal blockiness (1.6: clean MPEG-2 at broadcast quality swings from
     *                         about 1.0 on B pictures to 1.6 on key frames, a ratio of 1.6 around a normal of 1.1-1.2)
     * @param minBlockiness    absolute floor (2.0: visible tiling; clean broadcast-quality frames stay below 1.7)
     * @param baselineFrames   frames in the exponential average of the normal (50: 2 s at 25 fps)
     * @param minHistoryFrames clean judged frames learnt before blockiness counts (25: 1 s at 25 fps)
     * @param minBlockyFrames  blocky frames in a row before they count (3: a single blocky key frame after a cut, or
     *                         one starved frame, is not corruption)
     * @param minLumaMean      mean luma, 8-bit levels, below which blockiness is not judged (40: just above
     *                         limited-range black plus blackdetect's 10% of the range, 16 + 0.10 x 219 = 38)
     * @param minLumaStdDev    luma standard deviation, 8-bit levels, below which the picture is too flat to judge (8)
     * @param sceneCutDifference mean absolute luma difference to the previous frame, 8-bit levels, from which a frame
     *                         is a cut that starts the normal afresh (30: motion, even fast, rarely moves the whole
     *                         picture's mean that far; a cut between shots changes most of it by more)
     */
    public record Thresholds(
            @Range(min = 1.01, max = 100) double blockinessRatio,
            @Range(min = 1.01, max = 100) double minBlockiness,
            @Range(min = 1, max = 10_000) int baselineFrames,
            @Range(min = 1, max = 10_000) int minHistoryFrames,
            @Range(min = 1, max = 1_000) int minBlockyFrames,
            @Range(min = 0, max = 255) double minLumaMean,
            @Range(min = 0, max = 255) double minLumaStdDev,
            @Range(min = 0.01, max = 255) double sceneCutDifference)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(1.6, 2.0, 50, 25, 3, 40, 8, 30);

        public Thresholds {
            if (!(blockinessRatio > 1)
                    || !(minBlockiness > 1)
                    || baselineFrames < 1
                    || minHistoryFrames < 1
                    || minHistoryFrames > baselineFrames
                    || minBlockyFrames < 1
                    || minLumaMean < 0
                    || minLumaStdDev < 0
                    || !(sceneCutDifference > 0)) {
                throw new IllegalArgumentException("invalid block corruption thresholds");
            }
        }
    }

    /** The per-stream state: a Flink POJO. */
    public static class Damage extends ExpiringState {
        /** A flagged frame was seen and no clean key frame since. */
        public boolean awaitingKeyFrame;
        /** The stream's normal blockiness: an exponential average over clean, judged frames. */
        public double normalBlockiness;

        public int normalFrames;
        /** Blocky frames in a row. */
        public int blockyRun;
        /** Each grid cell's normal blockiness, learnt alongside {@link #normalBlockiness}; null before the first grid. */
        public float[] normalCells;

        public Damage() {}
    }

    private static final int GRID_CELLS = 16;
    /** The converter's encoding of a grid cell: 32 x its blockiness. */
    private static final float CELL_SCALE = 32f;

    private final Duration stateRetention;
    private transient StreamState<Damage> damage;

    public BlockCorruptionDetector(Thresholds thresholds, Duration stateRetention) {
        super(DefectType.BLOCK_CORRUPTION, thresholds);
        this.stateRetention = stateRetention;
    }

    @Override
    protected void openState() {
        damage = streamState("blockDamage", Damage.class, stateRetention);
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return event.video != null;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        VideoFrameFeatures frame = event.video;
        Damage d = damage.value();
        if (d == null) {
            d = new Damage();
        }
        boolean flagged = frame.getDecodeErrorFlags() != 0;
        if (flagged) {
            d.awaitingKeyFrame = true;
        } else if (frame.getKeyFrame()) {
            // A clean key frame refers to nothing before it: the damage can no longer propagate.
            d.awaitingKeyFrame = false;
        }
        boolean blocky = !event.hasCondition(DefectType.COLOR_BARS) && judgeBlockiness(frame, d, flagged);
        boolean corrupt = d.awaitingKeyFrame || blocky;
        damage.update(d);
        event.markCondition(DefectType.BLOCK_CORRUPTION, corrupt);
        event.setMeasure(type, corrupt ? affectedPercent(frame, d) : 0f);
        return corrupt;
    }

    private static void learnCells(VideoFrameFeatures frame, Damage d) {
        ByteBuffer grid = frame.getBlockinessGrid();
        if (grid == null || grid.remaining() != GRID_CELLS) {
            return;
        }
        if (d.normalCells == null || d.normalFrames == 1) {
            d.normalCells = new float[GRID_CELLS];
        }
        int base = grid.position();
        for (int cell = 0; cell < GRID_CELLS; cell++) {
            d.normalCells[cell] += ((grid.get(base + cell) & 0xFF) / CELL_SCALE - d.normalCells[cell]) / d.normalFrames;
        }
    }

    /** Percent of the grid's cells blocky against their own normal; NaN when none is, or there is no grid or normal yet. */
    private float affectedPercent(VideoFrameFeatures frame, Damage d) {
        ByteBuffer grid = frame.getBlockinessGrid();
        if (grid == null
                || grid.remaining() != GRID_CELLS
                || d.normalCells == null
                || d.normalFrames < thresholds.minHistoryFrames()) {
            return Float.NaN;
        }
        int base = grid.position();
        int blocky = 0;
        for (int cell = 0; cell < GRID_CELLS; cell++) {
            float value = (grid.get(base + cell) & 0xFF) / CELL_SCALE;
            if (value >= thresholds.minBlockiness() && value >= thresholds.blockinessRatio() * d.normalCells[cell]) {
                blocky++;
            }
        }
        return blocky == 0 ? Float.NaN : 100f * blocky / GRID_CELLS;
    }

    /** Whether the frame ends a run of {@code minBlockyFrames} blocky frames; learns the normal from clean ones. */
    private boolean judgeBlockiness(VideoFrameFeatures frame, Damage d, boolean flagged) {
        float blockiness = frame.getBlockiness();
        Float difference = frame.getFrameDifference();
        if (difference != null && difference >= thresholds.sceneCutDifference()) {
            // A new shot: what is normal for it is learnt again.
            d.normalFrames = 0;
            d.normalBlockiness = 0;
            d.blockyRun = 0;
        }
        boolean judgeable = Float.isFinite(blockiness)
                && frame.getLumaMean() >= thresholds.minLumaMean()
                && frame.getLumaStdDev() >= thresholds.minLumaStdDev();
        if (!judgeable) {
            // A dark or flat frame says nothing about blocking; it neither extends nor breaks a run.
            return false;
        }
        boolean blocky = d.normalFrames >= thresholds.minHistoryFrames()
                && blockiness >= thresholds.minBlockiness()
                && blockiness >= thresholds.blockinessRatio() * d.normalBlockiness;
        if (blocky) {
            d.blockyRun++;
        } else {
            d.blockyRun = 0;
            if (!flagged && !d.awaitingKeyFrame) {
                d.normalFrames = Math.min(d.normalFrames + 1, thresholds.baselineFrames());
                d.normalBlockiness += (blockiness - d.normalBlockiness) / d.normalFrames;
                learnCells(frame, d);
            }
        }
        return d.blockyRun >= thresholds.minBlockyFrames();
    }

    @Override
    protected void forgetStream() throws Exception {
        damage.clear();
    }
}
