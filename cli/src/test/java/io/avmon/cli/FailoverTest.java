package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover: the TaskManager running the job dies while a live stream is being monitored; the job restarts on a
 * new one from its last checkpoint. A read_committed consumer must still see every defect exactly once: nothing
 * lost, nothing doubled by the replay. {@link FailoverMomentsTest} kills it at chosen moments of a checkpoint and
 * of a defect's life.
 */
class FailoverTest {

    @TempDir
    Path dir;

    @Test
    void taskManagerLossLosesNoDefectAndDuplicatesNone() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(17)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.SILENCE)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("failover.ts"));

        try (FailoverRig rig = FailoverRig.start()) {
            // The stream plays live; the TaskManager dies during the black stretch, after checkpoints have passed.
            FailoverRig.Run run = rig.start(
                    "failover", clip, dir.resolve("checkpoints").toUri().toString(), 5, List.of());
            run.awaitCue();
            rig.killTaskManager();
            rig.replaceTaskManager();
            run.awaitRecovery();
            List<DefectEvent> events = run.finish();

            assertThat(run.restarted())
                    .as("the job went through a restart after the TaskManager died")
                    .isTrue();
            FailoverRig.assertExactlyOnceAgainstTruth(events, clip.truth(), run.name);
        }
    }
}
