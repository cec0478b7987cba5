package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TaskManager dies at four moments of a live run, and each time the job comes back on a new one from its last
 * checkpoint. Each run's read_committed defect events must equal the injected truth: every OPENED and CLOSED
 * exactly once, none missing. The moments are chosen by what the job is doing, not by the clock: the converter
 * cues the test at a frame of the clip, checkpoints are held open by {@link HeldCheckpointFileSystem}, and the
 * defect topic is watched read_uncommitted.
 *
 * <p>The clip: black from 2 s to 7 s (raised after 3 s), frozen from 9 s to 13 s (raised after 2 s).
 * Stall detection is off ({@link FailoverRig} says why).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverMomentsTest {

    private static final double BLACK_START_SECONDS = 2;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private FailoverRig rig;
    private Clip clip;

    @BeforeAll
    void startTheRig() throws Exception {
        clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(320, 180)
                        .seed(23)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("moments.ts"));
        rig = FailoverRig.start();
    }

    @AfterEach
    void releaseHeldCheckpoints() {
        HeldCheckpointFileSystem.release();
    }

    @AfterAll
    void stopTheRig() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void killDuringACheckpointLosesNoDefectAndDuplicatesNone() throws Exception {
        FailoverRig.Run run = start("during-checkpoint", 6, List.of());
        run.awaitCue();
        HeldCheckpointFileSystem.hold();
        assertThat(HeldCheckpointFileSystem.awaitHeldWrite(WAIT))
                .as("a checkpoint is writing its state")
                .isTrue();
        rig.killTaskManager();
        HeldCheckpointFileSystem.release();

        recoverAndCheck(run);
    }

    @Test
    void killBetweenCheckpointsLosesNoDefectAndDuplicatesNone() throws Exception {
        // The job pauses at least half its interval after each checkpoint: a second here, ample for the kill.
        FailoverRig.Run run = start("between-checkpoints", 6, List.of("--checkpoint-interval-ms", "2000"));
        run.awaitCue();
        run.awaitCompletedCheckpoints(run.checkpoints().getNumberOfCompletedCheckpoints() + 1);
        CheckpointStatsCounts before = run.checkpoints();
        rig.killTaskManager();

        assertThat(before.getNumberOfInProgressCheckpoints())
                .as("no checkpoint under way at the kill")
                .isZero();
        assertThat(run.checkpoints().getNumberOfCompletedCheckpoints())
                .as("no checkpoint completed between the last one and the kill")
                .isEqualTo(before.getNumberOfCompletedCheckpoints());
        recoverAndCheck(run);
    }

    @Test
    void killWhileABlackStretchIsShorterThanItsRaiseDelayLosesNoDefect() throws Exception {
        // One second into five of black: the detector sees black, the lifecycle waits for 3 s before raising it.
        FailoverRig.Run run = start("before-minimum-duration", BLACK_START_SECONDS + 1, List.of());
        run.awaitCue();
        rig.killTaskManager();

        assertThat(CommittedDefects.readWrittenToEnd(rig.kafka.bootstrapServers(), run.defectsTopic))
                .as("nothing raised, not even uncommitted, when the TaskManager died")
                .isEmpty();
        recoverAndCheck(run);
    }

    /**
     * Checkpoints are held from the start of the black stretch, so the transaction that holds its OPENED cannot
     * commit: the kill lands after the OPENED was written and before its commit, however fast the test is.
     */
    @Test
    void killAfterAnOpenedIsWrittenAndBeforeItsTransactionCommitsRaisesItOnce() throws Exception {
        FailoverRig.Run run = start("opened-uncommitted", BLACK_START_SECONDS + 0.5, List.of());
        run.awaitCue();
        HeldCheckpointFileSystem.hold();
        Predicate<DefectEvent> blackOpened =
                e -> e.getDefectType() == DefectType.BLACK_FRAMES && e.getState() == DefectState.OPENED;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (CommittedDefects.readWrittenToEnd(rig.kafka.bootstrapServers(), run.defectsTopic).stream()
                .noneMatch(blackOpened)) {
            assertThat(System.nanoTime()).as("the job writes the black OPENED").isLessThan(deadline);
            Thread.sleep(50);
        }
        rig.killTaskManager();
        HeldCheckpointFileSystem.release();

        assertThat(CommittedDefects.readToEnd(rig.kafka.bootstrapServers(), run.defectsTopic))
                .as("the OPENED was not committed when the TaskManager died")
                .noneMatch(blackOpened);
        recoverAndCheck(run);
    }

    private FailoverRig.Run start(String name, double cueSeconds, List<String> extraArgs) throws Exception {
        return rig.start(
                name, clip, HeldCheckpointFileSystem.uriOf(dir.resolve("checkpoints-" + name)), cueSeconds, extraArgs);
    }

    private void recoverAndCheck(FailoverRig.Run run) throws Exception {
        rig.replaceTaskManager();
        run.awaitRecovery();
        List<DefectEvent> events = run.finish();

        assertThat(run.restarted())
                .as("the job restarted after the TaskManager died")
                .isTrue();
        FailoverRig.assertExactlyOnceAgainstTruth(events, clip.truth(), run.name);
    }
}
