package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.VideoFrameFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FrozenFrameDetectorTest {
    /** Frames a still lasts before it is reported: the default half second at 25 fps. */
    private static final int SETTLE =
            (int) Math.ceil(FrozenFrameDetector.Thresholds.DEFAULTS.minStill().toNanos() / 1000.0 / Features.FRAME_US);

    private final Random random = new Random(13);
    private KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness;
    private long sequence;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new FrozenFrameDetector(FrozenFrameDetector.Thresholds.DEFAULTS, Duration.ofMinutes(10)),
                new DetectorTopology.StreamIdKey(),
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private boolean frozen(Features.Picture picture) throws Exception {
        return frozen(picture, false);
    }

    private boolean frozen(Features.Picture picture, boolean blackVerdict) throws Exception {
        harness.getOutput().clear();
        MediaEvent event = MediaEvent.of(Features.frame("s", sequence++, picture));
        event.markCondition(DefectType.BLACK_FRAMES, blackVerdict);
        harness.processElement(event, event.ingestTimeMs);
        return harness.extractOutputValues().get(0).hasCondition(DefectType.FROZEN_FRAMES);
    }

    private List<Boolean> verdicts(int frames, IntFunction<Features.Picture> scene) throws Exception {
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) out.add(frozen(scene.apply(i)));
        return out;
    }

    @Test
    void identicalFramesAreFrozen() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        List<Boolean> verdicts = verdicts(50, i -> Features.still(still, 0.0f, false));
        assertThat(verdicts.get(0))
                .as("the cut to the still picture differs from the reference")
                .isFalse();
        assertThat(verdicts.subList(1, 1 + SETTLE))
                .as("shorter than half a second")
                .containsOnly(false);
        assertThat(verdicts.subList(1 + SETTLE, 50)).containsOnly(true);
    }

    @Test
    void staticSceneWithSensorNoiseIsNotFrozen() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        assertThat(verdicts(100, i -> Features.still(still, 1.0f + random.nextFloat() * 2.0f, i % 50 == 0)))
                .containsOnly(false);
    }

    @Test
    void keyFrameInsideAFreezeStaysFrozen() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        verdicts(30, i -> Features.still(still, 0.0f, false));
        assertThat(frozen(Features.still(still, 1.6f, true)))
                .as("re-encoded I-frame jumps 1.6 levels")
                .isTrue();
        assertThat(frozen(Features.still(still, 0.0f, false))).isTrue();
    }

    @Test
    void staysFrozenThroughCodecBreathing() throws Exception {
        // Frame differences measured inside an MPEG-2 (q3) re-encoded freeze: P and B frames keep refining
        // the still picture, so the differences cycle with the GOP instead of staying at zero.
        float[] breathing = {0.25f, 0.18f, 0.83f, 0.40f, 0.11f, 0.07f, 0.09f, 0.40f, 0.11f, 0.07f, 0.09f, 0.40f};
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        List<Boolean> verdicts = verdicts(100, i -> Features.still(still, breathing[i % breathing.length], false));
        assertThat(verdicts.get(0))
                .as("the cut to the still picture differs from the reference")
                .isFalse();
        assertThat(verdicts.subList(1 + SETTLE, 100)).containsOnly(true);
    }

    @Test
    void freezeEndsWhenSensorNoiseReturns() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        verdicts(30, i -> Features.still(still, 0.05f, false));
        assertThat(verdicts(30, i -> Features.still(still, 1.8f + random.nextFloat(), false)))
                .containsOnly(false);
    }

    @Test
    void slowDriftIsComparedWithTheReferenceAndNeverStaysFrozen() throws Exception {
        // Each frame moves 0.2 levels (under the frame-difference threshold); the picture brightens by a level
        // every 5 frames, which the reference comparison sees.
        byte[] base = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        List<Boolean> verdicts = verdicts(250, i -> {
            byte[] luma = base.clone();
            for (int c = 0; c < luma.length; c++) luma[c] = (byte) Math.min(255, (luma[c] & 0xFF) + i / 5);
            return Features.still(luma, 0.2f, false);
        });
        int longestRun = 0, run = 0;
        for (boolean v : verdicts) {
            run = v ? run + 1 : 0;
            longestRun = Math.max(longestRun, run);
        }
        assertThat(longestRun).as("longest frozen run, frames").isLessThan(25);
    }

    @Test
    void blackFramesAreNotFrozen() throws Exception {
        List<Boolean> withoutBlackVerdict = verdicts(50, i -> Features.black(random));
        assertThat(withoutBlackVerdict.stream().filter(v -> v).count())
                .as("flat black alone would look frozen, so the black verdict matters")
                .isGreaterThan(30);
        for (int i = 0; i < 30; i++) {
            assertThat(frozen(Features.black(random), true)).isFalse();
        }
    }

    @Test
    void endedClearsTheReference() throws Exception {
        verdicts(10, i -> Features.moving(random));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processElement(MediaEvent.of(Features.ended("s", 400_000)), 0);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers() + harness.numEventTimeTimers())
                .isZero();
    }

    @Test
    void framesMarkedAsColourBarsAreNotFrozen() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        for (int i = 0; i < 10; i++) {
            harness.getOutput().clear();
            MediaEvent event = MediaEvent.of(Features.frame("s", sequence++, Features.still(still, 0f, false)));
            event.markCondition(DefectType.COLOR_BARS, true);
            harness.processElement(event, event.ingestTimeMs);
            assertThat(harness.extractOutputValues().get(0).hasCondition(DefectType.FROZEN_FRAMES))
                    .as("frame %d", i)
                    .isFalse();
        }
    }

    /** A frame as a low-rate H.264 stream decodes it: P pictures repeat within 0.3 levels, every 50th is a key frame. */
    private boolean lowRateFrame(byte[] still, int i, float keyJump, float keyToKey) throws Exception {
        boolean key = i % 50 == 0;
        return judged(Features.still(still, key ? keyJump : 0.3f, key), key ? Float.valueOf(keyToKey) : null)
                .hasCondition(DefectType.FROZEN_FRAMES);
    }

    @Test
    void aLiveStillWhoseNoiseOnlyKeyFramesCarryIsNotFrozenOnceTwoKeyFramesDiffer() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        List<Boolean> verdicts = new ArrayList<>();
        // The cut to the still is a key frame (an encoder's scene-cut I picture); then two GOPs of 2 s at 25 fps.
        for (int i = 0; i < 200; i++) verdicts.add(lowRateFrame(still, i, i == 0 ? 60f : 2.2f, 2.0f));
        assertThat(verdicts.subList(1 + SETTLE, 50))
                .as("before a second key frame, repeats look frozen")
                .containsOnly(true);
        assertThat(verdicts.subList(50, 200))
                .as("the key frame at 2 s carries fresh noise: alive")
                .containsOnly(false);
    }

    @Test
    void aFreezeCodedAtLowRateStaysFrozenThroughKeyFramesThatMatch() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        List<Boolean> verdicts = new ArrayList<>();
        for (int i = 1; i < 200; i++) verdicts.add(lowRateFrame(still, i, 0.4f, 0.05f));
        assertThat(verdicts.subList(1 + SETTLE, verdicts.size())).containsOnly(true);
    }

    @Test
    void aFreezeInsideALiveStillShowsAtTheFirstKeyFrameThatMatchesItsPredecessor() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        List<Boolean> verdicts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // Live until 4 s, frozen from 4.4 s (mid-GOP): the key frame at 6 s matches the one at 4 s.
            float keyToKey = i < 110 ? 2.0f : (i == 150 ? 1.6f : 0.05f);
            verdicts.add(lowRateFrame(still, i, i == 0 ? 60f : 2.2f, keyToKey));
        }
        assertThat(verdicts.subList(50, 200)).containsOnly(false);
        assertThat(verdicts.subList(200, 300)).containsOnly(true);
    }

    @Test
    void thePictureMovingEndsALiveStill() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        for (int i = 0; i < 120; i++) lowRateFrame(still, i, i == 0 ? 60f : 2.2f, 2.0f);
        assertThat(frozen(Features.moving(random))).isFalse();
        byte[] other = Features.texturedLuma(random, 40, 160);
        frozen(Features.still(other, 40f, false));
        assertThat(verdicts(40, i -> Features.still(other, 0.0f, false)).subList(SETTLE, 40))
                .as("a new still repeats: frozen again")
                .containsOnly(true);
    }

    /** The codec the converter names in each frame; null: a converter before it, or an input that does not say. */
    private String codec;

    /** Runs one frame through the detector and returns it as annotated. */
    private MediaEvent judged(Features.Picture picture, Float keyToKey) throws Exception {
        harness.getOutput().clear();
        VideoFrameFeatures frame = Features.frame("s", sequence++, picture);
        frame.setKeyFrameDifference(keyToKey);
        frame.setCodec(codec);
        MediaEvent event = MediaEvent.of(frame);
        harness.processElement(event, event.ingestTimeMs);
        return harness.extractOutputValues().get(0);
    }

    /** A frame with the converter's noise estimate (null: a converter that does not measure it). */
    private MediaEvent judged(Features.Picture picture, Float keyToKey, Float noiseLevel) throws Exception {
        harness.getOutput().clear();
        VideoFrameFeatures frame = Features.frame("s", sequence++, picture);
        frame.setKeyFrameDifference(keyToKey);
        frame.setNoiseLevel(noiseLevel);
        frame.setCodec(codec);
        MediaEvent event = MediaEvent.of(frame);
        harness.processElement(event, event.ingestTimeMs);
        return harness.extractOutputValues().get(0);
    }

    /**
     * A pan whose key frame carries the camera's noise (1.2 levels; its predicted pictures, 0.3), then a still of
     * {@code frames} frames under a long GOP (no key frame), each carrying {@code stillNoise}, as x264 at CRF 23 codes
     * them. Returns the still's verdicts.
     */
    private List<MediaEvent> stillAfterANoisyKeyFrame(byte[] still, float stillNoise, int frames) throws Exception {
        judged(Features.still(Features.texturedLuma(random, 60, 120), 40f, true), 9f, 1.2f);
        for (int i = 0; i < 50; i++) judged(Features.moving(random), null, 0.3f);
        judged(Features.still(still, 40f, false), null, stillNoise);
        List<MediaEvent> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) out.add(judged(Features.still(still, 0.01f, false), null, stillNoise));
        return out;
    }

    @Test
    void aStillWhoseNoiseTheEncoderDroppedIsNotFrozenBeforeItsKeyFrameComes() throws Exception {
        // A live still shot: the encoder skips the fresh noise, so the picture repeats with a quarter of the key
        // frame's noise. 8 s without a key frame (x264's default GOP is 10 s).
        List<MediaEvent> frames = stillAfterANoisyKeyFrame(Features.texturedLuma(random, 60, 120), 0.3f, 200);
        assertThat(frames).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void aFreezeThatKeepsItsNoiseIsFrozenWithoutWaitingForAKeyFrame() throws Exception {
        // A freeze upstream: its noise is frozen into the picture, and the encoder keeps refining it in.
        List<MediaEvent> frames = stillAfterANoisyKeyFrame(Features.texturedLuma(random, 60, 120), 1.25f, 100);
        assertThat(frames.subList(SETTLE, 100)).allMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void aSmoothStillProvenFrozenByMatchingKeyFramesIsDatedFromItsFirstFrame() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        judged(Features.still(Features.texturedLuma(random, 60, 120), 40f, true), 9f, 1.2f);
        judged(Features.moving(random), null, 0.3f);
        judged(Features.still(still, 40f, false), null, 0.3f);
        long firstStillUs = sequence * Features.FRAME_US;
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            boolean key = i == 30 || i == 80;
            Float keyToKey = i == 30 ? Float.valueOf(35f) : i == 80 ? Float.valueOf(0.2f) : null;
            frames.add(judged(Features.still(still, key ? 2.2f : 0.02f, key), keyToKey, key ? 1.2f : 0.3f));
        }
        assertThat(frames.subList(0, 80)).as("undecided").noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
        assertThat(frames.subList(80, 120)).allMatch(frozenSince(firstStillUs));
    }

    /** A still between two key frames 40 frames apart that differ by {@code keyToKey}, each with {@code keyNoise}. */
    private List<MediaEvent> stillWithTwoKeyFrames(float keyToKey, Float keyNoise) throws Exception {
        return stillWithTwoKeyFrames(keyToKey, keyNoise, keyNoise);
    }

    /** The same, its predicted pictures carrying {@code stillNoise}. Returns the verdicts from the second key frame. */
    private List<MediaEvent> stillWithTwoKeyFrames(float keyToKey, Float keyNoise, Float stillNoise) throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        List<MediaEvent> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            boolean key = i == 20 || i == 60;
            Float difference = i == 20 ? Float.valueOf(35f) : i == 60 ? Float.valueOf(keyToKey) : null;
            out.add(judged(Features.still(still, key ? 1.0f : 0.02f, key), difference, key ? keyNoise : stillNoise));
        }
        return out.subList(60, 100);
    }

    @Test
    void keyFramesOfANoisyFreezeReCodedFurtherApartThanTheFixedBoundAreStillAFreeze() throws Exception {
        // x264 at 2 Mb/s: a frozen picture with 2.7 levels of noise, its key frames 1.36 apart.
        assertThat(stillWithTwoKeyFrames(1.36f, 2.7f)).allMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void keyFramesOfALiveStillDifferMoreThanTheirNoiseScaledBound() throws Exception {
        // x264 at 2 Mb/s: a live still with 2.2 levels of noise, its key frames 2.67 apart.
        assertThat(stillWithTwoKeyFrames(2.67f, 2.2f)).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void withoutANoiseMeasureTheKeyToKeyBoundIsTheFixedOne() throws Exception {
        // An older converter: 1.36 levels is over the fixed 1.0 bound, so the still is live.
        assertThat(stillWithTwoKeyFrames(1.36f, null)).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    /** Motion, then a cut to {@code still}: returns the media time of the first frame that repeats it. */
    /** Frozen, and dated from {@code startUs}. */
    private static Predicate<MediaEvent> frozenSince(long startUs) {
        return e -> e.hasCondition(DefectType.FROZEN_FRAMES) && e.conditionStartUs(DefectType.FROZEN_FRAMES) == startUs;
    }

    /**
     * {@code frames} predicted pictures of {@code still}, the i-th {@code step.apply(i)} levels from the frame before,
     * each carrying {@code noise}; returns them as judged.
     */
    private List<MediaEvent> predicted(byte[] still, int frames, IntFunction<Float> step, Float noise)
            throws Exception {
        List<MediaEvent> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) out.add(judged(Features.still(still, step.apply(i), false), null, noise));
        return out;
    }

    private long cutTo(byte[] still) throws Exception {
        frozen(Features.moving(random));
        frozen(Features.still(still, 40f, false));
        return sequence * Features.FRAME_US;
    }

    @Test
    void aStillIsReportedOnceItLastsHalfASecondAndDatedFromItsFirstFrame() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        MediaEvent first = null;
        for (int i = 0; i < 40 && first == null; i++) {
            MediaEvent e = judged(Features.still(still, 0.0f, false), null);
            if (e.hasCondition(DefectType.FROZEN_FRAMES)) first = e;
        }
        assertThat(first).isNotNull();
        assertThat(first.mediaTimeUs - firstStillUs)
                .as("reported after")
                .isBetween(500_000L, 500_000L + Features.FRAME_US);
        assertThat(first.conditionStartUs(DefectType.FROZEN_FRAMES))
                .as("dated from")
                .isEqualTo(firstStillUs);
    }

    @Test
    void aDarkPanPausingForAFewFramesAtATimeIsNeverFrozen() throws Exception {
        // Measured on a dark, low-contrast pan at 50 fps under MPEG-2: B pictures dip under the start threshold,
        // the others stay under the breathing bound, and the thumbnail drifts 0.15 levels a frame.
        float[] steps = {0.47f, 0.68f, 0.68f, 0.68f, 0.69f};
        byte[] base = Features.texturedLuma(random, 30, 20);
        frozen(Features.moving(random));
        List<Boolean> verdicts = verdicts(150, i -> {
            byte[] luma = base.clone();
            int brighter = (int) (luma.length * ((i * 0.15) % 1.0));
            for (int c = 0; c < luma.length; c++)
                luma[c] = (byte) ((luma[c] & 0xFF) + (int) (i * 0.15) + (c < brighter ? 1 : 0));
            return Features.still(luma, steps[i % steps.length], false);
        });
        assertThat(verdicts).containsOnly(false);
    }

    @Test
    void aFreezeEnteredFromASlowingMovementSurvivesTheKeyFramesThatReCodeIt() throws Exception {
        byte[] base = Features.texturedLuma(random, 60, 120);
        // The frozen picture sits 0.9 levels from the last moving frame; a key frame re-codes it 0.3 further.
        byte[] frozenPicture = base.clone();
        for (int c = 0; c < frozenPicture.length * 9 / 10; c++) frozenPicture[c]++;
        byte[] keyPicture = frozenPicture.clone();
        for (int c = 0; c < keyPicture.length * 3 / 10; c++) keyPicture[c]++;
        frozen(Features.moving(random));
        frozen(Features.still(base, 40f, false));
        List<Boolean> verdicts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            boolean key = i % 40 == 39;
            verdicts.add(frozen(Features.still(key || i > 39 ? keyPicture : frozenPicture, key ? 1.0f : 0.3f, key)));
        }
        assertThat(verdicts.subList(SETTLE, 100)).containsOnly(true);
    }

    /** A still entered mid-GOP, as low-rate H.264 codes it: repeats of 0.02, a key frame at frame 30 and at 80. */
    private List<MediaEvent> stillWithKeyFrames(byte[] still, float secondKeyToKey) throws Exception {
        List<MediaEvent> out = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            boolean key = i == 30 || i == 80;
            Float keyToKey = i == 30 ? Float.valueOf(35f) : i == 80 ? Float.valueOf(secondKeyToKey) : null;
            out.add(judged(Features.still(still, key ? 2.2f : 0.02f, key), keyToKey));
        }
        return out;
    }

    @Test
    void aKeyFrameThatJumpsWithNothingToCompareLeavesALiveStillUnreported() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        List<MediaEvent> frames = stillWithKeyFrames(still, 2.0f);
        assertThat(frames.subList(30, 120)).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void aKeyFrameThatJumpsWithNothingToCompareLeavesAFreezeForTheNextKeyFrameToProve() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        List<MediaEvent> frames = stillWithKeyFrames(still, 0.1f);
        assertThat(frames.subList(30, 80)).as("undecided").noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
        assertThat(frames.subList(80, 120)).as("proven by the second key frame").allMatch(frozenSince(firstStillUs));
    }

    @Test
    void anUndecidedStillIsJudgedOnItsRepeatsOnceNoKeyFrameCameWithinTheWait() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        frozen(Features.moving(random));
        long waitFrames = FrozenFrameDetector.Thresholds.DEFAULTS.keyFrameWait().toNanos() / 1000 / Features.FRAME_US;
        List<Boolean> verdicts = new ArrayList<>();
        for (int i = 0; i < 30 + waitFrames + 20; i++) {
            verdicts.add(
                    judged(Features.still(still, i == 30 ? 2.2f : 0.02f, i == 30), i == 30 ? Float.valueOf(35f) : null)
                            .hasCondition(DefectType.FROZEN_FRAMES));
        }
        assertThat(verdicts.subList(30, (int) (30 + waitFrames))).containsOnly(false);
        assertThat(verdicts.subList((int) (30 + waitFrames), verdicts.size())).containsOnly(true);
    }

    /** A freeze coded as exact repeats (x264, OpenH264), for 2 s: the stream's encoder skips an unchanged picture. */
    private void exactlyRepeatedFreeze() throws Exception {
        byte[] frozenPicture = Features.texturedLuma(random, 60, 120);
        cutTo(frozenPicture);
        for (int i = 0; i < 50; i++) judged(Features.still(frozenPicture, 0.0f, false), null, 1.2f);
        for (int i = 0; i < 25; i++) judged(Features.moving(random), null, 1.2f);
    }

    @Test
    void aStillThatNeverRepeatsExactlyIsNotFrozenWhereTheEncoderRepeatsFrozenPicturesExactly() throws Exception {
        // OpenH264 at 600 kb/s, 10 s GOP: a live still after a cut from motion keeps changing by 0.003-0.06 levels a
        // frame while the encoder adds its noise back; no key frame comes to decide.
        exactlyRepeatedFreeze();
        assertThat(liveStillAfterACut()).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    /** A cut to a still that never repeats exactly (0.02 levels a frame, 8 s), as OpenH264 codes a live shot. */
    private List<MediaEvent> liveStillAfterACut() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 200; i++) frames.add(judged(Features.still(still, 0.02f, false), null, 0.8f));
        return frames;
    }

    @Test
    void aStillThatRepeatsExactlyAgainAfterALiveStretchIsFrozenFromItsFirstRepeat() throws Exception {
        exactlyRepeatedFreeze();
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        for (int i = 0; i < 5; i++) judged(Features.still(still, 0.0f, false), null, 0.8f);
        for (int i = 0; i < 75; i++) judged(Features.still(still, 0.02f, false), null, 0.8f);
        long firstRepeatUs = sequence * Features.FRAME_US;
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) frames.add(judged(Features.still(still, 0.0f, false), null, 0.8f));
        assertThat(frames).allMatch(frozenSince(firstRepeatUs));
    }

    @Test
    void aFreezeRefinedForOneAndAHalfSecondsBetweenItsExactRepeatsStaysFrozen() throws Exception {
        // x264 at 2-4 Mb/s spends spare bits refining a coarse key frame of the frozen picture through its GOP: 1.04
        // and 1.52 s without an exact repeat measured.
        exactlyRepeatedFreeze();
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            boolean refining = i >= 40 && i < 78;
            frames.add(judged(Features.still(still, refining ? 0.03f : 0.0f, false), null, 1.2f));
        }
        assertThat(frames.subList(SETTLE + 1, 150)).allMatch(frozenSince(firstStillUs));
    }

    @Test
    void anH264StreamsFirstStillThatNeverRepeatsExactlyIsNotFrozen() throws Exception {
        // OpenH264 at 0.8 Mb/s, 10 s GOP: a live static shot right after motion, with no freeze before it to learn
        // from. H.264's encoders repeat a frozen picture exactly, so a still that never does is live.
        codec = "h264";
        assertThat(liveStillAfterACut()).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void anH264FreezeWithOneKeyFrameInsideIsFrozenThroughItsJump() throws Exception {
        // OpenH264 at 2.5 Mb/s, 2 s GOP (frozen-04): 1.4 s of exact repeats, a key frame 1.7 levels off with no key
        // frame of the freeze before it to compare, a P picture 0.37 off, then exact repeats again; 3.1 s in all.
        codec = "h264";
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 78; i++) {
            boolean key = i == 35;
            float step = key ? 1.7f : i == 36 ? 0.37f : 0.0f;
            frames.add(judged(Features.still(still, step, key), key ? Float.valueOf(25.6f) : null, 1.0f));
        }
        assertThat(frames.subList(SETTLE + 1, 78)).allMatch(frozenSince(firstStillUs));
    }

    @Test
    void anH264FreezeOfALiveShotsPictureIsFrozenFromItsFirstExactRepeat() throws Exception {
        // OpenH264 at 4 Mb/s, 2 s GOP (frozen-06): a live static shot (0.014-0.025 levels a frame, its key frames 2
        // levels apart, noise 1.3), then the same picture frozen: exact repeats, and a key frame 2.0 levels from the
        // live one with noise 0.8.
        codec = "h264";
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        List<MediaEvent> live = new ArrayList<>();
        for (int i = 0; i < 75; i++) {
            boolean key = i == 10 || i == 60;
            Float keyToKey = i == 10 ? Float.valueOf(30f) : i == 60 ? Float.valueOf(2.0f) : null;
            live.add(judged(Features.still(still, key ? 2.1f : 0.02f, key), keyToKey, key ? 1.3f : 1.0f));
        }
        long firstRepeatUs = sequence * Features.FRAME_US;
        List<MediaEvent> frozen = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean key = i == 27;
            float step = key ? 2.09f : i == 28 ? 0.39f : 0.0f;
            // The freeze's key frame carries less noise than the live one before it: no sign of a live shot here.
            frozen.add(judged(Features.still(still, step, key), key ? Float.valueOf(2.02f) : null, key ? 0.8f : 1.0f));
        }
        assertThat(live).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
        assertThat(frozen).allMatch(frozenSince(firstRepeatUs));
    }

    @Test
    void anH264LiveStillCodedWithinATenThousandthOfALevelButNeverBitExactIsNotFrozen() throws Exception {
        // x264 at CRF 23, light noise (development Dune at strength 3): the encoder codes a live still's noise away
        // until its P pictures decode 0.0008-0.0014 levels from the frame before and its B pictures 0.0001-0.0017,
        // for 8 s; its freeze, before it, repeats bit-exact.
        codec = "h264";
        byte[] frozenPicture = Features.texturedLuma(random, 60, 120);
        long freezeUs = cutTo(frozenPicture);
        List<MediaEvent> freeze = predicted(frozenPicture, 100, i -> i < 20 ? 0.003f : 0.0f, 0.35f);
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        List<MediaEvent> live = predicted(
                still, 200, i -> i % 4 == 3 ? 0.0008f + 0.0002f * (i % 3) : 0.0001f + 0.0003f * (i % 5), 0.19f);
        assertThat(freeze.subList(20, 100)).allMatch(frozenSince(freezeUs));
        assertThat(live).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void anHevcFreezeThatBeginsJustBeforeAKeyFrameIsFrozenOnceTheKeyFramesPictureRepeatsForASecond() throws Exception {
        // x265 in closed GOPs, a key frame 0.08 s into the freeze (development clips at 0.6-2 Mb/s; the accuracy
        // corpus's ffh-frozen-02 at 1 Mb/s): the key frame jumps 1.4-5.2 levels with no key frame of the freeze before
        // it to compare, then every picture repeats it within 0.001 levels for 2.1-3.9 s. The next one is 6 s away.
        codec = "hevc";
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        judged(Features.still(still, 0.0029f, false), null, 0.96f);
        judged(Features.still(still, 1.39f, true), 30f, 0.91f);
        List<MediaEvent> frames = predicted(still, 60, i -> i % 9 == 0 ? 0.0007f : 0f, null);
        int second = (int) (1_000_000 / Features.FRAME_US);
        assertThat(frames.subList(0, second - 1))
                .as("waiting")
                .noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
        assertThat(frames.subList(second, 60)).allMatch(frozenSince(firstStillUs));
    }

    @Test
    void anHevcStreamsFreezeIsFrozenThoughX265DecodesItsRepeatsAFewSamplesOff() throws Exception {
        // x265 at CRF 28, noise strength 12: a second of refinement, then P pictures 0.0014 levels from the frame
        // before and B pictures 0.0012 or 0.06, never within the exact 0.001, for the rest of the freeze.
        codec = "hevc";
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        List<MediaEvent> frames = predicted(
                still,
                100,
                i -> i < 25 ? (i % 4 == 0 ? 0.3f : 0.06f) : i % 4 == 0 ? 0.0014f : i % 2 == 0 ? 0.0012f : 0.06f,
                2.2f);
        assertThat(frames.subList(26, 100)).allMatch(frozenSince(firstStillUs));
    }

    @Test
    void anHevcFreezeDecodedWithLessNoiseThanTheKeyFrameBeforeItIsFrozenOnItsExactRepeats() throws Exception {
        // x265 at 2 Mb/s, GOP 5 s: the key frame before the freeze carries 1.96 levels of noise, the frozen picture
        // 1.37 at first, refined back to 2.5 over four seconds in bursts (0.18 levels, then 0.05), each followed by
        // exact repeats. No key frame comes inside the freeze.
        codec = "hevc";
        judged(Features.still(Features.texturedLuma(random, 60, 120), 40f, true), 9f, 1.96f);
        for (int i = 0; i < 25; i++) judged(Features.moving(random), null, 1.1f);
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int phase = i % 20;
            float step = phase == 0 ? 0.18f : phase < 4 ? 0.05f : 0f;
            frames.add(judged(Features.still(still, step, false), null, 1.37f + 0.011f * i));
        }
        assertThat(frames.subList(SETTLE + 1, 100)).allMatch(frozenSince(firstStillUs));
    }

    @Test
    void anHevcFreezeWithAKeyFrameHalfWayStaysFrozenThroughItsJump() throws Exception {
        // x265 at 0.6 Mb/s, closed GOPs of 4.08 s (development clips; the accuracy corpus's ffd-frozen-02): 2 s of
        // repeats, a key frame 1.9 levels off with no key frame of the freeze before it to compare, then 0.3 s of
        // refinement and repeats within 0.006 levels, never 1 s apart, to the freeze's end.
        codec = "hevc";
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        List<MediaEvent> frames = new ArrayList<>(predicted(still, 50, i -> 0f, 2.0f));
        frames.add(judged(Features.still(still, 1.9f, true), 8.8f, 1.8f));
        frames.addAll(predicted(still, 50, i -> i < 8 ? 0.2f : i % 20 < 15 ? 0.05f : 0.004f, 2.0f));
        assertThat(frames.subList(SETTLE + 1, frames.size())).allMatch(frozenSince(firstStillUs));
    }

    @Test
    void anHevcFreezeRefinedInBurstsThatJumpOverALevelAfterItsRepeatsStaysOneFreeze() throws Exception {
        // x265 at 4 Mb/s, noise strength 11 (development clip): every 0.48 s a burst of refinement after exact
        // repeats, its first picture 1.25 levels off, then 0.64, 0.54 and less, then repeats again.
        codec = "hevc";
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        float[] burst = {1.25f, 0.64f, 0.54f, 0.15f, 0.09f, 0.04f, 0.04f, 0.09f};
        List<MediaEvent> frames = predicted(still, 100, i -> i % 12 < 4 ? 0f : burst[i % 12 - 4], 4.9f);
        assertThat(frames.subList(SETTLE, 100)).allMatch(frozenSince(firstStillUs));
    }

    @Test
    void aPictureThatMovesRightAfterAFrozenPicturesRepeatEndsTheFreeze() throws Exception {
        codec = "hevc";
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        assertThat(predicted(still, 30, i -> 0f, 2.0f).get(29).hasCondition(DefectType.FROZEN_FRAMES))
                .as("frozen")
                .isTrue();
        // A slow pan resuming: 2.5 levels a frame, within what a key frame or a refinement after a repeat may jump.
        List<MediaEvent> pan = predicted(still, 3, i -> 2.5f, 2.0f);
        assertThat(pan.subList(1, 3)).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void anHevcLiveStillThatRepeatsOnlyForAWhileAfterAKeyFrameIsNotFrozenWhenTheKeyFramesWaitRunsOut()
            throws Exception {
        // x265 at a constant rate: a live still coded live, then a key frame that jumps with nothing to compare (the
        // still waits for the next one), 2 s of near-repeats after it, then live coding again for the rest of the
        // wait. No key frame comes within the wait, so the repeats decide, and they stopped 1.9 s before it ran out.
        codec = "hevc";
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 25; i++) frames.add(judged(Features.still(still, 0.1f, false), null));
        frames.add(judged(Features.still(still, 2.2f, true), 5f));
        for (int i = 0; i < 52; i++) frames.add(judged(Features.still(still, 0.003f, false), null));
        for (int i = 0; i < 80; i++) frames.add(judged(Features.still(still, 0.05f, false), null));
        assertThat(frames).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void anHevcStreamsFirstStillThatChangesInEveryPredictedPictureIsNotFrozen() throws Exception {
        // x265 at 0.6 Mb/s, 360p: a live static shot right after motion keeps its noise, and every predicted picture
        // changes by 0.024-0.94 levels (P pictures 0.12 and more) for 12 s; no freeze came before it to learn from.
        codec = "hevc";
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        List<MediaEvent> frames = predicted(still, 300, i -> i % 4 == 0 ? 0.6f : i % 2 == 0 ? 0.025f : 0.2f, 2.0f);
        assertThat(frames).noneMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void withoutExactRepeatsSeenOnTheStreamAStillIsNotJudgedOnThem() throws Exception {
        // MPEG-2 at a fine fixed quantiser keeps refining a frozen picture by tenths of a level, never exactly.
        byte[] still = Features.texturedLuma(random, 60, 120);
        cutTo(still);
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) frames.add(judged(Features.still(still, 0.2f, false), null, 1.2f));
        assertThat(frames.subList(SETTLE + 1, 100)).allMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }

    @Test
    void thePictureAfterACoarseKeyFrameMayStepBackAsFarAsTheKeyFrameJumped() throws Exception {
        // MPEG-2 1080i at a constant rate: each key frame of a frozen picture is coded coarser (1.35 levels away), and
        // the B picture after it steps back 1.43 levels, beyond the 1.2 a still breathes.
        byte[] still = Features.texturedLuma(random, 60, 120);
        long firstStillUs = cutTo(still);
        List<MediaEvent> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            boolean key = i % 12 == 6;
            boolean afterKey = i % 12 == 7;
            float step = key ? 1.35f : afterKey ? 1.43f : i % 3 == 0 ? 0.0f : 0.3f;
            frames.add(judged(Features.still(still, step, key), key ? Float.valueOf(0.2f) : null, 2.0f));
        }
        // The first key frame has nothing to compare and leaves the still for the second (at frame 18) to prove: the
        // still survives the steps back after both, and is dated from its first frame.
        assertThat(frames.subList(18, 100)).allMatch(frozenSince(firstStillUs));
    }

    @Test
    void keyFramesCodedCoarserThanTheirStillAreComparedAtTheStillsNoise() throws Exception {
        // MPEG-2 1080i at a constant rate: key frames carry 0.53 levels of noise, the P pictures between them 2.2,
        // and the frozen picture's key frames differ by 1.26, over the fixed 1.0.
        assertThat(stillWithTwoKeyFrames(1.26f, 0.53f, 2.2f)).allMatch(e -> e.hasCondition(DefectType.FROZEN_FRAMES));
    }
}
