package io.avmon.job.detect;

import io.avmon.job.audio.Bs1770;
import io.avmon.job.audio.LoudnessMeter;
import io.avmon.job.audio.LoudnessStandard;
import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.DefectType;
import java.time.Duration;

/**
 * Loudness out of bounds, metered in the job as EBU R128 / BS.1770-4 from the blocks' K-weighted energies
 * ({@link LoudnessMeter}): momentary (400 ms), short-term (3 s) and gated integrated loudness after every block.
 *
 * <p>A block violates when its short-term loudness lies outside [target - maxBelowTargetLu, target +
 * maxAboveTargetLu]. Short-term, because integrated loudness of a live channel moves too slowly to alarm on and
 * momentary swings with every word. The bounds are asymmetric on purpose:
 * <ul>
 *   <li>above: +5 LU, EBU R128 s1's maximum short-term loudness (-18 LUFS against -23). Loud is what viewers
 *       complain about, and what R128 exists to stop;</li>
 *   <li>below: -25 LU. Quiet passages are programme dynamics: film and drama span a loudness range of up to
 *       about 20 LU (EBU Tech 3343), and that range is the 10th to 95th percentile of short-term readings, so
 *       single quiet passages fall further still (the test corpus's quiet passage reads -43 LUFS). Only a reading
 *       25 LU or more below target held for the raise delay is a level fault (a gain error, a lost downmix)
 *       rather than a quiet scene.</li>
 * </ul>
 * Short-term loudness of programme swings over seconds, so the lifecycle's default raise delay is long (10 s).
 * The short-term reading crosses a bound up to 3 s after the programme did, so a violation is dated from where the
 * momentary (400 ms) reading crossed it on the same side, if the sound since then has stayed outside on the whole
 * ({@link LoudnessWatch}: a pause between phrases does not move the start). So the onset is not 3 s late; the raise
 * delay still counts the short-term readings outside (DefectKind), so a passage too quiet for 11 s is not raised.
 * No verdict before 3 s of audio (the short-term window must be full), and none below the -70 LUFS absolute gate:
 * silence has no loudness, it is AUDIO_SILENCE.
 *
 * <p>State per stream: the meter (fixed size), kept with a TTL so a stream that vanishes without ENDED does not
 * leak; cleared on ENDED. Annotates {@link DefectType#LOUDNESS_VIOLATION}, its measure
 * (the short-term loudness, LUFS) and its start ({@link MediaEvent#setConditionStart}).
 */
public class LoudnessDetector extends Detector<LoudnessDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /**
     * @param targetLufs       LUFS (= LKFS), the programme loudness target
     * @param maxAboveTargetLu LU, how far short-term loudness may rise above the target
     * @param maxBelowTargetLu LU, how far short-term loudness may fall below the target
     */
    public record Thresholds(
            @Range(min = -70, max = 0) double targetLufs,
            @Range(min = 0, max = 70) double maxAboveTargetLu,
            @Range(min = 0, max = 70) double maxBelowTargetLu)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = forStandard(LoudnessStandard.EBU_R128);

        public Thresholds {
            if (maxAboveTargetLu < 0 || maxBelowTargetLu < 0) {
                throw new IllegalArgumentException("loudness tolerances must not be negative");
            }
        }

        /** The standard's target with the default bounds, +5 / -25 LU. */
        public static Thresholds forStandard(LoudnessStandard standard) {
            return new Thresholds(standard.targetLufs(), 5.0, 25.0);
        }

        /** The same bounds around another standard's target. */
        public Thresholds withStandard(LoudnessStandard standard) {
            return new Thresholds(standard.targetLufs(), maxAboveTargetLu, maxBelowTargetLu);
        }

        public double maxLufs() {
            return targetLufs + maxAboveTargetLu;
        }

        public double minLufs() {
            return targetLufs - maxBelowTargetLu;
        }
    }

    /** How far back a short-term reading reaches: its 3 s window, less the block that ends it. */
    private static final long SHORT_TERM_REACH_US = (Bs1770.SHORT_TERM_BLOCKS - 1) * 100_000L;

    private final Duration stateRetention;
    private transient StreamState<LoudnessWatch> watch;

    public LoudnessDetector(Thresholds thresholds, Duration stateRetention) {
        super(DefectType.LOUDNESS_VIOLATION, thresholds);
        this.stateRetention = stateRetention;
    }

    @Override
    protected void openState() throws Exception {
        // Written on every block, so the default update-on-write TTL keeps a live stream's meter.
        watch = streamState("loudnessWatch", LoudnessWatch.class, stateRetention);
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return event.audio != null;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        boolean violation = judge(event);
        event.markCondition(DefectType.LOUDNESS_VIOLATION, violation);
        return violation;
    }

    @Override
    protected void forgetStream() throws Exception {
        watch.clear();
    }

    private boolean judge(MediaEvent event) throws Exception {
        if (event.audio.getChannels().isEmpty()) {
            return false; // malformed, not silent and not loud: leave the meter alone
        }
        LoudnessWatch w = watch.value();
        if (w == null) {
            w = new LoudnessWatch();
        }
        LoudnessMeter m = w.meter;
        m.add(Bs1770.weightedMeanSquare(event.audio.getChannels()));
        w.follow(event.mediaTimeUs, thresholds.minLufs(), thresholds.maxLufs());
        watch.update(w);
        double shortTerm = m.shortTermLufs();
        event.setMeasure(type, shortTerm);
        // NaN (window not yet full) compares false; -infinity (digital silence) is below the gate.
        boolean above = shortTerm > thresholds.maxLufs();
        boolean violation = shortTerm > Bs1770.ABSOLUTE_GATE_LUFS && (above || shortTerm < thresholds.minLufs());
        event.setConditionStart(
                type,
                violation
                        ? w.violationStartUs(above, event.mediaTimeUs, SHORT_TERM_REACH_US)
                        : MediaEvent.UNKNOWN_MEDIA_TIME);
        return violation;
    }
}
