package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.defect.DefectKind;
import io.avmon.job.profile.ProfileYaml;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code avmon profile} and the {@code --profile} option of analyze. */
class ProfileCommandTest {

    @TempDir
    static Path dir;

    static Clip clip;

    @BeforeAll
    static void writeClip() throws Exception {
        clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(21)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.SILENCE)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("slate.ts"));
    }

    @Test
    void checkSaysWhichStreamsTheShippedSampleOverrides() {
        AnalyzeCommandTest.Result result =
                AnalyzeCommandTest.run("profile", "check", "../deploy/profiles/avmon-profile.yaml");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("reads; overrides for playout-1, slate-channel, us-east-1");
    }

    @Test
    void checkNamesTheProblemOnOneLine() throws Exception {
        Path bad = Files.writeString(
                dir.resolve("bad.yaml"), "streams:\n  news:\n    loudness-violation: { standard: R128 }\n");
        AnalyzeCommandTest.Result result = AnalyzeCommandTest.run("profile", "check", bad.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .isEqualTo("avmon: " + bad
                        + ": streams.news.loudness-violation.standard: must be one of EBU_R128, ATSC_A85, not \"R128\""
                        + System.lineSeparator());
    }

    @Test
    void checkRejectsAThresholdOutsideItsRange() throws Exception {
        Path bad = Files.writeString(
                dir.resolve("share.yaml"), "defaults:\n  black-frames: { min-black-pixel-share: 95 }\n");
        AnalyzeCommandTest.Result result = AnalyzeCommandTest.run("profile", "check", bad.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .isEqualTo("avmon: " + bad + ": "
                        + "defaults.black-frames.min-black-pixel-share: 95 is out of range (0 to 1)"
                        + System.lineSeparator());
    }

    @Test
    void defaultsPrintsEverySettingAndReadsBackAsTheBuiltInProfile() {
        AnalyzeCommandTest.Result result = AnalyzeCommandTest.run("profile", "defaults");
        assertThat(result.exitCode()).isZero();
        assertThat(ProfileYaml.parse(result.out()).defaults()).isEqualTo(DefectKind.defaultProfile());
    }

    @Test
    void publishRefusesAMalformedFileBeforeReachingForKafka() throws Exception {
        Path bad = Files.writeString(dir.resolve("typo.yaml"), "defaults:\n  frozen-frame: {}\n");
        // Nothing listens on port 1: a Kafka error here would mean the file was not checked first.
        AnalyzeCommandTest.Result result =
                AnalyzeCommandTest.run("profile", "publish", bad.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .startsWith("avmon: " + bad + ": defaults.frozen-frame: unknown defect type")
                .doesNotContain("Kafka");
    }

    @Test
    void analyzeJudgesEachFileByItsStreamsProfile() throws Exception {
        AnalyzeCommandTest.Result builtIn = AnalyzeCommandTest.run(
                "analyze", "--json", "--no-progress", clip.file().toString());
        assertThat(types(builtIn)).containsExactlyInAnyOrder("BLACK_FRAMES", "AUDIO_SILENCE");

        // The stream is named after the file: "slate". Its override turns black off; another stream's does nothing
        // here.
        Path profile = Files.writeString(dir.resolve("slate.yaml"), """
                streams:
                  slate: { black-frames: { enabled: false } }
                  news: { audio-silence: { enabled: false } }
                """);
        AnalyzeCommandTest.Result withProfile = AnalyzeCommandTest.run(
                "analyze",
                "--json",
                "--no-progress",
                "--profile",
                profile.toString(),
                clip.file().toString());
        assertThat(withProfile.exitCode()).as(withProfile.err()).isEqualTo(1);
        assertThat(types(withProfile)).containsExactly("AUDIO_SILENCE");
    }

    @Test
    void analyzeRefusesAMalformedProfileWithExitCode2() throws Exception {
        Path bad = Files.writeString(dir.resolve("dup.yaml"), "streams:\n  a: {}\n  a: {}\n");
        AnalyzeCommandTest.Result result = AnalyzeCommandTest.run(
                "analyze", "--profile", bad.toString(), clip.file().toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .startsWith("avmon: " + bad + ": not valid YAML at line 3")
                .hasLineCount(1);
        assertThat(result.out()).isEmpty();
    }

    private static List<Object> types(AnalyzeCommandTest.Result result) throws Exception {
        return AnalyzeJson.rows(result.out()).stream()
                .map((Map<String, Object> row) -> row.get("defectType"))
                .toList();
    }
}
