package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorChain;
import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.Program;
import io.avmon.job.core.DefectEvents;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.schema.VideoFrameFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class FrameDropDetectorTest {
    private final Random random = new Random(23);

    /** A frame at an arbitrary media time. */
    private VideoFrameFeatures frameAt(long sequence, long mediaUs) {
        VideoFrameFeatures f = Features.frame("s", sequence, Features.moving(random));
        f.setMediaTimeUs(mediaUs);
        f.setIngestTimeMs(Features.EPOCH_MS + mediaUs / 1000 + 30);
        return f;
    }

    /** 25 fps for {@code durationMs}, without the frames whose nominal media ms {@code lost} accepts, plus audio. */
    private List<SpecificRecord> programme(long durationMs, LongPredicate lost) {
        List<SpecificRecord> records = new ArrayList<>();
        for (long seq = 0, n = 0; seq * 40 < durationMs; seq++) {
            if (!lost.test(seq * 40)) records.add(frameAt(n++, seq * 40_000));
        }
        for (long seq = 0; seq * 100 < durationMs; seq++) records.add(Features.block("s", seq, -25f, -6f));
        records.sort(Comparator.comparingLong(Program::ingestTime));
        return records;
    }

    /**
     * As {@link #programme(long, LongPredicate)}, with each block arriving along with the frame {@code soundLeadMs}
     * earlier in media time (negative: later), as a muxer interleaves the tracks.
     */
    private List<SpecificRecord> programme(long durationMs, LongPredicate lost, long soundLeadMs) {
        List<SpecificRecord> records = new ArrayList<>(programme(durationMs, lost));
        for (SpecificRecord r : records) {
            if (r instanceof AudioBlockFeatures a) {
                a.setIngestTimeMs(Features.EPOCH_MS + a.getMediaTimeUs() / 1000 + 30 - soundLeadMs);
            }
        }
        records.sort(Comparator.comparingLong(Program::ingestTime));
        return records;
    }

    private static long mediaMs(SpecificRecord r) {
        return r instanceof VideoFrameFeatures v
                ? v.getMediaTimeUs() / 1000
                : ((AudioBlockFeatures) r).getMediaTimeUs() / 1000;
    }

    private List<DefectEvent> run(List<SpecificRecord> records, long lastMediaUs) throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            chain.processAll(records);
            chain.process(Features.ended("s", lastMediaUs));
            assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            assertThat(chain.timers()).as("timers after ENDED").isZero();
            return chain.defects();
        }
    }

    @Test
    void aSteadyCadenceDropsNothing() throws Exception {
        assertThat(run(programme(20_000, t -> false), 19_960_000)).isEmpty();
    }

    @Test
    void oneLostFrameIsOneDropFromWhereItWasDueToTheNextFrame() throws Exception {
        List<DefectEvent> defects = run(programme(12_000, t -> t == 5000), 11_960_000);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.FRAME_DROP);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        DefectEvent closed = defects.get(1);
        assertThat(closed.getStartMediaTimeMs()).isEqualTo(5000);
        assertThat(closed.getEndMediaTimeMs()).isEqualTo(5040);
        assertThat(closed.getValue()).isEqualTo(1.0);
        assertThat(closed.getUnit()).isEqualTo("frames");
        assertThat(closed.getSeverity()).isEqualTo(Severity.MAJOR);
        assertThat(closed.getDetector()).isEqualTo("FrameDropDetector");
    }

    @Test
    void dropOpensAtTheFrameAfterTheHoleAndClosesAfterTheHoldOff() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            for (SpecificRecord r : programme(12_000, t -> t >= 5000 && t < 5120)) {
                chain.process(r);
                if (r instanceof VideoFrameFeatures v) {
                    long ms = v.getMediaTimeUs() / 1000;
                    if (ms < 5120)
                        assertThat(chain.defects()).as("at %d ms", ms).isEmpty();
                    if (ms == 5120)
                        assertThat(chain.defects())
                                .extracting(DefectEvent::getState)
                                .containsExactly(DefectState.OPENED);
                    if (ms > 5120 && ms < 6120)
                        assertThat(chain.defects()).as("at %d ms", ms).hasSize(1);
                }
            }
            assertThat(chain.defects())
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(chain.defects().get(1).getValue()).isEqualTo(3.0);
            chain.process(Features.ended("s", 11_960_000));
            assertThat(chain.keyedStateEntries()).isZero();
            assertThat(chain.timers()).isZero();
        }
    }

    @Test
    void dropsLessThanASecondApartAreOneDefectCountingEveryLostFrame() throws Exception {
        List<DefectEvent> defects = run(programme(12_000, t -> t == 5000 || (t >= 5400 && t < 5520)), 11_960_000);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(5000);
        assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(5520);
        assertThat(defects.get(1).getValue()).isEqualTo(4.0);
    }

    @Test
    void dropsThreeSecondsApartAreTwoDefects() throws Exception {
        List<DefectEvent> defects = run(programme(14_000, t -> t == 4000 || t == 8000), 13_960_000);
        assertThat(defects)
                .filteredOn(d -> d.getState() == DefectState.CLOSED)
                .extracting(DefectEvent::getStartMediaTimeMs)
                .containsExactly(4000L, 8000L);
    }

    @Test
    void timestampJitterAndAPulldownCadenceAreNotDrops() throws Exception {
        List<SpecificRecord> jittered = new ArrayList<>();
        for (int n = 0; n < 500; n++) jittered.add(frameAt(n, n * 40_000L + random.nextInt(16_001) - 8_000));
        assertThat(run(jittered, 19_960_000)).isEmpty();
        // 2:3 pulldown seen as frame durations of 2 and 3 fields at 59.94 Hz: 33.4 and 50.1 ms alternating.
        List<SpecificRecord> pulldown = new ArrayList<>();
        long t = 0;
        for (int n = 0; n < 500; n++) {
            pulldown.add(frameAt(n, t));
            t += n % 2 == 0 ? 33_367 : 50_050;
        }
        assertThat(run(pulldown, t)).isEmpty();
    }

    @Test
    void theFirstFramesOfAStreamAreLearntNotJudged() throws Exception {
        assertThat(run(programme(6_000, t -> t == 120), 5_960_000)).isEmpty();
    }

    @Test
    void picturesMissingForOverASecondWhileTheSoundPlaysOnAreAllReportedLost() throws Exception {
        List<DefectEvent> defects = run(programme(12_000, t -> t >= 5000 && t < 6300), 11_960_000);
        assertThat(defects)
                .filteredOn(d -> d.getState() == DefectState.OPENED)
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.getDefectType()).isEqualTo(DefectType.FRAME_DROP);
                    assertThat(d.getStartMediaTimeMs()).isEqualTo(5000);
                    assertThat(d.getValue()).isEqualTo(33.0);
                });
    }

    @Test
    void aJumpOfBothTracksIsADiscontinuityNotDroppedFrames() throws Exception {
        List<SpecificRecord> records = new ArrayList<>();
        long jumpUs = 7_000_000;
        for (long seq = 0; seq * 40 < 10_000; seq++) {
            long t = seq * 40_000;
            records.add(frameAt(seq, t < 5_000_000 ? t : t + jumpUs));
        }
        for (long seq = 0; seq * 100 < 10_000; seq++) {
            AudioBlockFeatures block = Features.block("s", seq, -25f, -6f);
            if (block.getMediaTimeUs() >= 5_000_000) {
                block.setMediaTimeUs(block.getMediaTimeUs() + jumpUs);
                block.setIngestTimeMs(block.getIngestTimeMs() + jumpUs / 1000);
            }
            records.add(block);
        }
        records.sort(Comparator.comparingLong(Program::ingestTime));
        // The stall detector reports the jump as a stall of a file (both tracks' media time jumped): not this one's.
        assertThat(run(records, 16_960_000)).noneMatch(d -> d.getDefectType() == DefectType.FRAME_DROP);
    }

    @Test
    void aHoleInBothTracksAfterTheStreamStartedOverIsNoDroppedFrames() throws Exception {
        // A file looped: both tracks start again from 0 after 10 s, then both stop for 1.5 s at 5 s of the second pass.
        List<SpecificRecord> records =
                loopedTwice((pass, mediaMs) -> pass == 1 && mediaMs >= 5000 && mediaMs < 6500, 0);
        assertThat(run(records, 9_960_000)).noneMatch(d -> d.getDefectType() == DefectType.FRAME_DROP);
    }

    @Test
    void aHoleInBothTracksIsNoDroppedFrames() throws Exception {
        List<SpecificRecord> records = new ArrayList<>(programme(12_000, t -> t >= 5000 && t < 6500));
        records.removeIf(r ->
                r instanceof AudioBlockFeatures a && a.getMediaTimeUs() >= 5_000_000 && a.getMediaTimeUs() < 6_500_000);
        assertThat(run(records, 11_960_000)).noneMatch(d -> d.getDefectType() == DefectType.FRAME_DROP);
    }

    @Test
    void aSwitchToAHigherFrameRateIsNotADropAndASwitchToALowerOneSettles() throws Exception {
        List<SpecificRecord> records = new ArrayList<>();
        long t = 0;
        int n = 0;
        for (; t < 5_000_000; t += 40_000) records.add(frameAt(n++, t));
        for (; t < 10_000_000; t += 20_000) records.add(frameAt(n++, t));
        assertThat(run(records, t)).isEmpty();
        for (; t < 15_000_000; t += 40_000) records.add(frameAt(n++, t));
        List<DefectEvent> defects = run(records, t);
        assertThat(defects)
                .filteredOn(d -> d.getState() == DefectState.CLOSED)
                .hasSizeLessThanOrEqualTo(1)
                .allSatisfy(d -> assertThat(d.getEndMediaTimeMs()).isLessThan(10_500));
    }

    @Test
    void picturesLostForGoodWhileTheSoundPlaysOnAreRaisedWhileTheSoundStillArrives() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            for (SpecificRecord r : programme(12_000, t -> t >= 5000)) {
                chain.process(r);
                long ms = mediaMs(r);
                if (ms < 6500) {
                    // Up to maxGap plus the interleaving allowance (1.5 s) past the last picture, at 4960 ms.
                    assertThat(chain.defects()).as("at %d ms", ms).isEmpty();
                } else {
                    assertThat(chain.defects())
                            .as("at %d ms", ms)
                            .singleElement()
                            .satisfies(d -> {
                                assertThat(d.getDefectType()).isEqualTo(DefectType.FRAME_DROP);
                                assertThat(d.getState()).isEqualTo(DefectState.OPENED);
                                assertThat(d.getStartMediaTimeMs())
                                        .as("where the first lost frame was due")
                                        .isEqualTo(5000);
                                assertThat(d.getSeverity()).isEqualTo(Severity.MAJOR);
                            });
                }
            }
            chain.process(Features.ended("s", 12_000_000));
            List<DefectEvent> defects = chain.defects();
            assertThat(defects)
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(defects.get(1).getEventId())
                    .isEqualTo(defects.get(0).getEventId())
                    .isEqualTo(DefectEvents.eventId("s", DefectType.FRAME_DROP, -1, 5000));
            assertThat(defects.get(1).getEndMediaTimeMs())
                    .as("the stream's end")
                    .isEqualTo(12_000);
            assertThat(defects.get(1).getValue())
                    .as("no frame ended the loss, so none was counted")
                    .isEqualTo(0.0);
            assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            assertThat(chain.timers()).as("timers after ENDED").isZero();
        }
    }

    @Test
    void picturesLostForThreeSecondsUnderTheSoundAreOneDefectRaisedBeforeTheyReturn() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            for (SpecificRecord r : programme(12_000, t -> t >= 5000 && t < 8000)) {
                if (r instanceof VideoFrameFeatures && mediaMs(r) == 8000) {
                    assertThat(chain.defects())
                            .as("before the pictures return")
                            .extracting(DefectEvent::getState)
                            .containsExactly(DefectState.OPENED);
                }
                chain.process(r);
            }
            chain.process(Features.ended("s", 11_960_000));
            List<DefectEvent> defects = chain.defects();
            assertThat(defects)
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.FRAME_DROP);
            DefectEvent closed = defects.get(1);
            assertThat(closed.getEventId()).isEqualTo(defects.get(0).getEventId());
            assertThat(closed.getStartMediaTimeMs()).isEqualTo(5000);
            assertThat(closed.getEndMediaTimeMs())
                    .as("the frame that ended the loss")
                    .isEqualTo(8000);
            assertThat(closed.getValue()).as("every frame of 5000-7960 ms").isEqualTo(75.0);
        }
    }

    @Test
    void aBlockHeardWhileThePicturesAreMissingShowsTheDropDatedAtTheFirstLostFrameAndCountsNoFrames() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness = detectorAlone();
        for (int n = 0; n < 20; n++) harness.processElement(MediaEvent.of(frameAt(n, n * 40_000L)), 0);
        for (int seq = 0; seq <= 23; seq++)
            harness.processElement(MediaEvent.of(Features.block("s", seq, -25f, -6f)), 0);
        List<MediaEvent> blocks = harness.extractOutputValues().subList(20, 44);
        // The last frame is at 760 ms: blocks up to 2260 ms are within maxGap plus the interleaving allowance.
        assertThat(blocks.subList(0, 23)).noneMatch(b -> b.hasCondition(DefectType.FRAME_DROP));
        MediaEvent block = blocks.get(23);
        assertThat(block.mediaTimeUs).isEqualTo(2_300_000);
        assertThat(block.hasCondition(DefectType.FRAME_DROP)).isTrue();
        assertThat(block.conditionStartUs(DefectType.FRAME_DROP)).isEqualTo(800_000);
        assertThat(block.measure(DefectType.FRAME_DROP)).isZero();
        harness.close();
    }

    @Test
    void aHoleJustUnderMaxGapWithTheSoundHalfASecondAheadIsOneDropRaisedWhenThePicturesReturn() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            for (SpecificRecord r : programme(12_000, t -> t >= 5000 && t < 5960, 500)) {
                if (r instanceof VideoFrameFeatures && mediaMs(r) == 5960) {
                    assertThat(chain.defects()).as("before the pictures return").isEmpty();
                }
                chain.process(r);
            }
            chain.process(Features.ended("s", 11_960_000));
            List<DefectEvent> defects = chain.defects();
            assertThat(defects)
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(defects.get(1).getStartMediaTimeMs()).isEqualTo(5000);
            assertThat(defects.get(1).getEndMediaTimeMs()).isEqualTo(5960);
            assertThat(defects.get(1).getValue()).isEqualTo(24.0);
        }
    }

    @Test
    void theSoundHalfASecondAheadOfThePicturesRaisesNothing() throws Exception {
        assertThat(run(programme(20_000, t -> false, 500), 19_960_000)).isEmpty();
    }

    @Test
    void aStreamWhoseSoundStartsBeforeItsFirstPictureRaisesNothing() throws Exception {
        assertThat(run(programme(12_000, t -> t < 3000), 11_960_000)).isEmpty();
    }

    @Test
    void aLoopOfBothTracksWithTheSoundTrailingThePicturesRaisesNoDrop() throws Exception {
        // The sound arrives half a second behind the pictures, so the first pass's last blocks come in after the
        // second pass's first frames, which are enough to judge a cadence on.
        List<SpecificRecord> records = loopedTwice((pass, mediaMs) -> false, 530);
        assertThat(run(records, 9_960_000)).noneMatch(d -> d.getDefectType() == DefectType.FRAME_DROP);
    }

    @Test
    void aStallOfBothTracksWhoseSoundReturnsFirstRaisesNoDrop() throws Exception {
        List<SpecificRecord> records = new ArrayList<>(programme(15_000, t -> t >= 5000 && t < 9500));
        records.removeIf(r ->
                r instanceof AudioBlockFeatures a && a.getMediaTimeUs() >= 5_000_000 && a.getMediaTimeUs() < 9_000_000);
        List<DefectEvent> defects = run(records, 14_960_000);
        assertThat(defects).extracting(DefectEvent::getDefectType).contains(DefectType.STREAM_STALL);
        assertThat(defects).noneMatch(d -> d.getDefectType() == DefectType.FRAME_DROP);
    }

    @Test
    void endedClearsTheCadence() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness = detectorAlone();
        for (int n = 0; n < 20; n++) harness.processElement(MediaEvent.of(frameAt(n, n * 40_000L)), 0);
        MediaEvent afterHole = MediaEvent.of(frameAt(20, 22 * 40_000L));
        harness.processElement(afterHole, 0);
        MediaEvent judged = harness.extractOutputValues().get(20);
        assertThat(judged.hasCondition(DefectType.FRAME_DROP)).isTrue();
        assertThat(judged.measure(DefectType.FRAME_DROP)).isEqualTo(2f);
        assertThat(judged.conditionStartUs(DefectType.FRAME_DROP)).isEqualTo(20 * 40_000L);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processElement(MediaEvent.of(Features.ended("s", 880_000)), 0);
        assertThat(harness.numKeyedStateEntries()).isZero();
        harness.close();
    }

    /** The detector on its own, with its default thresholds, opened. */
    private static KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> detectorAlone()
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new FrameDropDetector(FrameDropDetector.Thresholds.DEFAULTS, Duration.ofMinutes(10)),
                        new DetectorTopology.StreamIdKey(),
                        Types.STRING);
        harness.open();
        return harness;
    }

    /** Which records of a looped file are missing: by pass and media time. */
    private interface Cut {
        boolean cuts(int pass, long mediaMs);
    }

    /**
     * A 10 s file played twice (media time starting again from 0), in ingest order: frames every 40 ms arriving 30 ms
     * after their time, audio blocks every 100 ms arriving {@code soundArrivalMs} after their time; records the cut
     * names are left out of both tracks.
     */
    private List<SpecificRecord> loopedTwice(Cut cut, long soundArrivalMs) {
        List<SpecificRecord> records = new ArrayList<>();
        long n = 0;
        for (int pass = 0; pass < 2; pass++) {
            long passStartMs = pass * 10_000L;
            for (long seq = 0; seq * 40 < 10_000; seq++) {
                long t = seq * 40;
                if (cut.cuts(pass, t)) continue;
                VideoFrameFeatures f = frameAt(n++, t * 1000);
                f.setIngestTimeMs(Features.EPOCH_MS + passStartMs + t + 30);
                records.add(f);
            }
            for (long seq = 0; seq * 100 < 10_000; seq++) {
                AudioBlockFeatures block = Features.block("s", seq, -25f, -6f);
                if (cut.cuts(pass, block.getMediaTimeUs() / 1000)) continue;
                block.setIngestTimeMs(Features.EPOCH_MS + passStartMs + seq * 100 + soundArrivalMs);
                records.add(block);
            }
        }
        records.sort(Comparator.comparingLong(Program::ingestTime));
        return records;
    }
}
