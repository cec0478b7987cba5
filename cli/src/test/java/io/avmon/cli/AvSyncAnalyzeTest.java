package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A/V sync offset on generated flash-and-beep patterns (AAC audio in MPEG-TS, as the other clips), through the
 * converter and the whole detection graph. {@code avmon analyze} holds the stream to BT.1359's acceptability
 * (+185 / -90 ms) by default; to read offsets inside it (the issue's +160 and -80 ms) it runs with a profile holding
 * the stream to EBU R37's tolerances (+40 / -60 ms), so the measured value comes out as the defect's value.
 */
class AvSyncAnalyzeTest {

    @TempDir
    static Path dir;

    private static Path r37;

    @BeforeAll
    static void writeR37Profile() throws Exception {
        r37 = syncTolerance(dir, 40, 60);
    }

    @Test
    void readsAudio160MsLateAsPlus160() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(51)
                        .segment(16, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(160))
                        .build(),
                dir.resolve("late160.ts"));

        DefectEvent sync = singleSyncDefect(analyze(clip, r37));
        assertThat(sync.getValue()).isCloseTo(160.0, Offset.offset(40.0));
        assertThat(AnalyzeJson.analyze(clip.file().toString()))
                .as("inside BT.1359 acceptability: no alarm by default")
                .isEmpty();
    }

    @Test
    void readsAudio80MsEarlyAsMinus80() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(52)
                        .segment(16, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(-80))
                        .build(),
                dir.resolve("early80.ts"));

        DefectEvent sync = singleSyncDefect(analyze(clip, r37));
        assertThat(sync.getValue()).isCloseTo(-80.0, Offset.offset(40.0));
        assertThat(AnalyzeJson.analyze(clip.file().toString()))
                .as("inside BT.1359 acceptability: no alarm by default")
                .isEmpty();
    }

    @Test
    void inSyncPatternRaisesNothingEvenAtR37() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(53)
                        .segment(16, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0))
                        .build(),
                dir.resolve("insync.ts"));

        assertThat(clip.truth()).isEmpty();
        assertThat(analyze(clip, r37)).isEmpty();
    }

    @Test
    void analyzeFindsAudio250MsLateInItsSegmentAndNothingOnProgrammeCutsOrTheInSyncPattern() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(54)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(14, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(250))
                        .segment(6, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                        .segment(12, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0))
                        .build(),
                dir.resolve("late250.ts"));

        List<DefectEvent> reported = AnalyzeJson.analyze(clip.file().toString());

        assertThat(clip.truth()).extracting(t -> t.defectType()).containsExactly(DefectType.AV_SYNC_OFFSET);
        // Loose timing: an estimate needs five flash-beep pairs (about 5 s), and lapses only once fewer than five of
        // the last 8 s remain.
        TruthMatch match = TruthMatch.of(clip.truth(), reported, 6.0);
        assertThat(match.missed()).isEmpty();
        assertThat(match.falseAlarms())
                .as("nothing on the cuts over programme, nothing on the in-sync pattern")
                .isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(singleSyncDefect(reported).getValue()).isCloseTo(250.0, Offset.offset(40.0));
    }

    @Test
    void analyzeReadsARestampedAudioTrackOverProgrammeFromTheTimestamps() throws Exception {
        // No flashes, no beeps: only the timestamps can tell. The audio PTS move 300 ms late for 12 s, packets in
        // place.
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(55)
                        .segment(30, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .shiftAudio(10, 12, 300)
                        .build(),
                dir.resolve("restamped-late.ts"));

        DefectEvent sync = singleSyncDefect(AnalyzeJson.analyze(clip.file().toString()));
        assertThat(sync.getValue()).isCloseTo(300.0, Offset.offset(40.0));
        // Dated from the first block of the sample the moved timestamps joined: the muxer's burst holding the move,
        // which may start up to a burst (0.2-0.4 s) before it.
        assertThat(sync.getStartMediaTimeMs()).as("onset").isBetween(9_600L, 10_500L);
        assertThat(sync.getEndMediaTimeMs()).as("end").isBetween(22_000L, 22_700L);
    }

    @Test
    void analyzeReadsAudioRestampedEarlyAsANegativeOffset() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(56)
                        .segment(24, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .shiftAudio(8, 10, -150)
                        .build(),
                dir.resolve("restamped-early.ts"));

        DefectEvent sync = singleSyncDefect(AnalyzeJson.analyze(clip.file().toString()));
        assertThat(sync.getValue()).isCloseTo(-150.0, Offset.offset(40.0));
        assertThat(sync.getStartMediaTimeMs()).as("onset").isBetween(7_600L, 8_500L);
    }

    /** {@code avmon analyze --json --profile profile}: the CLOSED events, one per defect. */
    static List<DefectEvent> analyze(Clip clip, Path profile) throws Exception {
        return AnalyzeJson.analyzeWithProfile(profile, clip.file().toString());
    }

    /** A profile, written into {@code dir}, holding the stream to {@code lateMs} audio late and {@code earlyMs} early. */
    static Path syncTolerance(Path dir, double lateMs, double earlyMs) throws IOException {
        return Files.writeString(
                dir.resolve(String.format(Locale.ROOT, "late%.0f-early%.0f.yaml", lateMs, earlyMs)),
                String.format(
                        Locale.ROOT,
                        "defaults:%n  av-sync-offset: { max-audio-late: %.0fms, max-audio-early: %.0fms }%n",
                        lateMs,
                        earlyMs));
    }

    /** {@code avmon analyze} raises no A/V sync offset on {@code clip} under any of {@code profiles} (null: defaults). */
    static void assertNoSyncOffset(Clip clip, Path... profiles) throws Exception {
        assertThat(clip.truth()).extracting(t -> t.defectType()).doesNotContain(DefectType.AV_SYNC_OFFSET);
        for (Path profile : profiles) {
            List<DefectEvent> reported =
                    AnalyzeJson.analyzeWithProfile(profile, clip.file().toString());
            assertThat(reported)
                    .as("profile %s: %s", profile, reported)
                    .extracting(DefectEvent::getDefectType)
                    .doesNotContain(DefectType.AV_SYNC_OFFSET);
        }
    }

    static DefectEvent singleSyncDefect(List<DefectEvent> reported) {
        assertThat(reported).as("%s", reported).singleElement().satisfies(d -> {
            assertThat(d.getDefectType()).isEqualTo(DefectType.AV_SYNC_OFFSET);
            assertThat(d.getUnit()).isEqualTo("ms");
            assertThat(d.getSeverity()).isEqualTo(Severity.MAJOR);
            assertThat(d.getDetector()).isEqualTo("AvSyncDetector");
        });
        return reported.get(0);
    }
}
