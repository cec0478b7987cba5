package io.avmon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.InputState;
import io.avmon.schema.StreamStatus;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * A stream that stops without ENDED, as a crashed encoder does, must leave nothing behind once the state
 * retention has passed: its open defects close, and no operator of the chain carries its state into a checkpoint,
 * so the job's state does not grow with the streams that have come and gone (the soak benchmark's finding).
 */
class VanishedStreamStateTest {
    private static final Duration RETENTION = Duration.ofMinutes(1);
    private final Random random = new Random(12);

    @Test
    void aStreamGoneWithoutEndedLeavesNoStateInCheckpointsOnceTheRetentionHasPassed() throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile().withStateRetention(RETENTION))) {
            long lastMs = playThenVanishInBlack(chain);

            advance(chain, lastMs + RETENTION.toMillis() / 2);
            assertThat(chain.keyedStateEntriesInACheckpoint(1))
                    .as("within the retention the stream's state is kept: it may come back")
                    .isPositive();

            advance(chain, lastMs + RETENTION.toMillis() + 1_000);
            assertThat(chain.keyedStateEntriesInACheckpoint(2))
                    .as("state of the vanished stream in a checkpoint after the retention")
                    .isZero();
            assertThat(chain.timers()).as("timers left").isZero();
            assertThat(chain.defects())
                    .filteredOn(e -> e.getDefectType() == DefectType.BLACK_FRAMES)
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
        }
    }

    /** Five seconds of a live stream whose picture goes black at 1 s, then nothing; returns its last ingest time. */
    private long playThenVanishInBlack(DetectorChain chain) throws Exception {
        List<SpecificRecord> records = Program.of(
                "s",
                5_000,
                t -> t < 1_000 ? Features.moving(random) : Features.black(random),
                t -> Program.PROGRAMME_AUDIO);
        advance(chain, Features.EPOCH_MS - 100);
        chain.process(StreamStatus.newBuilder()
                .setStreamId("s")
                .setIngestTimeMs(Features.EPOCH_MS - 100)
                .setState(InputState.LIVE)
                .setLastMediaTimeUs(null)
                .setMessage(null)
                .build());
        long lastMs = 0;
        for (SpecificRecord record : records) {
            lastMs = Program.ingestTime(record);
            advance(chain, lastMs);
            chain.process(record);
        }
        return lastMs;
    }

    /** The job's one wall clock: the operators' timers, state expiry among them, run on it. */
    private static void advance(DetectorChain chain, long timeMs) throws Exception {
        chain.setProcessingTime(timeMs);
    }
}
