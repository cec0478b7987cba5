package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code avmon analyze} on generated clips: defects found at their true times, hard negatives left alone. */
class AnalyzeCommandTest {

    @TempDir
    static Path dir;

    static Clip defects;
    static Clip negatives;

    @BeforeAll
    static void writeClips() throws Exception {
        defects = ClipWriter.write(
                ClipSpec.builder()
                        .seed(11)
                        .segment(5, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.SILENCE)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("defects.ts"));
        negatives = ClipWriter.write(
                ClipSpec.builder()
                        .seed(12)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.DIP_TO_BLACK, AudioContent.PROGRAMME)
                        .segment(6, VideoKind.DARK_SCENE, AudioContent.QUIET)
                        .segment(6, VideoKind.LETTERBOX, AudioContent.PROGRAMME)
                        .segment(6, VideoKind.STATIC_NOISE, AudioContent.PROGRAMME)
                        .segment(6, VideoKind.SCENE_CUTS, AudioContent.QUIET)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("negatives.ts"));
    }

    @Test
    void findsInjectedDefectsWithinHalfASecondAndNothingInHardNegatives() throws Exception {
        Result result = run(
                "analyze",
                "--json",
                "--no-progress",
                defects.file().toString(),
                negatives.file().toString());

        assertThat(result.exitCode).as(result.err).isEqualTo(1);
        List<Map<String, Object>> rows = AnalyzeJson.rows(result.out);
        assertThat(rows)
                .allSatisfy(row -> assertThat(row)
                        .containsKeys(
                                "streamId",
                                "defectType",
                                "startMediaTimeMs",
                                "endMediaTimeMs",
                                "value",
                                "unit",
                                "channel"));
        assertThat(rows)
                .as("nothing reported in the hard-negative clip")
                .allSatisfy(row -> assertThat(row.get("streamId")).isEqualTo("defects"));

        List<DefectEvent> reported = rows.stream().map(AnalyzeJson::toEvent).toList();
        TruthMatch match = TruthMatch.of(defects.truth(), reported, 0.5);
        assertThat(match.missed()).isEmpty();
        assertThat(match.falseAlarms()).isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(defects.truth())
                .extracting(t -> t.defectType())
                .containsExactlyInAnyOrder(DefectType.BLACK_FRAMES, DefectType.FROZEN_FRAMES, DefectType.AUDIO_SILENCE);
    }

    @Test
    void findsADeadChannelAndClippingWithTheirChannel() throws Exception {
        Clip audio = ClipWriter.write(
                ClipSpec.builder()
                        .seed(9)
                        .segment(5, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.MOTION, AudioContent.DEAD_CHANNEL)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.CLIPPED)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("audio.ts"));

        Result result = run("analyze", "--json", "--no-progress", audio.file().toString());

        assertThat(result.exitCode).as(result.err).isEqualTo(1);
        List<Map<String, Object>> rows = AnalyzeJson.rows(result.out);
        TruthMatch match = TruthMatch.of(
                audio.truth(), rows.stream().map(AnalyzeJson::toEvent).toList(), 0.5);
        assertThat(match.missed()).isEmpty();
        assertThat(match.falseAlarms()).isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(rows)
                .filteredOn(r -> "AUDIO_CHANNEL_LOSS".equals(r.get("defectType")))
                .singleElement()
                .satisfies(r -> assertThat(r.get("channel"))
                        .isEqualTo(audio.truth().get(0).channel()));
    }

    @Test
    void printsATableByDefault() {
        Result result = run("analyze", "--no-progress", defects.file().toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.out)
                .contains("STREAM", "DEFECT", "START", "BLACK_FRAMES", "FROZEN_FRAMES", "AUDIO_SILENCE")
                .contains("3 defect(s) in 1 file(s)");
    }

    @Test
    void missingFileIsOneLineAndExitTwo() {
        Result result = run("analyze", dir.resolve("nope.ts").toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err.strip()).isEqualTo("avmon: " + dir.resolve("nope.ts") + ": no such file");
    }

    @Test
    void textFileIsRejectedAsNotMedia() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "this is not a video\n".repeat(50));

        Result result = run("analyze", text.toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err.strip())
                .startsWith("avmon: " + text)
                .doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void truncatedFileIsAnalysedAsFarAsItGoes() throws Exception {
        byte[] whole = Files.readAllBytes(defects.file());
        Path truncated = Files.write(dir.resolve("truncated.ts"), Arrays.copyOf(whole, whole.length / 2));

        Result result = run("analyze", "--json", "--no-progress", truncated.toString());

        assertThat(result.exitCode).as(result.err).isIn(0, 1);
        assertThat(result.out).contains("BLACK_FRAMES");
    }

    @Test
    void featuresCommandWritesOneJsonRecordPerLine() throws Exception {
        Result result = run("features", "--limit", "60", negatives.file().toString());

        assertThat(result.exitCode).as(result.err).isZero();
        String[] lines = result.out.strip().split("\n");
        assertThat(lines).hasSize(60);
        Map<?, ?> first = new ObjectMapper().readValue(lines[0], Map.class);
        assertThat(first.get("streamId")).isEqualTo("negatives");
        assertThat(result.out).contains("\"blackPixelShare\"").contains("\"kWeightedMeanSquare\"");
    }

    @Test
    void featuresCommandNamesAStreamAfterAnAwkwardFileNameWithinTheStreamIdRule() throws Exception {
        Path awkward = Files.copy(negatives.file(), dir.resolve("my clip (1).ts"));

        Result result = run("features", "--limit", "1", awkward.toString());

        assertThat(result.exitCode).as(result.err).isZero();
        assertThat(new ObjectMapper().readValue(result.out.strip(), Map.class).get("streamId"))
                .isEqualTo("my_clip__1_");
    }

    @Test
    void featuresCommandRefusesABadStreamIdInOneLine() {
        Result result = run(
                "features", "--stream-id", "x".repeat(10_240), negatives.file().toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err.strip())
                .isEqualTo("avmon: --stream-id: stream id is 10240 characters long, more than 128");
    }

    @Test
    void featuresCommandWritesAnAvroContainerFile() throws Exception {
        Path out = dir.resolve("features.avro");

        Result result = run(
                "features",
                "--out",
                out.toString(),
                "--limit",
                "100",
                negatives.file().toString());

        assertThat(result.exitCode).as(result.err).isZero();
        try (var reader = new DataFileReader<Object>(out.toFile(), new GenericDatumReader<>())) {
            int count = 0;
            while (reader.hasNext()) {
                reader.next();
                count++;
            }
            assertThat(count).isEqualTo(100);
        }
    }

    record Result(int exitCode, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AvmonCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
