package io.avmon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.VideoFrameFeatures;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The whole detector chain on 20 s programmes that look like real converter output. The hard negatives must raise
 * nothing with the default profile; the positive controls next to them show the same chain does fire.
 */
class HardNegativesTest {
    private static final long DURATION_MS = 20_000;
    private final Random random = new Random(42);

    private List<DefectEvent> run(LongFunction<Features.Picture> picture, LongFunction<Program.Levels> sound)
            throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            List<SpecificRecord> records = Program.of("s", DURATION_MS, picture, sound);
            chain.processAll(records);
            chain.process(Features.ended("s", (DURATION_MS - 40) * 1000));
            assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            assertThat(chain.timers()).as("timers after ENDED").isZero();
            return chain.defects();
        }
    }

    private LongFunction<Program.Levels> programmeAudio() {
        return t -> Program.PROGRAMME_AUDIO;
    }

    @Test
    void darkTexturedNightSceneRaisesNothing() throws Exception {
        assertThat(run(t -> Features.darkNightScene(random), programmeAudio())).isEmpty();
    }

    @Test
    void letterboxedFilmRaisesNothing() throws Exception {
        assertThat(run(t -> Features.letterboxed(random), programmeAudio())).isEmpty();
    }

    @Test
    void staticSceneWithSensorNoiseRaisesNothing() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        assertThat(run(t -> Features.still(still, 1.0f + 2.0f * random.nextFloat(), t % 2000 == 0), programmeAudio()))
                .isEmpty();
    }

    @Test
    void slowDriftRaisesNothing() throws Exception {
        byte[] base = Features.texturedLuma(random, 40, 100);
        assertThat(run(
                        t -> {
                            byte[] luma = base.clone();
                            int lift = (int) (t / 200); // a slow fade-up: 5 levels per second, 0.2 per frame
                            for (int c = 0; c < luma.length; c++)
                                luma[c] = (byte) Math.min(255, (luma[c] & 0xFF) + lift);
                            return Features.still(luma, 0.2f, false);
                        },
                        programmeAudio()))
                .isEmpty();
    }

    @Test
    void quietPassageRaisesNothing() throws Exception {
        assertThat(run(t -> Features.moving(random), t -> Program.QUIET_PASSAGE))
                .isEmpty();
    }

    @Test
    void lineUpBeepOnceASecondOverDigitalSilenceRaisesNothing() throws Exception {
        // A 40 ms beep at -6 dBFS once a second: one 100 ms block in ten carries it, the rest are digital zeros.
        Program.Levels beep = new Program.Levels(-17f, -6f);
        assertThat(run(t -> Features.moving(random), t -> t % 1000 == 0 ? beep : Program.SILENCE))
                .isEmpty();
    }

    @Test
    void sparseFootstepsInAQuietSceneRaiseNothing() throws Exception {
        // Room tone under the -60 dBFS threshold, and a footstep (-14 dBFS peak, one block) every 1.3 to 1.9 s: the
        // scene stays above loudness's floor (about -42 LUFS short-term), so only silence is on trial.
        Program.Levels roomTone = new Program.Levels(-78f, -66f);
        Program.Levels footstep = new Program.Levels(-30f, -14f);
        long[] steps = new long[20];
        for (int i = 1; i < steps.length; i++) steps[i] = steps[i - 1] + 1300 + 100 * random.nextInt(7);
        assertThat(run(t -> Features.moving(random), t -> Arrays.binarySearch(steps, t) >= 0 ? footstep : roomTone))
                .isEmpty();
    }

    @Test
    void dipToBlackOfOneAndAHalfSecondsRaisesNothing() throws Exception {
        assertThat(run(t -> t >= 8000 && t < 9500 ? Features.black(random) : Features.moving(random), programmeAudio()))
                .isEmpty();
    }

    @Test
    void fadeOutAndInAroundAShortBlackRaisesNothing() throws Exception {
        assertThat(run(
                        t -> {
                            if (t >= 6000 && t < 7000) return Features.fadeFrame(random, (7000 - t) / 1000.0);
                            if (t >= 7000 && t < 9000) return Features.black(random);
                            if (t >= 9000 && t < 10000) return Features.fadeFrame(random, (t - 9000) / 1000.0);
                            return Features.moving(random);
                        },
                        t -> t >= 7000 && t < 8500 ? Program.SILENCE : Program.PROGRAMME_AUDIO))
                .isEmpty();
    }

    @Test
    void loudButLegalMusicWithTransientTouchesOfFullScaleRaisesNothing() throws Exception {
        // -18.7 LUFS short-term, limited to -1 dBFS, with every fifth block letting 2 samples touch full scale.
        Program.Levels music = new Program.Levels(new float[] {-21f, -21f}, new float[] {-1f, -1f}, new int[] {0, 0});
        Program.Levels touch = new Program.Levels(new float[] {-21f, -21f}, new float[] {0f, -1f}, new int[] {2, 0});
        assertThat(run(t -> Features.moving(random), t -> t % 500 == 0 ? touch : music))
                .isEmpty();
    }

    @Test
    void surroundDialogueSceneWithSilentLfeAndSurroundsRaisesNothing() throws Exception {
        // 5.1 (FL FR FC LFE BL BR): dialogue in the front three, nothing in the LFE and surrounds.
        float dead = -120f;
        Program.Levels dialogue = new Program.Levels(
                new float[] {-29f, -29f, -26f, dead, dead, dead},
                new float[] {-12f, -12f, -8f, dead, dead, dead},
                new int[6]);
        assertThat(run(t -> Features.moving(random), t -> dialogue)).isEmpty();
    }

    @Test
    void monoProgrammeRaisesNothing() throws Exception {
        Program.Levels mono = new Program.Levels(new float[] {-23f}, new float[] {-6f}, new int[1]);
        assertThat(run(t -> Features.moving(random), t -> mono)).isEmpty();
    }

    @Test
    void colourfulMovingContentRaisesNothing() throws Exception {
        assertThat(run(t -> TestPatterns.picture(TestPatterns.colourfulMotion(t / 1000.0), 4f), programmeAudio()))
                .isEmpty();
    }

    @Test
    void stillColourfulSlidesRaiseNothing() throws Exception {
        // A rainbow-striped station graphic and a slide of coloured panels, each still with sensor-level noise.
        assertThat(run(
                        t -> TestPatterns.picture(
                                t < 10_000 ? TestPatterns.RAINBOW_STRIPES : TestPatterns.colourfulSlide(3),
                                1.5f + random.nextFloat()),
                        programmeAudio()))
                .isEmpty();
    }

    @Test
    void sceneCutsEveryOneAndAHalfSecondsRaiseNothing() throws Exception {
        byte[][] shots = {
            Features.texturedLuma(random, 40, 120),
            Features.texturedLuma(random, 90, 100),
            Features.texturedLuma(random, 20, 60)
        };
        assertThat(run(
                        t -> {
                            long shot = t / 1500;
                            boolean cut = t % 1500 == 0;
                            return Features.still(
                                    shots[(int) (shot % shots.length)], cut ? 45f : 1.5f + random.nextFloat(), cut);
                        },
                        programmeAudio()))
                .isEmpty();
    }

    @Test
    void sceneCutsOverSpeechWithPausesRaiseNoSyncOffset() throws Exception {
        // Cuts every 1.5 s; phrases of speech every 2.1 s, each after a 400 ms quiet pause: a 20 dB onset, as sharp as
        // a beep, but at no steady distance from the cuts. The sync detector pairs some of them and finds no offset.
        byte[][] shots = {
            Features.texturedLuma(random, 40, 120),
            Features.texturedLuma(random, 90, 100),
            Features.texturedLuma(random, 20, 60)
        };
        assertThat(run(
                        t -> {
                            boolean cut = t % 1500 == 0;
                            return Features.still(
                                    shots[(int) (t / 1500 % shots.length)], cut ? 45f : 1.5f + random.nextFloat(), cut);
                        },
                        t -> t % 2100 < 400 ? Program.QUIET_PASSAGE : Program.PROGRAMME_AUDIO))
                .isEmpty();
    }

    @Test
    void dipToBlackAndSceneCutsWithTheBlockinessCompressionLeavesRaiseNoCorruption() throws Exception {
        // Near-black frames read blockiness 3-4 from compression steps over no texture; a key frame after a cut 1.9.
        byte[][] shots = {Features.texturedLuma(random, 40, 120), Features.texturedLuma(random, 90, 100)};
        List<SpecificRecord> records = Program.of(
                "s",
                DURATION_MS,
                t -> {
                    if (t >= 8000 && t < 9500) return Features.black(random);
                    boolean cut = t % 1500 == 0;
                    return Features.still(
                            shots[(int) (t / 1500 % shots.length)], cut ? 45f : 1.5f + random.nextFloat(), cut);
                },
                programmeAudio());
        for (SpecificRecord r : records) {
            if (r instanceof VideoFrameFeatures v) {
                long t = v.getMediaTimeUs() / 1000;
                v.setBlockiness(t >= 8000 && t < 9500 ? 3.8f : v.getKeyFrame() ? 1.9f : 1.15f);
            }
        }
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            chain.processAll(records);
            chain.process(Features.ended("s", (DURATION_MS - 40) * 1000));
            assertThat(chain.defects()).isEmpty();
            assertThat(chain.keyedStateEntries()).isZero();
        }
    }

    // ---- positive controls ----------------------------------------------------------------------------

    @Test
    void deadRightChannelIsOneChannelLossDefectOnChannelOne() throws Exception {
        Program.Levels rightDead = new Program.Levels(new float[] {-25f, -120f}, new float[] {-6f, -120f}, new int[2]);
        List<DefectEvent> defects =
                run(t -> Features.moving(random), t -> t >= 5000 && t < 9000 ? rightDead : Program.PROGRAMME_AUDIO);
        assertThat(defects)
                .extracting(DefectEvent::getDefectType, DefectEvent::getState, DefectEvent::getChannel)
                .containsExactly(
                        Tuple.tuple(DefectType.AUDIO_CHANNEL_LOSS, DefectState.OPENED, 1),
                        Tuple.tuple(DefectType.AUDIO_CHANNEL_LOSS, DefectState.CLOSED, 1));
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(5000);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(9000);
    }

    @Test
    void twoSecondsOfHardClippingIsOneClippingDefect() throws Exception {
        Program.Levels clipped = new Program.Levels(new float[] {-10f, -10f}, new float[] {0f, 0f}, new int[] {60, 55});
        List<DefectEvent> defects =
                run(t -> Features.moving(random), t -> t >= 6000 && t < 8000 ? clipped : Program.PROGRAMME_AUDIO);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.AUDIO_CLIPPING);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(6000);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(8000);
    }

    @Test
    void aLoudAdvertIsOneLoudnessViolation() throws Exception {
        // -11.7 LUFS (-14 dBFS RMS per channel) from 3 s on: 11 LU over EBU R128's target, 6 LU over its -18 ceiling.
        Program.Levels advert = new Program.Levels(new float[] {-14f, -14f}, new float[] {-1f, -1f}, new int[2]);
        List<DefectEvent> defects =
                run(t -> Features.moving(random), t -> t >= 3000 ? advert : Program.PROGRAMME_AUDIO);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.LOUDNESS_VIOLATION);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        // The mean short-term reading: -11.7 once the window is full of advert, a little less while it fills.
        assertThat(defects.get(1).getValue()).isBetween(-12.5, -11.6);
    }

    @Test
    void fiveSecondsOfBlackWithALogoIsOneBlackDefect() throws Exception {
        List<DefectEvent> defects = run(
                t -> t >= 5000 && t < 10000 ? Features.blackWithLogo(random) : Features.moving(random),
                programmeAudio());
        assertThat(defects)
                .extracting(DefectEvent::getDefectType, DefectEvent::getState)
                .containsExactly(
                        Tuple.tuple(DefectType.BLACK_FRAMES, DefectState.OPENED),
                        Tuple.tuple(DefectType.BLACK_FRAMES, DefectState.CLOSED));
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(5000);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(10000);
    }

    @Test
    void frozenPictureWithAudioPlayingOnIsOneFreezeDefect() throws Exception {
        byte[] still = Features.texturedLuma(random, 60, 120);
        List<DefectEvent> defects = run(
                t -> t >= 4000 && t < 12000
                        ? Features.still(still, t % 2000 == 0 ? 1.5f : 0.0f, t % 2000 == 0)
                        : Features.moving(random),
                programmeAudio());
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.FROZEN_FRAMES);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        // The first still frame is the cut to the still (it becomes the reference); the freeze starts one frame later.
        assertThat(defects.get(1).getStartMediaTimeMs()).isBetween(4000L, 4040L);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(12000);
    }

    @Test
    void fourSecondsOfBarsAreOneColourBarsDefectAndNoFreeze() throws Exception {
        List<DefectEvent> defects = run(
                t -> t >= 6000 && t < 10_000 ? TestPatterns.picture(TestPatterns.EBU, 0f) : Features.moving(random),
                programmeAudio());
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.COLOR_BARS);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(6000);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(10_000);
    }

    @Test
    void threeSecondsOfSilenceBetweenLineUpBeepsIsRaisedFromItsOnset() throws Exception {
        Program.Levels beep = new Program.Levels(-17f, -6f);
        List<DefectEvent> defects = run(
                t -> Features.moving(random),
                t -> t >= 6100 && t < 9100 ? Program.SILENCE : t % 1000 == 0 ? beep : Program.SILENCE);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.AUDIO_SILENCE);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getStartMediaTimeMs()).isBetween(6100L - 500, 6100L + 500);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(10_000);
    }

    @Test
    void threeSecondsOfSilenceIsOneSilenceDefect() throws Exception {
        List<DefectEvent> defects = run(
                t -> Features.moving(random), t -> t >= 5000 && t < 8000 ? Program.SILENCE : Program.PROGRAMME_AUDIO);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.AUDIO_SILENCE);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(5000);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(8000);
    }
}
