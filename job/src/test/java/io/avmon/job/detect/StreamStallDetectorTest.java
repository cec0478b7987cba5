package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorChain;
import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.Program;
import io.avmon.job.core.DefectEvents;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.InputState;
import io.avmon.schema.Severity;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class StreamStallDetectorTest {
    private final Random random = new Random(31);

    /** A programme of {@code durationMs} without the video and the audio records whose media ms the predicates accept. */
    private List<SpecificRecord> programme(long durationMs, LongPredicate videoLost, LongPredicate audioLost) {
        return Program.of("s", durationMs, t -> Features.moving(random), t -> Program.PROGRAMME_AUDIO).stream()
                .filter(r -> !(r instanceof VideoFrameFeatures v && videoLost.test(v.getMediaTimeUs() / 1000)))
                .filter(r -> !(r instanceof AudioBlockFeatures a && audioLost.test(a.getMediaTimeUs() / 1000)))
                .toList();
    }

    private static StreamStatus status(InputState state, long ingestMs) {
        return StreamStatus.newBuilder()
                .setStreamId("s")
                .setIngestTimeMs(ingestMs)
                .setState(state)
                .setLastMediaTimeUs(null)
                .setMessage(null)
                .build();
    }

    private static long ingest(SpecificRecord r) {
        return Program.ingestTime(r);
    }

    private static long mediaMs(SpecificRecord r) {
        return r instanceof VideoFrameFeatures v
                ? v.getMediaTimeUs() / 1000
                : ((AudioBlockFeatures) r).getMediaTimeUs() / 1000;
    }

    private static List<DefectEvent> stalls(DetectorChain chain) {
        return chain.defects().stream()
                .filter(d -> d.getDefectType() == DefectType.STREAM_STALL)
                .toList();
    }

    /** A file: records as fast as they decode, no LIVE status, so no watchdog: only the state's expiry timer. */
    private List<DefectEvent> replay(List<SpecificRecord> records, long lastMediaUs) throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            chain.processAll(records);
            assertThat(chain.stall.numProcessingTimeTimers())
                    .as("no watchdog on a file, only the expiry timer")
                    .isEqualTo(1);
            chain.process(Features.ended("s", lastMediaUs));
            assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            assertThat(chain.timers()).as("timers after ENDED").isZero();
            return chain.defects();
        }
    }

    @Test
    void aHoleOfThreeSecondsInBothTracksIsOneStallFromTheLastRecordToTheNext() throws Exception {
        LongPredicate hole = t -> t >= 6000 && t < 9000;
        List<DefectEvent> defects = replay(programme(15_000, hole, hole), 14_960_000);
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.STREAM_STALL);
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        DefectEvent closed = defects.get(1);
        assertThat(closed.getEventId())
                .isEqualTo(defects.get(0).getEventId())
                .isEqualTo(DefectEvents.eventId("s", DefectType.STREAM_STALL, -1, 6000));
        assertThat(closed.getStartMediaTimeMs())
                .as("end of the last frame and block")
                .isEqualTo(6000);
        assertThat(closed.getEndMediaTimeMs()).isEqualTo(9000);
        assertThat(closed.getValue()).isEqualTo(3.0);
        assertThat(closed.getUnit()).isEqualTo("s");
        assertThat(closed.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(closed.getDetector()).isEqualTo("StreamStallDetector");
    }

    @Test
    void aHoleShorterThanTheMinimumIsNoStall() throws Exception {
        LongPredicate hole = t -> t >= 6000 && t < 7800;
        assertThat(replay(programme(15_000, hole, hole), 14_960_000))
                .noneMatch(d -> d.getDefectType() == DefectType.STREAM_STALL);
    }

    @Test
    void videoLostWhileTheSoundGoesOnIsNoStall() throws Exception {
        assertThat(replay(programme(15_000, t -> t >= 6000 && t < 10_000, t -> false), 14_960_000))
                .noneMatch(d -> d.getDefectType() == DefectType.STREAM_STALL);
    }

    @Test
    void oneDroppedFrameIsADropNotAStall() throws Exception {
        assertThat(replay(programme(15_000, t -> t == 6000, t -> false), 14_960_000))
                .extracting(DefectEvent::getDefectType)
                .containsOnly(DefectType.FRAME_DROP);
    }

    /** Feeds a live stream: processing time follows the records' ingest time. */
    private static void live(DetectorChain chain, List<SpecificRecord> records) throws Exception {
        for (SpecificRecord r : records) {
            chain.setProcessingTime(ingest(r));
            chain.process(r);
        }
    }

    @Test
    void aLiveStreamThatStopsSendingOpensAStallAfterTheMinimumWithNoFurtherRecordAndClosesWhenRecordsReturn()
            throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            chain.setProcessingTime(Features.EPOCH_MS - 100);
            chain.process(status(InputState.LIVE, Features.EPOCH_MS - 100));
            List<SpecificRecord> records = programme(12_000, t -> t >= 5000 && t < 9000, t -> t >= 5000 && t < 9000);
            List<SpecificRecord> before =
                    records.stream().filter(r -> mediaMs(r) < 5000).toList();
            live(chain, before);
            long lastProcessing = before.stream()
                    .mapToLong(StreamStallDetectorTest::ingest)
                    .max()
                    .orElseThrow();
            assertThat(chain.stall.numProcessingTimeTimers())
                    .as("one watchdog and one expiry timer per stream, not one per record")
                    .isEqualTo(2);

            chain.setProcessingTime(lastProcessing + 1999);
            assertThat(stalls(chain)).as("not before the minimum duration").isEmpty();
            chain.setProcessingTime(lastProcessing + 2000);
            assertThat(stalls(chain))
                    .as("fires with no further record")
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.getState()).isEqualTo(DefectState.OPENED);
                        assertThat(d.getStartMediaTimeMs()).isEqualTo(5000);
                        assertThat(d.getEndMediaTimeMs()).isNull();
                    });
            chain.setProcessingTime(lastProcessing + 3500);
            assertThat(stalls(chain)).as("opened once").hasSize(1);

            live(chain, records.stream().filter(r -> mediaMs(r) >= 5000).toList());
            assertThat(stalls(chain))
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            DefectEvent closed = stalls(chain).get(1);
            assertThat(closed.getEventId()).isEqualTo(stalls(chain).get(0).getEventId());
            assertThat(closed.getEndMediaTimeMs()).isEqualTo(9000);

            chain.process(Features.ended("s", 11_960_000));
            assertThat(stalls(chain))
                    .as("the media-time hole was the same stall, not a second one")
                    .hasSize(2);
            assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            assertThat(chain.timers()).as("timers after ENDED").isZero();
        }
    }

    @Test
    void aJobRestoredAfterAnOutageCountsAStreamsSilenceFromItsRestartNotFromBeforeTheOutage() throws Exception {
        DetectionProfile profile = DefectKind.defaultProfile();
        List<SpecificRecord> records = programme(12_000, t -> false, t -> false);
        List<SpecificRecord> before =
                records.stream().filter(r -> mediaMs(r) < 5000).toList();
        long lastProcessing =
                before.stream().mapToLong(StreamStallDetectorTest::ingest).max().orElseThrow();
        OperatorSubtaskState snapshot;
        try (var harness = stallHarness(profile, null)) {
            harness.setProcessingTime(Features.EPOCH_MS - 100);
            harness.processElement(MediaEvent.of(status(InputState.LIVE, Features.EPOCH_MS - 100)), 0);
            for (SpecificRecord r : before) {
                harness.setProcessingTime(ingest(r));
                harness.processElement(MediaEvent.of(r), ingest(r));
            }
            snapshot = harness.snapshot(1, lastProcessing);
        }
        long restartMs = lastProcessing + 60_000;

        // The job was down for a minute while the stream went on into Kafka: the restored watchdog is overdue.
        try (var restored = stallHarness(profile, snapshot)) {
            restored.setProcessingTime(restartMs);
            assertThat(stallsOf(restored))
                    .as("the job's outage is no stall of the stream")
                    .isEmpty();
            for (SpecificRecord r :
                    records.stream().filter(r -> mediaMs(r) >= 5000).toList()) {
                restored.setProcessingTime(restartMs + 100);
                restored.processElement(MediaEvent.of(r), ingest(r));
            }
            assertThat(stallsOf(restored))
                    .as("nor is the backlog read after it")
                    .isEmpty();
        }

        // The same restore with nothing arriving: the stream is stalled once the minimum has passed since the restart.
        try (var restored = stallHarness(profile, snapshot)) {
            long minDurationMs =
                    profile.policy(DefectType.STREAM_STALL).minDuration().toMillis();
            restored.setProcessingTime(restartMs);
            restored.setProcessingTime(restartMs + minDurationMs - 1);
            assertThat(stallsOf(restored)).isEmpty();
            restored.setProcessingTime(restartMs + minDurationMs);
            assertThat(stallsOf(restored))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getState()).isEqualTo(DefectState.OPENED));
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stallHarness(
            DetectionProfile profile, OperatorSubtaskState restoreFrom) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(DefectKind.STREAM_STALL.operator(profile)),
                        new DetectorTopology.StreamIdKey(),
                        Types.STRING);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static List<DefectEvent> stallsOf(
            KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> h) {
        var queue = h.getSideOutput(DefectEvents.DEFECTS);
        return queue == null
                ? List.of()
                : queue.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void reconnectingHeartbeatsAreStallEvidenceAndCarryTheOpenStallAndEndedClosesIt() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            List<SpecificRecord> records = programme(4_000, t -> false, t -> false);
            live(chain, records);
            long last = records.stream()
                    .mapToLong(StreamStallDetectorTest::ingest)
                    .max()
                    .orElseThrow();
            assertThat(stalls(chain))
                    .as("no LIVE status yet: a replay, no watchdog")
                    .isEmpty();
            for (long at = last + 1000; at <= last + 3000; at += 1000) {
                chain.setProcessingTime(at);
                chain.process(status(InputState.RECONNECTING, at));
            }
            assertThat(stalls(chain)).singleElement().satisfies(d -> {
                assertThat(d.getState()).isEqualTo(DefectState.OPENED);
                assertThat(d.getStartMediaTimeMs()).isEqualTo(4000);
            });
            MediaEvent heartbeat = chain.forwarded().get(chain.forwarded().size() - 1);
            assertThat(heartbeat.openDefectTypes & MediaEvent.bit(DefectType.STREAM_STALL))
                    .isNotZero();

            chain.process(Features.ended("s", 3_960_000));
            assertThat(stalls(chain))
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(stalls(chain).get(1).getEndMediaTimeMs()).isEqualTo(4000);
            assertThat(chain.keyedStateEntries()).isZero();
            assertThat(chain.timers()).isZero();
        }
    }

    @Test
    void aLiveStreamThatSendsSteadilyNeverStalls() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            chain.setProcessingTime(Features.EPOCH_MS - 100);
            chain.process(status(InputState.LIVE, Features.EPOCH_MS - 100));
            live(chain, programme(20_000, t -> false, t -> false));
            assertThat(chain.defects()).isEmpty();
            chain.process(Features.ended("s", 19_960_000));
            assertThat(chain.timers()).isZero();
        }
    }

    @Test
    void aLiveStreamGoneForTheStateRetentionIsClosedAndForgotten() throws Exception {
        try (DetectorChain chain =
                new DetectorChain(DefectKind.defaultProfile().withStateRetention(Duration.ofMinutes(1)))) {
            chain.setProcessingTime(Features.EPOCH_MS - 100);
            chain.process(status(InputState.LIVE, Features.EPOCH_MS - 100));
            List<SpecificRecord> records = programme(3_000, t -> false, t -> false);
            live(chain, records);
            long last = records.stream()
                    .mapToLong(StreamStallDetectorTest::ingest)
                    .max()
                    .orElseThrow();
            chain.setProcessingTime(last + 2000);
            chain.setProcessingTime(last + 60_000);
            assertThat(stalls(chain))
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(chain.stall.numKeyedStateEntries()).isZero();
            assertThat(chain.stall.numProcessingTimeTimers()).isZero();
        }
    }
}
