package io.avmon.job.detect;

import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.DefectType;
import io.avmon.schema.PictureType;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

/**
 * Frozen picture, as ffmpeg freezedetect: compare with the last frame that was NOT part of the still (the reference),
 * not only with the previous frame, so a slow drift (a slow pan, a fade) keeps resetting the reference and is never
 * taken for a freeze. A frame belongs to a still when both hold:
 * <ul>
 *   <li>its full-resolution {@code frameDifference} to the previous frame is at most {@code maxFrameDifference}.
 *       Sensor noise on a static scene keeps it at 1-3 levels, so a static shot with noise is no still;</li>
 *   <li>its luma thumbnail differs from the reference thumbnail by at most {@code maxReferenceDifference}
 *       (mean absolute difference of cells). Area averaging removes noise and coding error, so drift shows
 *       here even when each frame-to-frame step is tiny.</li>
 * </ul>
 * Re-encoded freezes are not bit-exact: the encoder keeps refining the still picture, so P and B frames inside a
 * freeze "breathe" by a few tenths of a level (up to 0.8 measured with MPEG-2 at q3), and a key frame jumps by a
 * level or two. So the frame-difference test has hysteresis: a still starts only on a near-exact repeat
 * ({@code maxFrameDifference}); once in a still, a frame stays in it up to {@code maxFrozenFrameDifference}, which
 * is still below the 1.8 levels that sensor noise on a static scene never went under; and a key frame may jump up to
 * {@code maxKeyFrameDifference}, as may the first picture after an exact repeat (an encoder refining a frozen picture
 * in bursts between its repeats). The reference-thumbnail test applies throughout, so the looser bounds cannot hide a
 * real change of picture.
 *
 * <p>A still is reported frozen only once it has lasted {@code minStill}, and is then dated from its first frame. A
 * slow movement in a dark, low-contrast picture (a pan at night) pauses into such stills for a few frames at a time
 * before its drift from the reference shows; reported, those flickers would keep an open freeze from ever clearing.
 * At that point the still's own picture becomes the reference: the last frames of a movement slowing into a freeze
 * already repeat, and must not leave a reference that the frozen picture, shifted by a key frame's re-coding, drifts
 * out of.
 *
 * <p>Low-rate codecs (H.264 at a few Mb/s) code a still scene's sensor noise away in P pictures, which then repeat
 * as exactly as a frozen source does; only key frames carry fresh noise. So key frames are compared with the previous
 * key frame ({@code keyFrameDifference}, full resolution): two key frames coded from one unchanged source picture
 * decode alike (0.0-0.5 levels measured), a live still's differ by its noise (1.7-2.2). The comparison counts when
 * both key frames show the same still: the earlier one lies in the current still, or it began the still (the frame
 * after it repeated it) and its thumbnail matches.
 * <ul>
 *   <li>A key frame over {@code maxKeyToKeyDifference} proves the still alive: its frames are not frozen, however
 *       exactly they repeat, until the picture moves or a later key frame matches its predecessor. That is where a
 *       freeze in a live still shows; it is dated from that predecessor, the earliest frame proven unchanged.</li>
 *   <li>A key frame with nothing to compare, that jumps by more than a freeze breathes ({@code
 *       maxFrozenFrameDifference}), leaves the still unproven: a live still whose noise the codec removed looks just
 *       so, as does a freeze whose picture the key frame re-coded. Its frames are not reported until the next key frame
 *       decides; one that matches dates the freeze from the still's first frame. With no key frame within {@code
 *       keyFrameWait}, the repeats alone decide. So a live still is never reported while the GOP is no longer than the
 *       raise delay, and a freeze with a single such key frame inside it, shorter than two GOPs, is missed.</li>
 * </ul>
 *
 * <p>Encoders that skip unchanged pictures (x264, x265, OpenH264) decode a frozen picture's predicted pictures as exact
 * repeats, a few refinements apart, while a live still or a slow pan costs them something in every picture, however
 * little reaches the decoded picture. So once a stream has shown a run of exact repeats, a still is coded live, not
 * frozen, until one of its predicted pictures repeats exactly, and again once none has for {@code maxRepeatGap}; a
 * freeze that follows such a gap is dated from its first repeat. Streams that never repeat exactly (MPEG-2 at a fine
 * fixed quantiser keeps refining a frozen picture) are judged without this rule. H.264 and HEVC streams get the rule
 * from their first frame (the codec is in the features): x264, OpenH264 and x265 repeated every frozen picture
 * measured within 1.5 s, and a stream whose first still is a live static shot under a long GOP has shown no repeats
 * to learn from. x265's repeats are not always exact: a noisy frozen picture's P pictures decoded 0.0014 levels from
 * the frame before (a handful of samples), for seconds on end, while a live static shot whose noise it kept changed by
 * 0.024 levels and more in every predicted picture; so HEVC repeats are allowed a small residue ({@link #REPEAT_HABITS}).
 * H.264's are bit-exact: x264 at CRF 23 codes a lightly noisy live still down to a ten-thousandth of a level from
 * the frame before, but never to none, as it does a frozen picture. In both codecs a still that repeats
 * exactly, and is not being coded live, is judged by its repeats, not by its noise against the key frame before it:
 * x265 at a constant rate decodes a freeze with less noise than that key frame at first (0.70 of it in the one traced)
 * and refines it back over seconds; of sixteen such freezes (0.6-4 Mb/s, GOPs of 5 and 10 s, unseen-media.md) nine
 * went unreported while smoothness held them. H.264's encoders never repeated a development live still exactly at
 * any rate measured, so in H.264 streams the repeats outrank key frames: a key frame right after exact repeats
 * re-codes a frozen picture, and neither proves the still alive nor leaves it unproven (a freeze of 2-3 s with one key
 * frame inside, or one that follows a live shot of the same picture, is found), and a still proven alive that then
 * repeats exactly froze there. x265 repeats a live still's light noise away, so for HEVC key frames still decide,
 * with one exception: x265 repeats a frozen picture re-coded by a key frame within 0.001 levels for over a second,
 * which it never did for a live still, so such a run ends a key frame's wait.
 *
 * <p>Black frames and colour bars (the verdicts of the BlackFrameDetector and the ColorBarsDetector, which run
 * first) are not frozen: each is its own defect, and both are still pictures by nature.
 * Frames without a thumbnail are judged on {@code frameDifference} alone.
 *
 * <p>State per stream: the reference thumbnail and the still under way, kept with a TTL so a stream that vanishes
 * without ENDED does not leak; cleared on ENDED. Annotates {@link DefectType#FROZEN_FRAMES},
 * its start ({@link MediaEvent#setConditionStart}) and its measure (the frame difference, levels).
 */
public class FrozenFrameDetector extends Detector<FrozenFrameDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /**
     * @param maxFrameDifference       8-bit levels, full-resolution mean |difference| to the previous frame
     *                                 for a still to start
     * @param maxFrozenFrameDifference 8-bit levels, the same measure for a still to continue (codec breathing)
     * @param maxReferenceDifference   8-bit levels, mean |difference| of thumbnail cells to the reference
     * @param maxKeyFrameDifference    8-bit levels, tolerated jump of a key frame inside a still
     * @param maxKeyToKeyDifference    8-bit levels, how far a key frame may differ from the previous key frame of the
     *                                 same still and still be a freeze (1.0: re-coded freezes measured 0.0-0.5, live
     *                                 stills 1.7-2.2)
     * @param minStill                 how long a still lasts before it is reported (0.5 s: a quarter of the raise
     *                                 delay; a pan's pauses last a few frames)
     * @param keyFrameWait             how long an unproven still waits for a key frame to decide (4 s: longer than
     *                                 the GOP of most live streams)
     * @param keyToKeyNoiseFactor      the key-to-key bound grows to this share of the two key frames' noise (the
     *                                 lower of their {@code noiseLevel}s) where that is above {@code
     *                                 maxKeyToKeyDifference}: x264 re-codes a frozen picture's key frames 0.4-0.5x
     *                                 its noise apart, live stills' key frames differ by 0.9x and more (0: off)
     * @param minStillNoiseShare       a still whose picture carries less than this share of the last key frame's
     *                                 noise is smooth: an encoder drops a live shot's fresh noise from its predicted
     *                                 pictures (x264, x265: 0.0-0.6 of the key frame's), while it keeps a frozen
     *                                 picture's (0.9-1.1); 0: off
     * @param minKeyNoise              8-bit levels; below this key frame noise there is nothing for an encoder to
     *                                 drop, and a still is never smooth
     * @param smoothStillWait          how long a smooth still waits for a key frame to decide (12 s: longer than
     *                                 the 10 s GOP x264 and x265 use by default)
     * @param maxRepeatDifference      8-bit levels; a predicted picture at most this far from the previous frame is
     *                                 an exact repeat: the encoder coded nothing new for it (0.001: one sample in a
     *                                 thousand off by one level); H.264 and HEVC streams use their codec's measured
     *                                 bound instead ({@code REPEAT_HABITS}), and HEVC this one after a key frame
     * @param maxRepeatGap             in a stream whose encoder has coded an unchanged picture as exact repeats (none
     *                                 further apart than this, for {@code minStill}), a still whose predicted
     *                                 pictures have not repeated exactly yet, or not for this long, is being coded
     *                                 live, not frozen: such an encoder skips a frozen picture's predicted pictures, a
     *                                 few refinements apart (0.04-0.36 s measured: x264, x265, OpenH264, MPEG-2 at a
     *                                 constant rate; up to 1.52 s under x264 at 2-4 Mb/s refining a coarse key frame
     *                                 through its GOP), while it keeps adding detail to a live still and a slow pan
     *                                 (no exact repeat in 8 s); 0: off
     */
    public record Thresholds(
            @Range(min = 0, max = 255) double maxFrameDifference,
            @Range(min = 0, max = 255) double maxFrozenFrameDifference,
            @Range(min = 0, max = 255) double maxReferenceDifference,
            @Range(min = 0, max = 255) double maxKeyFrameDifference,
            @Range(min = 0, max = 255) double maxKeyToKeyDifference,
            @Range(min = 0, max = 60_000) Duration minStill,
            @Range(min = 0, max = 60_000) Duration keyFrameWait,
            @Range(min = 0, max = 10) double keyToKeyNoiseFactor,
            @Range(min = 0, max = 1) double minStillNoiseShare,
            @Range(min = 0, max = 255) double minKeyNoise,
            @Range(min = 0, max = 60_000) Duration smoothStillWait,
            @Range(min = 0, max = 255) double maxRepeatDifference,
            @Range(min = 0, max = 60_000) Duration maxRepeatGap)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(
                0.5,
                1.2,
                1.0,
                3.0,
                1.0,
                Duration.ofMillis(500),
                Duration.ofSeconds(4),
                0.7,
                0.75,
                0.5,
                Duration.ofSeconds(12),
                0.001,
                Duration.ofSeconds(2));
    }

    /** The per-stream state: a Flink POJO. Times are media µs. */
    public static class Reference extends ExpiringState {
        /** Luma thumbnail of the last frame before the still (or of the still once it lasted minStill). */
        public byte[] thumbnail;
        /** The previous frame belonged to a still. */
        public boolean inStill;
        /** The first frame of the still under way. */
        public long stillStartUs;
        /** Where a freeze in the still under way is dated from: its first frame, or a key frame that proved it. */
        public long frozenSinceUs;
        /** The still has lasted minStill (and its own picture is the reference). */
        public boolean settled;
        /** A key frame proved the still alive: its repeats are not frozen. */
        public boolean liveStill;
        /** A key frame with nothing to compare jumped: the still waits for the next key frame to decide. */
        public boolean unproven;

        public long unprovenSinceUs;
        /**
         * Every predicted picture since the key frame that left the still unproven repeated the one before within
         * maxRepeatDifference.
         */
        public boolean unprovenRepeatedSince;
        /** Luma thumbnail of the last key frame; null before one. */
        public byte[] keyThumbnail;
        /** The last key frame fell inside the still under way. */
        public boolean keyInRun;
        /** The last key frame is the previous frame (whether it led a still is decided on this one). */
        public boolean keyPending;
        /** Media µs of the last key frame; Long.MIN_VALUE before one. */
        public long keyTimeUs = Long.MIN_VALUE;
        /** The frame after the last key frame repeated it (within maxFrameDifference): that key began a still. */
        public boolean keyLedStill;
        /** The last key frame's noiseLevel; NaN before one, or from a converter that does not measure it. */
        public float keyNoise = Float.NaN;
        /**
         * The still under way carries much less noise than the key frame before it: a live shot whose noise the
         * encoder drops, or a freeze it smooths; only a key frame that compares with its predecessor decides.
         */
        public boolean smooth;
        /** A key frame of the still under way matched its predecessor: smoothness no longer puts it in doubt. */
        public boolean keyProvedFrozen;

        public long smoothSinceUs;
        /**
         * The highest noiseLevel of the still's predicted pictures (neither key frame nor the one after it) since its
         * last key frame: the P pictures, coded finer than B pictures, keep most of a frozen picture's noise; NaN
         * before one.
         */
        public float stillNoise = Float.NaN;
        /** The last predicted picture of the still that repeated its predecessor exactly; the still's start before one. */
        public long lastRepeatUs;
        /** Predicted pictures of the still since lastRepeatUs, none an exact repeat. */
        public int predictedSinceRepeat;
        /** One of the still's predicted pictures repeated its predecessor exactly. */
        public boolean stillRepeated;
        /** The first exact repeat of the still's run of them, none maxRepeatGap apart; Long.MIN_VALUE before one. */
        public long repeatRunStartUs = Long.MIN_VALUE;
        /**
         * The stream's encoder has been seen to code an unchanged picture as exact repeats (a run of them lasting
         * minStill, none maxRepeatGap apart):
         * only then does a still without repeats prove change. MPEG-2 at a fine fixed quantiser never repeats a
         * frozen picture exactly (it keeps refining it by 0.1-0.8 levels).
         */
        public boolean encoderRepeatsExactly;

        public Reference() {}
    }

    private final Duration stateRetention;
    private transient StreamState<Reference> reference;

    public FrozenFrameDetector(Thresholds thresholds, Duration stateRetention) {
        super(DefectType.FROZEN_FRAMES, thresholds);
        this.stateRetention = stateRetention;
    }

    @Override
    protected void openState() throws Exception {
        // Every frame writes the reference, a long freeze too, so a frozen stream keeps it.
        reference = streamState("freezeReference", Reference.class, stateRetention);
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
    protected void forgetStream() throws Exception {
        reference.clear();
    }

    /**
     * How a codec's encoders repeat a frozen picture, all measured (unseen-media.md, accuracy corpus): encoder
     * properties, not settings. A codec listed here decodes a frozen picture's predicted pictures as repeats a few
     * refinements apart, so the repeat rule above needs no run of repeats to learn it from.
     *
     * @param repeatBound        8-bit levels; how far from the frame before a predicted picture of the codec may
     *                           decode and be a repeat (in place of {@code maxRepeatDifference}, which serves codecs
     *                           not listed)
     * @param maxGap             the longest a still may go between repeats and be reported frozen, below {@code
     *                           maxRepeatGap}; null: that setting alone
     * @param proveUnchanged     an exact repeat proves the picture unchanged: the codec's encoders never repeated a
     *                           development live still exactly
     * @param reKeyedFreezeRun   a key frame that left a still unproven re-coded a frozen picture once every predicted
     *                           picture after it has repeated it within {@code maxRepeatDifference} for this long; null:
     *                           only the next key frame, or the wait running out, decides
     */
    private record RepeatHabits(
            double repeatBound, Duration maxGap, boolean proveUnchanged, Duration reKeyedFreezeRun) {}

    /**
     * Keyed by FFmpeg's codec name.
     *
     * <p>H.264 (x264, OpenH264) repeats a frozen picture bit-exact: in each of the twenty-three development x264
     * freezes (unseen-media.md) within 1.86 s of its start, and never 1.32 s apart after that. No live still ever
     * decoded one bit-exact picture, not even where x264 at CRF 23 codes light noise away until its predicted pictures
     * decode 0.0001-0.0017 levels from the frame before (development photographs at noise 3; a held-out one at noise 4
     * showed the flaw, raised while repeats were allowed 0.001 levels), nor OpenH264's (0.0016 the closest). x264
     * refines a frozen picture up to 1.52 s between repeats. Neither repeated a development live still exactly, at any
     * rate measured.
     *
     * <p>HEVC (x265): a noisy frozen picture's P pictures decode 0.0014 levels off, the closest live-still picture
     * 0.024, so 0.006 between them; x265 refines a frozen picture between repeats for 0.08-0.76 s (twenty development
     * freezes, 0.6-4 Mb/s and CRF 28, GOPs of 5 and 10 s), but repeats a live still for a while after a key frame
     * before coding it live again (0.4-0.5 s in the development clips at 0.6 Mb/s; 2.1 s in the held-out static shot
     * that showed the flaw), so 1 s ends such a run before a key frame's wait runs out on it; and it codes a live
     * still's light noise away into exact repeats. Those live repeats after a key frame are not within 0.001 levels
     * for long (0.48 s at most in the development clips, none in the held-out static shot), while after a key frame
     * that lands just inside a freeze x265 repeats the frozen picture within 0.001 levels for 2.56-3.88 s (twelve
     * development clips in closed GOPs at 0.6-2 Mb/s, where the key frame jumps 2.1-5.2 levels; 1.28-2.4 s in open
     * GOPs); so 1 s of such repeats ends the key frame's wait. After a key frame half way through a freeze it refines
     * sooner (0.16-0.48 s at 0.6 Mb/s), but repeats it again from 0.04 s on, never 1 s apart, which keeps a freeze
     * already reported on its repeats reported through that key frame.
     */
    private static final Map<String, RepeatHabits> REPEAT_HABITS = Map.of(
            "h264", new RepeatHabits(0, null, true, null),
            "hevc", new RepeatHabits(0.006, Duration.ofSeconds(1), false, Duration.ofSeconds(1)));

    private boolean judge(MediaEvent event) throws Exception {
        VideoFrameFeatures frame = event.video;
        Float difference = frame.getFrameDifference();
        event.setMeasure(type, difference == null ? Float.NaN : difference);
        Reference ref = reference.value();
        if (ref == null) {
            ref = new Reference();
        }
        RepeatHabits habits = habits(frame);
        if (!ref.encoderRepeatsExactly && repeatsAFrozenPicture(habits)) {
            ref.encoderRepeatsExactly = true;
        }
        long now = event.mediaTimeUs;
        boolean key = isKeyFrame(frame);
        int cells = frame.getThumbWidth() * frame.getThumbHeight();
        boolean hasThumbnail = Thumbnail.isComplete(frame.getThumbLuma(), cells);
        boolean afterKey = ref.keyPending;
        // The still's last predicted picture repeated it; key frames since do not count either way, so this holds on a
        // key frame right after a repeat and on the picture after that key frame too.
        boolean afterRepeat = ref.inStill && ref.stillRepeated && ref.predictedSinceRepeat == 0;
        if (ref.keyPending) {
            ref.keyLedStill = difference != null && difference <= thresholds.maxFrameDifference();
            ref.keyPending = false;
        }
        // A key frame re-codes a noisy frozen picture further from its predicted pictures the more noise it carries
        // (3.2 levels at 6 levels of noise under x264): its tolerated jump grows with its noise as the key-to-key
        // bound does. The picture after it steps back as far where the key frame was coded coarser than its
        // neighbours (MPEG-2 at a constant rate: 1.43 levels at 1080i), so it may jump as far as the key frame might.
        // The reference thumbnail still catches a real change of picture. x265 at a constant rate refines a noisy
        // frozen picture in bursts between runs of exact repeats, and the first picture of a burst re-codes it as a key
        // frame does (1.22-1.40 levels in four of sixteen development clips at noise 9-11, 0.6-4 Mb/s; the rest of the
        // burst within 0.7): it may jump as far. A picture that moves after a repeat jumps further (5.7 levels and
        // more measured), and the one after it is held to the usual bound.
        double maxStep = !ref.inStill
                ? thresholds.maxFrameDifference()
                : key || afterRepeat
                        ? Math.max(thresholds.maxKeyFrameDifference(), noiseShare(frame.getNoiseLevel()))
                        : afterKey
                                ? Math.max(thresholds.maxKeyFrameDifference(), noiseShare(ref.keyNoise))
                                : thresholds.maxFrozenFrameDifference();
        boolean still = difference != null
                && difference <= maxStep
                && !event.hasCondition(DefectType.BLACK_FRAMES)
                && !event.hasCondition(DefectType.COLOR_BARS)
                && (!hasThumbnail
                        || !matchesLength(ref.thumbnail, cells)
                        || Thumbnail.meanAbsoluteDifference(frame.getThumbLuma(), ref.thumbnail)
                                <= thresholds.maxReferenceDifference());
        boolean frozen = false;
        if (!still) {
            ref.inStill = false;
        } else {
            if (!ref.inStill) {
                startStill(ref, now);
            }
            if (key) {
                boolean reportedOnRepeats = afterRepeat && isReported(ref, habits, now);
                judgeKeyFrame(ref, frame, now, hasThumbnail, cells);
                if (repeatsProveUnchanged(habits) && afterRepeat) {
                    // The pictures before this key frame repeated exactly, which such an encoder never does for a
                    // live picture: the key frame re-codes a frozen one, however far it jumps or differs from a key
                    // frame of a live stretch before the freeze. The repeats after it go on deciding.
                    ref.liveStill = false;
                    ref.unproven = false;
                } else if (repeatsAFrozenPicture(habits) && reportedOnRepeats) {
                    // A still already reported frozen on its repeats: a key frame with nothing to compare cannot
                    // tell a re-coded freeze from a live still the encoder had repeated either, so it does not
                    // unsettle the report; the repeats after it go on deciding (x265 repeats a frozen picture from
                    // 0.04 s after such a key frame, never 1 s apart).
                    ref.unproven = false;
                }
                ref.stillNoise = Float.NaN;
            } else if (difference <= maxRepeatDifference(habits)) {
                if (afterLiveStretch(ref, habits, now)) {
                    // Repeats (again) after a live stretch: a freeze, if this is one, began here, not at the still's
                    // start.
                    ref.frozenSinceUs = Math.max(ref.frozenSinceUs, now);
                }
                if (repeatsProveUnchanged(habits) && ref.liveStill) {
                    // A key frame proved the still live, and now its pictures repeat exactly: it froze here.
                    ref.liveStill = false;
                    ref.frozenSinceUs = Math.max(ref.frozenSinceUs, now);
                }
                if (repeatsProveUnchanged(habits)) {
                    ref.unproven = false;
                }
                ref.stillRepeated = true;
                // x265 interleaves a frozen picture's exact repeats (its B pictures) with refined P pictures: a run
                // is broken only by a gap that would itself prove change.
                if (ref.repeatRunStartUs == Long.MIN_VALUE
                        || now - ref.lastRepeatUs >= micros(thresholds.maxRepeatGap())) {
                    ref.repeatRunStartUs = now;
                }
                if (now - ref.repeatRunStartUs >= micros(thresholds.minStill())) {
                    ref.encoderRepeatsExactly = true;
                }
                ref.lastRepeatUs = now;
                ref.predictedSinceRepeat = 0;
            } else {
                ref.predictedSinceRepeat++;
            }
            if (!key && !afterKey && frame.getNoiseLevel() != null) {
                ref.stillNoise = Float.isNaN(ref.stillNoise)
                        ? frame.getNoiseLevel()
                        : Math.max(ref.stillNoise, frame.getNoiseLevel());
            }
            // Smoothness stands in for key frames where repeats cannot decide; in an H.264 or HEVC still that repeats
            // exactly they do. A frozen picture may carry less noise than the key frame before it: re-coded by a key
            // frame (H.264), or, under x265 at a constant rate, decoded with less noise than the last key frame when
            // the freeze began, the encoder refining it back over seconds (in bursts, between exact repeats).
            boolean repeatsDecide =
                    repeatsAFrozenPicture(habits) && ref.stillRepeated && !isCodedLive(ref, habits, now);
            if (repeatsDecide) {
                ref.smooth = false;
            }
            if (!ref.smooth && !ref.liveStill && !ref.keyProvedFrozen && !repeatsDecide && isSmooth(frame, ref)) {
                ref.smooth = true;
                ref.smoothSinceUs = now;
            }
            if (ref.unproven && !key) {
                ref.unprovenRepeatedSince &= difference <= thresholds.maxRepeatDifference();
                if (ref.unprovenRepeatedSince && reKeyedAFreeze(habits, now - ref.unprovenSinceUs)) {
                    ref.unproven = false;
                }
            }
            if (ref.unproven && now - ref.unprovenSinceUs >= micros(thresholds.keyFrameWait())) {
                ref.unproven = false;
            }
            if (ref.smooth && now - ref.smoothSinceUs >= micros(thresholds.smoothStillWait())) {
                ref.smooth = false;
            }
            if (!ref.settled && now - ref.stillStartUs >= micros(thresholds.minStill())) {
                ref.settled = true;
                if (hasThumbnail) {
                    ref.thumbnail = copy(frame.getThumbLuma(), ref.thumbnail, cells);
                }
            }
            frozen = isReported(ref, habits, now);
            if (frozen) {
                event.setConditionStart(type, ref.frozenSinceUs);
            }
        }
        if (key && hasThumbnail) {
            ref.keyNoise = frame.getNoiseLevel() == null ? Float.NaN : frame.getNoiseLevel();
            ref.keyThumbnail = copy(frame.getThumbLuma(), ref.keyThumbnail, cells);
            ref.keyTimeUs = now;
            ref.keyPending = true;
            ref.keyLedStill = false;
        }
        // The reference is the last frame before the still; the first frame seen, if a still is all there is yet.
        if (hasThumbnail && (!still || !matchesLength(ref.thumbnail, cells))) {
            ref.thumbnail = copy(frame.getThumbLuma(), ref.thumbnail, cells);
        }
        reference.update(ref);
        return frozen;
    }

    private static void startStill(Reference ref, long now) {
        ref.inStill = true;
        ref.stillStartUs = now;
        ref.frozenSinceUs = now;
        ref.settled = false;
        ref.liveStill = false;
        ref.unproven = false;
        ref.smooth = false;
        ref.keyProvedFrozen = false;
        ref.keyInRun = false;
        ref.stillNoise = Float.NaN;
        ref.lastRepeatUs = now;
        ref.predictedSinceRepeat = 0;
        ref.stillRepeated = false;
        ref.repeatRunStartUs = Long.MIN_VALUE;
    }

    /** The still under way (the frame at {@code now} belongs to it) is reported frozen, as things stand. */
    private boolean isReported(Reference ref, RepeatHabits habits, long now) {
        return ref.settled && !ref.liveStill && !ref.unproven && !ref.smooth && !isCodedLive(ref, habits, now);
    }

    /**
     * The encoder has coded something new into every predicted picture of the still so far, or for maxRepeatGap since
     * its last exact repeat: a live shot it keeps refining, or a slow pan that decodes as near-repeats. Key frames do
     * not count either way: an all-intra stream never repeats exactly, and is judged by its key-to-key differences.
     */
    private boolean isCodedLive(Reference ref, RepeatHabits habits, long now) {
        long gap = repeatGapUs(habits);
        return gap > 0
                && ref.encoderRepeatsExactly
                && ref.predictedSinceRepeat > 0
                && (!ref.stillRepeated || now - ref.lastRepeatUs >= gap);
    }

    /**
     * The still's predicted pictures went maxRepeatGap without an exact repeat, since its start or its last one: it was
     * coded live until this repeat. Shorter gaps are an encoder refining a frozen picture before it repeats it (x264 at
     * 4 Mb/s: 1.86 s after a freeze began, measured).
     */
    private boolean afterLiveStretch(Reference ref, RepeatHabits habits, long now) {
        // Before the still's first repeat, lastRepeatUs is its start.
        // A stretch as long as the codec's own gap leaves a freeze unreported, but only maxRepeatGap proves it live.
        return isCodedLive(ref, habits, now) && now - ref.lastRepeatUs >= micros(thresholds.maxRepeatGap());
    }

    /** How this frame's codec repeats a frozen picture; null for a codec not measured, or none named. */
    private static RepeatHabits habits(VideoFrameFeatures frame) {
        return frame.getCodec() == null ? null : REPEAT_HABITS.get(frame.getCodec());
    }

    /** Whether a codec with these habits is one whose encoders code a frozen picture as repeats. */
    private static boolean repeatsAFrozenPicture(RepeatHabits habits) {
        return habits != null;
    }

    /**
     * How long a still in a stream with these habits may go without an exact repeat and still be reported frozen (µs; 0: the
     * rule is off): {@code maxRepeatGap}, or less where the codec's encoders repeat more often.
     */
    private long repeatGapUs(RepeatHabits habits) {
        long gap = micros(thresholds.maxRepeatGap());
        return habits == null || habits.maxGap() == null ? gap : Math.min(gap, micros(habits.maxGap()));
    }

    /** How far from the frame before a predicted picture of a stream with these habits may decode and be a repeat. */
    private double maxRepeatDifference(RepeatHabits habits) {
        return habits == null ? thresholds.maxRepeatDifference() : habits.repeatBound();
    }

    /**
     * Whether the predicted pictures of a stream with these habits, having repeated a key frame that left a still unproven
     * for this long, show that it re-coded a frozen picture.
     */
    private static boolean reKeyedAFreeze(RepeatHabits habits, long repeatedForUs) {
        return habits != null
                && habits.reKeyedFreezeRun() != null
                && repeatedForUs >= micros(habits.reKeyedFreezeRun());
    }

    /** Whether an exact repeat in a stream with these habits proves its picture unchanged. */
    private static boolean repeatsProveUnchanged(RepeatHabits habits) {
        return habits != null && habits.proveUnchanged();
    }

    /** A still frame with much less noise than the last key frame had (never where either was not measured). */
    private boolean isSmooth(VideoFrameFeatures frame, Reference ref) {
        Float noise = frame.getNoiseLevel();
        return noise != null
                && !Float.isNaN(ref.keyNoise)
                && ref.keyNoise >= thresholds.minKeyNoise()
                && noise < thresholds.minStillNoiseShare() * ref.keyNoise;
    }

    /**
     * How far two key frames of one still may differ and still show one frozen picture: the fixed bound, or, where
     * both key frames' noise was measured, a share of it. Re-coding error and fresh noise both grow with the noise,
     * so their ratio (2-4x measured under x264) separates them where no bound in levels does across encoders.
     */
    private double keyToKeyBound(VideoFrameFeatures frame, Reference ref) {
        Float noise = frame.getNoiseLevel();
        float keyNoise = noise == null ? Float.NaN : Math.min(noise, ref.keyNoise);
        // An encoder at a constant rate codes a frozen picture's key frames coarser than its predicted pictures
        // (MPEG-2 1080i: 0.53 levels of noise against 2.0-2.2): there the still's own noise sets the scale of the
        // re-coding error. Where predicted pictures carry less noise than key frames (a live still under x264), the
        // key frames' noise still decides.
        float scale = Float.isNaN(ref.stillNoise) ? keyNoise : Math.max(keyNoise, ref.stillNoise);
        return Math.max(thresholds.maxKeyToKeyDifference(), noiseShare(Float.isNaN(scale) ? null : scale));
    }

    /** keyToKeyNoiseFactor of a noise level; 0 where it was not measured (NaN, null: an older converter). */
    private double noiseShare(Float noise) {
        return noise == null || Float.isNaN(noise) ? 0 : thresholds.keyToKeyNoiseFactor() * noise;
    }

    /**
     * A key frame inside a still: one unlike its predecessor of the same still proves the still alive, one like it
     * proves it frozen, and one that jumps with nothing to compare leaves it unproven.
     */
    private void judgeKeyFrame(Reference ref, VideoFrameFeatures frame, long now, boolean hasThumbnail, int cells) {
        Float keyToKey = frame.getKeyFrameDifference();
        // The earlier key frame shows this still if it fell inside it, or if it began the still: the frame after it
        // repeated it, and it looks the same. A key frame of the moving picture just before a freeze looks the same
        // too, but differs at full resolution by that motion, and must not count.
        boolean comparable = keyToKey != null
                && (ref.keyInRun
                        || (ref.keyLedStill
                                && hasThumbnail
                                && matchesLength(ref.keyThumbnail, cells)
                                && Thumbnail.meanAbsoluteDifference(frame.getThumbLuma(), ref.keyThumbnail)
                                        <= thresholds.maxReferenceDifference()));
        ref.keyInRun = true;
        if (comparable) {
            boolean alive = keyToKey > keyToKeyBound(frame, ref);
            if (!alive && ref.liveStill && ref.keyTimeUs != Long.MIN_VALUE) {
                // A freeze inside a live still: this key frame matches the last one, so the picture has not changed
                // since that one; when it stopped before it, the repeats cannot tell.
                ref.frozenSinceUs = Math.max(ref.stillStartUs, ref.keyTimeUs);
            }
            ref.liveStill = alive;
            ref.keyProvedFrozen = !alive;
            ref.unproven = false;
            ref.smooth = false;
        } else if (keyToKey != null
                && !ref.liveStill
                && frame.getFrameDifference() > thresholds.maxFrozenFrameDifference()) {
            // Only where the converter measures key-to-key differences: from an older one, with no measure at all,
            // nothing would ever decide, so there the jump is judged as any other step of the still.
            ref.unproven = true;
            ref.unprovenSinceUs = now;
            ref.unprovenRepeatedSince = true;
        }
    }

    private static boolean matchesLength(byte[] thumbnail, int cells) {
        return thumbnail != null && thumbnail.length == cells;
    }

    private static byte[] copy(ByteBuffer luma, byte[] into, int cells) {
        byte[] target = matchesLength(into, cells) ? into : new byte[cells];
        Thumbnail.copy(luma, target);
        return target;
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1000;
    }

    private static boolean isKeyFrame(VideoFrameFeatures frame) {
        return frame.getKeyFrame() || frame.getPictureType() == PictureType.I;
    }
}
