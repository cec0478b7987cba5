package io.avmon.job.defect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.core.DefectEvents;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.schema.Still;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DefectLifecycle alone, on records the detectors have already annotated. Defaults: black 3 s min, 1 s hold-off;
 * silence 2 s min, no hold-off; clipping 1 s min, 1 s hold-off.
 */
class DefectLifecycleTest {
    private static final String STREAM = "cam-1";
    private final Random random = new Random(7);
    private final DetectionProfile profile = DefectKind.defaultProfile();
    private KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new DefectLifecycle(profile), new DetectorTopology.StreamIdKey(), Types.STRING);
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    private MediaEvent frame(long mediaMs, boolean black) {
        MediaEvent event = MediaEvent.of(Features.frame(STREAM, mediaMs / 40, Features.moving(random)));
        event.markCondition(DefectType.BLACK_FRAMES, black);
        event.setMeasure(DefectType.BLACK_FRAMES, black ? 0.99f : 0.04f);
        return event;
    }

    private MediaEvent audio(long mediaMs, boolean silent) {
        MediaEvent event = MediaEvent.of(
                silent
                        ? Features.block(STREAM, mediaMs / 100, -120f, -120f)
                        : Features.block(STREAM, mediaMs / 100, -20f, -6f));
        event.markCondition(DefectType.AUDIO_SILENCE, silent);
        event.setMeasure(DefectType.AUDIO_SILENCE, silent ? -120f : -6f);
        return event;
    }

    /** A block the clipping detector judged clipped or clean. */
    private MediaEvent clippingVerdict(long mediaMs, boolean clipped) {
        MediaEvent event = MediaEvent.of(Features.block(STREAM, mediaMs / 100, -10f, clipped ? 0f : -3f));
        event.markCondition(DefectType.AUDIO_CLIPPING, clipped);
        event.setMeasure(DefectType.AUDIO_CLIPPING, clipped ? 0.01f : 0f);
        return event;
    }

    /** Frames every 40 ms in [fromMs, toMs). */
    private void frames(long fromMs, long toMs, boolean black) throws Exception {
        for (long t = fromMs; t < toMs; t += 40) {
            MediaEvent e = frame(t, black);
            harness.processElement(e, e.ingestTimeMs);
        }
    }

    private List<DefectEvent> defects() {
        List<DefectEvent> out = new ArrayList<>();
        var queue = harness.getSideOutput(DefectEvents.DEFECTS);
        if (queue != null) for (StreamRecord<DefectEvent> r : queue) out.add(r.getValue());
        return out;
    }

    private void assertNoStateOrTimers() {
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(harness.numProcessingTimeTimers())
                .as("processing-time timers")
                .isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    }

    @Test
    void opensAfterMinimumDurationAndNotBefore() throws Exception {
        frames(0, 1000, false);
        frames(1000, 4000, true); // 1000 .. 3960: 2.96 s of black
        assertThat(defects()).isEmpty();

        frames(4000, 4040, true); // reaches start + 3 s
        assertThat(defects()).singleElement().satisfies(d -> {
            assertThat(d.getState()).isEqualTo(DefectState.OPENED);
            assertThat(d.getDefectType()).isEqualTo(DefectType.BLACK_FRAMES);
            assertThat(d.getStartMediaTimeMs()).isEqualTo(1000);
            assertThat(d.getStartWallClockMs()).isEqualTo(Features.EPOCH_MS + 1000 + 30);
            assertThat(d.getEndMediaTimeMs()).isNull();
            assertThat(d.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(d.getUnit()).isEqualTo("%");
            assertThat(d.getValue()).isCloseTo(99.0, Offset.offset(0.01));
            assertThat(d.getDetector()).isEqualTo("BlackFrameDetector");
        });
        assertThat(harness.extractOutputValues())
                .as("every record is forwarded")
                .hasSize(101);
        assertThat(harness.extractOutputValues().get(100).openDefects).isEqualTo(1);
    }

    @Test
    void dipShorterThanMinimumDurationEmitsNothing() throws Exception {
        frames(0, 1000, false);
        frames(1000, 3000, true); // a 2 s dip to black between programmes
        frames(3000, 6000, false);

        assertThat(defects()).isEmpty();
        assertNoStateOrTimers();
    }

    /** Audio blocks every 100 ms in [fromMs, toMs). */
    private void blocks(long fromMs, long toMs, boolean silent) throws Exception {
        for (long t = fromMs; t < toMs; t += 100) {
            MediaEvent e = audio(t, silent);
            harness.processElement(e, e.ingestTimeMs);
        }
    }

    /** Clipping verdicts on blocks every 100 ms in [fromMs, toMs). */
    private void clippingBlocks(long fromMs, long toMs, boolean clipped) throws Exception {
        for (long t = fromMs; t < toMs; t += 100) {
            MediaEvent e = clippingVerdict(t, clipped);
            harness.processElement(e, e.ingestTimeMs);
        }
    }

    @Test
    void clippingCandidateBridgesGapsShorterThanHoldOff() throws Exception {
        clippingBlocks(0, 1000, false);
        clippingBlocks(1000, 1500, true);
        clippingBlocks(1500, 1800, false); // 300 ms between peaks: under the 1 s hold-off
        clippingBlocks(1800, 2100, true); // 1 s after the candidate started

        assertThat(defects()).singleElement().satisfies(d -> {
            assertThat(d.getState()).isEqualTo(DefectState.OPENED);
            assertThat(d.getDefectType()).isEqualTo(DefectType.AUDIO_CLIPPING);
            assertThat(d.getStartMediaTimeMs())
                    .as("the raise delay was not restarted by the gap")
                    .isEqualTo(1000);
        });
    }

    @Test
    void silenceCandidateEndsAtTheFirstBlockWithSound() throws Exception {
        // A line-up pattern: a beep once a second over digital silence, for 10 s.
        for (long second = 0; second < 10_000; second += 1000) {
            blocks(second, second + 100, false);
            blocks(second + 100, second + 1000, true);
        }
        blocks(10_000, 10_100, false);

        assertThat(defects()).as("silence clock restarted by every beep").isEmpty();
        assertNoStateOrTimers();
    }

    @Test
    void openSilenceClosesAtTheFirstBlockWithSoundAndTheNextSilenceIsANewDefect() throws Exception {
        blocks(0, 1000, false);
        blocks(1000, 4000, true);
        blocks(4000, 4100, false); // one block of sound: a footstep
        blocks(4100, 6200, true);

        List<DefectEvent> defects = defects();
        assertThat(defects)
                .extracting(DefectEvent::getState)
                .containsExactly(DefectState.OPENED, DefectState.CLOSED, DefectState.OPENED);
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(1000);
        assertThat(defects.get(1).getEndMediaTimeMs())
                .as("ended by the footstep, as silencedetect's silence_end")
                .isEqualTo(4000);
        assertThat(defects.get(2).getStartMediaTimeMs()).isEqualTo(4100);
    }

    @Test
    void clippingCandidateClearForTheHoldOffIsDropped() throws Exception {
        clippingBlocks(0, 1000, false);
        clippingBlocks(1000, 1800, true); // 0.8 s of clipping, under the 1 s minimum
        clippingBlocks(1800, 3000, false); // clear for longer than the 1 s hold-off
        clippingBlocks(3000, 3700, true); // a new candidate, 0.7 s old

        assertThat(defects()).isEmpty();
        clippingBlocks(3700, 4100, true);
        assertThat(defects())
                .singleElement()
                .satisfies(d -> assertThat(d.getStartMediaTimeMs()).isEqualTo(3000));
    }

    @Test
    void clearStretchShorterThanHoldOffDoesNotClose() throws Exception {
        frames(0, 5000, true);
        frames(5000, 5600, false); // 600 ms of picture: shorter than the 1 s hold-off
        frames(5600, 8000, true);
        frames(8000, 8960, false);
        assertThat(defects()).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED);

        frames(8960, 9040, false); // 1 s after the first healthy frame at 8000
        List<DefectEvent> defects = defects();
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        DefectEvent closed = defects.get(1);
        assertThat(closed.getStartMediaTimeMs()).isEqualTo(0);
        assertThat(closed.getEndMediaTimeMs()).isEqualTo(8000);
        assertThat(closed.getEndWallClockMs()).isEqualTo(Features.EPOCH_MS + 8000 + 30);
        assertThat(closed.getEventId()).isEqualTo(defects.get(0).getEventId());
        assertNoStateOrTimers();
    }

    @Test
    void closesAfterRecoveryWithStartAndEndOfTheDefect() throws Exception {
        frames(0, 2000, false);
        frames(2000, 7000, true);
        frames(7000, 10000, false);

        List<DefectEvent> defects = defects();
        assertThat(defects).hasSize(2);
        DefectEvent opened = defects.get(0);
        DefectEvent closed = defects.get(1);
        assertThat(opened.getState()).isEqualTo(DefectState.OPENED);
        assertThat(closed.getState()).isEqualTo(DefectState.CLOSED);
        assertThat(closed.getStartMediaTimeMs()).isEqualTo(2000);
        assertThat(closed.getEndMediaTimeMs()).isEqualTo(7000);
        assertThat(closed.getStartWallClockMs()).isEqualTo(opened.getStartWallClockMs());
        assertThat(closed.getEventId())
                .isEqualTo(opened.getEventId())
                .isEqualTo(UUID.nameUUIDFromBytes((STREAM + "|BLACK_FRAMES||2000").getBytes(StandardCharsets.UTF_8))
                        .toString());
        assertThat(harness.extractOutputValues()
                        .get(harness.extractOutputValues().size() - 1)
                        .openDefects)
                .isZero();
        assertNoStateOrTimers();
    }

    @Test
    void openedCarriesTheStillOfTheFrameTheDefectWasRaisedOn() throws Exception {
        frames(0, 1000, false);
        frames(1000, 4000, true);
        MediaEvent raisedOn = frame(4000, true);
        byte[] luma = bytes(raisedOn.video.getThumbLuma());
        harness.processElement(raisedOn, raisedOn.ingestTimeMs);

        assertThat(defects()).singleElement().satisfies(opened -> {
            assertThat(opened.getState()).isEqualTo(DefectState.OPENED);
            Still still = opened.getStill();
            assertThat(still).isNotNull();
            assertThat(still.getMediaTimeMs()).isEqualTo(4000);
            assertThat(still.getWidth()).isEqualTo(Features.THUMB_W);
            assertThat(still.getHeight()).isEqualTo(Features.THUMB_H);
            assertThat(bytes(still.getLuma())).isEqualTo(luma);
            assertThat(bytes(still.getCb())).isEqualTo(bytes(raisedOn.video.getThumbCb()));
            assertThat(bytes(still.getCr())).isEqualTo(bytes(raisedOn.video.getThumbCr()));
            assertThat(still.getFullRange()).isFalse();
            assertThat(still.getSourceWidth()).isEqualTo(1920);
            assertThat(still.getSourceHeight()).isEqualTo(1080);
        });
    }

    @Test
    void closedCarriesNoStillAndThePictureIsForgottenWithTheTracks() throws Exception {
        frames(0, 2000, false);
        frames(2000, 7000, true);
        frames(7000, 10000, false);

        List<DefectEvent> defects = defects();
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(0).getStill()).isNotNull();
        assertThat(defects.get(1).getStill()).isNull();
        assertNoStateOrTimers();
    }

    @Test
    void aHealthyStreamKeepsNoPicture() throws Exception {
        frames(0, 3000, false);

        assertNoStateOrTimers();
    }

    @Test
    void anAudioDefectShowsTheLatestVideoFrame() throws Exception {
        byte[] lastLuma = null;
        for (long t = 0; t < 4000; t += 40) {
            if (t % 100 == 0) {
                MediaEvent block = audio(t, t >= 1000);
                harness.processElement(block, block.ingestTimeMs);
            }
            MediaEvent video = frame(t, false);
            harness.processElement(video, video.ingestTimeMs);
            if (defects().isEmpty()) {
                lastLuma = bytes(video.video.getThumbLuma());
            }
        }

        DefectEvent silence = defects().get(0);
        assertThat(silence.getDefectType()).isEqualTo(DefectType.AUDIO_SILENCE);
        assertThat(silence.getState()).isEqualTo(DefectState.OPENED);
        // Silence is raised on an audio block (at 3000 ms): the still is the frame just before it.
        assertThat(silence.getStill().getMediaTimeMs()).isEqualTo(2960);
        assertThat(bytes(silence.getStill().getLuma())).isEqualTo(lastLuma);
    }

    @Test
    void aDefectRaisedWhileAnotherIsOpenShowsItsOwnFrame() throws Exception {
        byte[] lastLuma = null;
        for (long t = 0; t < 8000; t += 40) {
            if (t % 100 == 0) {
                MediaEvent block = audio(t, t >= 5000);
                harness.processElement(block, block.ingestTimeMs);
            }
            MediaEvent video = frame(t, t >= 1000);
            harness.processElement(video, video.ingestTimeMs);
            if (defects().size() < 2) {
                lastLuma = bytes(video.video.getThumbLuma());
            }
        }

        List<DefectEvent> defects = defects();
        assertThat(defects)
                .extracting(DefectEvent::getDefectType)
                .containsExactly(DefectType.BLACK_FRAMES, DefectType.AUDIO_SILENCE);
        // Black reaches its 3 s on the block at 4000, which comes before the frame at 4000.
        assertThat(defects.get(0).getStill().getMediaTimeMs()).isEqualTo(3960);
        // Silence starts at 5000 with black open, and is raised on the block at 7000.
        assertThat(defects.get(1).getStill().getMediaTimeMs()).isEqualTo(6960);
        assertThat(bytes(defects.get(1).getStill().getLuma())).isEqualTo(lastLuma);
    }

    @Test
    void aTrackRestoredFromASavepointBeforeStillsClosesAndTheNextDefectHasOne() throws Exception {
        OperatorSubtaskState savepoint;
        try (var earlier = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EarlierReleaseLifecycleState()),
                new DetectorTopology.StreamIdKey(),
                Types.STRING)) {
            earlier.open();
            MediaEvent e = frame(5000, true);
            earlier.processElement(e, e.ingestTimeMs);
            savepoint = earlier.snapshot(1, 1);
        }
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DefectLifecycle(profile)),
                new DetectorTopology.StreamIdKey(),
                Types.STRING);
        harness.initializeState(savepoint);
        harness.open();

        frames(5040, 6000, true);
        frames(6000, 8000, false);
        frames(8000, 12000, true);

        List<DefectEvent> defects = defects();
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.CLOSED, DefectState.OPENED);
        assertThat(defects.get(0).getStartMediaTimeMs()).isEqualTo(2000);
        assertThat(defects.get(0).getStill()).isNull();
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(8000);
        assertThat(defects.get(1).getStill().getMediaTimeMs()).isEqualTo(11000);
    }

    /**
     * The lifecycle's state as releases before stills wrote it (its tracks and timer, no picture), holding a black
     * defect open since 2000 ms.
     */
    static final class EarlierReleaseLifecycleState extends KeyedProcessFunction<String, MediaEvent, MediaEvent> {
        private transient MapState<Integer, DefectTrack> tracks;

        @Override
        public void open(OpenContext openContext) {
            tracks = getRuntimeContext()
                    .getMapState(new MapStateDescriptor<>("defectTracks", Types.INT, Types.POJO(DefectTrack.class)));
            getRuntimeContext().getState(new ValueStateDescriptor<>("expiryTimer", Types.LONG));
        }

        @Override
        public void processElement(MediaEvent event, Context ctx, Collector<MediaEvent> out) throws Exception {
            DefectTrack track = new DefectTrack();
            track.defectType = DefectType.BLACK_FRAMES;
            track.startMediaMs = 2000;
            track.raiseFromMediaMs = 2000;
            track.startWallMs = Features.EPOCH_MS + 2030;
            track.latestMediaMs = event.mediaTimeUs / 1000;
            track.latestWallMs = event.ingestTimeMs;
            track.open = true;
            track.severity = Severity.CRITICAL;
            tracks.put(DefectTrack.key(DefectType.BLACK_FRAMES, -1), track);
        }
    }

    private static byte[] bytes(ByteBuffer plane) {
        byte[] out = new byte[plane.remaining()];
        plane.duplicate().get(out);
        return out;
    }

    @Test
    void endedClosesOpenDefectsAtTheLastMediaTimeAndClearsState() throws Exception {
        frames(0, 5000, true);
        MediaEvent ended = MediaEvent.of(Features.ended(STREAM, 4_960_000));
        harness.processElement(ended, ended.ingestTimeMs);

        List<DefectEvent> defects = defects();
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(4960);
        assertNoStateOrTimers();
    }

    @Test
    void endedDropsCandidatesSilently() throws Exception {
        frames(0, 1500, true);
        MediaEvent ended = MediaEvent.of(Features.ended(STREAM, 1_460_000));
        harness.processElement(ended, ended.ingestTimeMs);

        assertThat(defects()).isEmpty();
        assertNoStateOrTimers();
    }

    @Test
    void timeAdvancesOnAudioRecordsForVideoDefects() throws Exception {
        frames(0, 1000, true); // black video, then the video records stop while audio goes on
        for (long t = 1000; t <= 3000; t += 100) {
            MediaEvent block = audio(t, false);
            harness.processElement(block, block.ingestTimeMs);
        }
        assertThat(defects()).singleElement().satisfies(d -> {
            assertThat(d.getState()).isEqualTo(DefectState.OPENED);
            assertThat(d.getDefectType()).isEqualTo(DefectType.BLACK_FRAMES);
        });
    }

    @Test
    void videoRecordsDoNotClearAnAudioDefect() throws Exception {
        for (long t = 0; t < 5000; t += 20) {
            MediaEvent e = t % 100 == 0 ? audio(t, true) : frame(t - t % 40, false);
            harness.processElement(e, e.ingestTimeMs);
        }
        assertThat(defects()).singleElement().satisfies(d -> {
            assertThat(d.getDefectType()).isEqualTo(DefectType.AUDIO_SILENCE);
            assertThat(d.getStartMediaTimeMs()).isEqualTo(0);
            assertThat(d.getUnit()).isEqualTo("dBFS");
            assertThat(d.getValue()).isEqualTo(-120.0);
        });
    }

    /** A block the drop detector heard while the pictures were missing since {@code firstMissingMs}. */
    private MediaEvent blockWhilePicturesMissing(long mediaMs, long firstMissingMs) {
        MediaEvent event = audio(mediaMs, false);
        event.markCondition(DefectType.FRAME_DROP, true);
        event.setMeasure(DefectType.FRAME_DROP, 0);
        event.setConditionStart(DefectType.FRAME_DROP, firstMissingMs * 1000);
        return event;
    }

    /** The frame after a hole of {@code lost} frames from {@code firstMissingMs}. */
    private MediaEvent frameAfterHole(long mediaMs, long firstMissingMs, int lost) {
        MediaEvent event = frame(mediaMs, false);
        event.markCondition(DefectType.FRAME_DROP, true);
        event.setMeasure(DefectType.FRAME_DROP, lost);
        event.setConditionStart(DefectType.FRAME_DROP, firstMissingMs * 1000);
        return event;
    }

    private void process(MediaEvent event) throws Exception {
        harness.processElement(event, event.ingestTimeMs);
    }

    @Test
    void aFrameDropShownByTheSoundOpensAtOnceAndTheFrameEndingTheLossContinuesIt() throws Exception {
        frames(0, 1000, false);
        for (long t = 1000; t < 2500; t += 100) process(audio(t, false));
        assertThat(defects()).isEmpty();
        process(blockWhilePicturesMissing(2500, 1000));
        assertThat(defects()).singleElement().satisfies(d -> {
            assertThat(d.getDefectType()).isEqualTo(DefectType.FRAME_DROP);
            assertThat(d.getState()).isEqualTo(DefectState.OPENED);
            assertThat(d.getStartMediaTimeMs()).isEqualTo(1000);
        });
        for (long t = 2600; t < 4000; t += 100) process(blockWhilePicturesMissing(t, 1000));
        process(frameAfterHole(4000, 1000, 74));
        frames(4040, 6000, false);

        List<DefectEvent> defects = defects();
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getEventId()).isEqualTo(defects.get(0).getEventId());
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(1000);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(4000);
        assertThat(defects.get(1).getValue()).isEqualTo(74.0);
        assertNoStateOrTimers();
    }

    @Test
    void blocksThatDoNotShowAFrameDropNeitherClearNorCloseIt() throws Exception {
        frames(0, 1000, false);
        process(blockWhilePicturesMissing(2500, 1000));
        for (long t = 2600; t < 6000; t += 100) process(audio(t, false));
        assertThat(defects()).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED);

        MediaEvent ended = MediaEvent.of(Features.ended(STREAM, 6_000_000));
        process(ended);
        assertThat(defects()).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects().get(1).getEndMediaTimeMs()).isEqualTo(6000);
        assertNoStateOrTimers();
    }

    @Test
    void aVideoConditionOfAnotherTypeOnAnAudioRecordIsIgnored() throws Exception {
        for (long t = 0; t < 5000; t += 100) {
            MediaEvent block = audio(t, false);
            block.markCondition(DefectType.BLACK_FRAMES, true);
            process(block);
        }
        assertThat(defects()).isEmpty();
        assertNoStateOrTimers();
    }

    @Test
    void streamThatVanishesIsClosedAndForgottenAfterTheRetention() throws Exception {
        harness.setProcessingTime(1_000);
        frames(0, 5000, true);
        assertThat(defects()).hasSize(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(1_000 + profile.stateRetention().toMillis() - 1);
        assertThat(defects()).hasSize(1);

        harness.setProcessingTime(1_000 + profile.stateRetention().toMillis());
        List<DefectEvent> defects = defects();
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(4960);
        assertNoStateOrTimers();
    }

    @Test
    void retentionTimerIsPushedBackWhileTheStreamIsActive() throws Exception {
        long retention = profile.stateRetention().toMillis();
        harness.setProcessingTime(0);
        frames(0, 5000, true);
        harness.setProcessingTime(retention / 2);
        frames(5000, 5040, true);
        harness.setProcessingTime(retention);
        assertThat(defects()).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        harness.setProcessingTime(retention / 2 + retention);
        assertThat(defects()).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertNoStateOrTimers();
    }

    @Test
    void disabledTypeIsNeverReported() throws Exception {
        harness.close();
        DetectionProfile noBlack = profile.withPolicy(
                DefectType.BLACK_FRAMES,
                new DetectionProfile.Policy(false, Duration.ofSeconds(3), Duration.ofSeconds(1), Severity.CRITICAL));
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new DefectLifecycle(noBlack), new DetectorTopology.StreamIdKey(), Types.STRING);
        harness.open();
        frames(0, 10000, true);
        assertThat(defects()).isEmpty();
        assertNoStateOrTimers();
    }
}
