package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.FfmpegProgram;
import io.avmon.testmedia.VideoKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

        assertAnalysed("a file truncated at half its length", result);
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

    // Bad media: each file gets a one-line error (exit 2) or is analysed (exit 0 or 1), never a hang or a stack trace.

    @Test
    void zeroByteFileIsOneLineAndExitTwo() throws Exception {
        Path empty = Files.write(dir.resolve("empty.ts"), new byte[0]);

        Result result = run("analyze", "--no-progress", empty.toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertOneLineError("a zero-byte file", result, empty);
    }

    @Test
    void randomBytesAreOneLineAndExitTwo() throws Exception {
        byte[] noise = new byte[512 * 1024];
        new SplittableRandom(12).nextBytes(noise);
        Path random = Files.write(dir.resolve("random.mp4"), noise);

        Result result = run("analyze", "--no-progress", random.toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertOneLineError("512 kB of random bytes", result, random);
    }

    @Test
    void featuresCommandGivesTheSameOneLineForBadMedia() throws Exception {
        Path empty = Files.write(dir.resolve("empty-features.ts"), new byte[0]);
        byte[] noise = new byte[256 * 1024];
        new SplittableRandom(13).nextBytes(noise);
        Path random = Files.write(dir.resolve("random-features.ts"), noise);

        for (Path bad : List.of(empty, random)) {
            Result result = run("features", "--limit", "5", bad.toString());

            assertThat(result.exitCode).as(bad.toString()).isEqualTo(2);
            assertOneLineError(bad == empty ? "features: a zero-byte file" : "features: random bytes", result, bad);
            assertThat(result.out).isEmpty();
        }
    }

    @Test
    void aCodecThisFfmpegCannotDecodeIsOneLineNamingIt() throws Exception {
        Path mkv = ffmpeg("h264.mkv", "-f", "lavfi", "-i", "testsrc2=d=2:s=320x240:r=25", "-c:v", "libopenh264");
        // The same file with its codec id changed to one no FFmpeg knows (same length, so the file stays valid).
        byte[] bytes = Files.readAllBytes(mkv);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("V_MPEG4/ISO/AVC");
        Path unknown = Files.write(
                dir.resolve("unknown-codec.mkv"),
                text.replace("V_MPEG4/ISO/AVC", "V_AVMON/NO/SUCH").getBytes(StandardCharsets.ISO_8859_1));

        Result result = run("analyze", "--no-progress", unknown.toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertOneLineError("an unsupported codec", result, unknown);
        assertThat(result.err.strip())
                .isEqualTo("avmon: " + unknown + ": unsupported codec (this FFmpeg has no decoder for video stream 0"
                        + " (codec none))");
    }

    @Test
    void aVideoStreamOfAnUnknownCodecBesideGoodAudioIsNamedAndTheAudioAnalysed() throws Exception {
        Path mkv = ffmpeg(
                "h264-aac.mkv",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=d=3:s=320x240:r=25",
                "-f",
                "lavfi",
                "-i",
                "sine=f=440:d=3",
                "-c:v",
                "libopenh264",
                "-c:a",
                "aac");
        String text = new String(Files.readAllBytes(mkv), StandardCharsets.ISO_8859_1);
        Path unknownVideo = Files.write(
                dir.resolve("unknown-video.mkv"),
                text.replace("V_MPEG4/ISO/AVC", "V_AVMON/NO/SUCH").getBytes(StandardCharsets.ISO_8859_1));

        Result result = run("analyze", "--no-progress", unknownVideo.toString());

        assertAnalysed("an unknown video codec beside good audio", result);
        assertThat(result.err)
                .contains("this FFmpeg has no decoder for video stream 0 (codec none); it is skipped")
                .contains("no video track; picture defects cannot be checked");
    }

    @Test
    void audioOnlyFileIsAnalysedWithAWarningThatPictureDefectsCannotBeChecked() throws Exception {
        Path audio = ffmpeg("audio-only.m4a", "-f", "lavfi", "-i", "sine=f=440:d=3", "-c:a", "aac");

        Result result = run("analyze", "--no-progress", audio.toString());

        assertAnalysed("an audio-only file", result);
        assertThat(result.err).contains("no video track; picture defects cannot be checked");
    }

    @Test
    void videoOnlyFileIsAnalysedAndItsBlackPictureFound() throws Exception {
        Path video = ffmpeg("video-only.ts", "-filter_complex", motionThenBlack(320, 240, 1, 4), "-c:v", "mpeg2video");

        Result result = run("analyze", "--json", "--no-progress", video.toString());

        assertAnalysed("a video-only file", result);
        assertThat(result.err).contains("no audio track; sound defects cannot be checked");
        assertThat(result.out).contains("BLACK_FRAMES");
    }

    @Test
    void aResolutionChangeMidStreamIsAnalysedThrough() throws Exception {
        Path small = ffmpeg("small.ts", "-f", "lavfi", "-i", "testsrc2=d=2:s=320x240:r=25", "-c:v", "mpeg2video");
        Path large = ffmpeg(
                "large.ts",
                "-f",
                "lavfi",
                "-i",
                "color=c=black:d=4:s=1280x720:r=25",
                "-c:v",
                "mpeg2video",
                "-output_ts_offset",
                "2");
        Path changing = concatenate("resolution-change.ts", small, large);

        Result result = run("analyze", "--json", "--no-progress", changing.toString());

        assertAnalysed("a resolution change mid-stream", result);
        assertThat(result.out).as("the black picture after the change").contains("BLACK_FRAMES");
    }

    @Test
    void a4kFileIsAnalysed() throws Exception {
        Path uhd = ffmpeg(
                "uhd.mp4",
                "-filter_complex",
                motionThenBlack(3840, 2160, 1, 4),
                "-c:v",
                "libopenh264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p");

        Result result = run("analyze", "--json", "--no-progress", uhd.toString());

        assertAnalysed("4K (3840x2160 H.264)", result);
        assertThat(result.out).contains("BLACK_FRAMES");
    }

    @Test
    void timestampsThatJumpBackwardsAreAnalysedWithoutError() throws Exception {
        Path first = ffmpeg("first.ts", "-f", "lavfi", "-i", "testsrc2=d=3:s=320x240:r=25", "-c:v", "mpeg2video");
        Path second = ffmpeg("second.ts", "-filter_complex", motionThenBlack(320, 240, 1, 4), "-c:v", "mpeg2video");
        // Both start at the same timestamp: at the join, time steps 3 s back, as after an encoder restart.
        Path backwards = concatenate("backwards.ts", first, second);

        Result result = run("analyze", "--json", "--no-progress", backwards.toString());

        assertAnalysed("timestamps that jump 3 s backwards", result);
    }

    @Test
    @Timeout(300)
    void aFileStillBeingWrittenIsAnalysedAsFarAsItIsWritten() throws Exception {
        Path growing = dir.resolve("growing.ts");
        Process writer = new ProcessBuilder(
                        FfmpegProgram.path(),
                        "-v",
                        "error",
                        "-y",
                        "-re",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=d=60:s=320x240:r=25",
                        "-c:v",
                        "mpeg2video",
                        "-f",
                        "mpegts",
                        growing.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("growing.log").toFile())
                .start();
        try {
            while (!Files.exists(growing) || Files.size(growing) < 64 * 1024) {
                assertThat(writer.isAlive()).as("ffmpeg is writing").isTrue();
                Thread.sleep(200);
            }

            Result result = run("analyze", "--json", "--no-progress", growing.toString());

            assertThat(writer.isAlive())
                    .as("still being written when analyze ended")
                    .isTrue();
            assertAnalysed("a file still being written", result);
        } finally {
            writer.destroy();
            writer.waitFor();
        }
    }

    @Test
    @Timeout(600)
    void aOneGigabyteFileIsAnalysedToItsEnd() throws Exception {
        // 140 s of small pictures in a 60 Mbit/s multiplex: 1 GB on disk, mostly stuffing packets, so the test
        // spends its time on the file's size (reading, seeking, 64-bit offsets), not on decoding pictures.
        Path big = ffmpeg(
                "one-gigabyte.ts",
                "-filter_complex",
                motionThenBlack(160, 120, 136, 4),
                "-c:v",
                "mpeg2video",
                "-b:v",
                "200k",
                "-muxrate",
                "60M",
                "-f",
                "mpegts");
        try {
            assertThat(Files.size(big)).isGreaterThan(1_000_000_000L);

            Result result = run("analyze", "--json", "--no-progress", big.toString());

            assertAnalysed("a 1 GB file", result);
            assertThat(result.out).as("the black picture in the last 4 s").contains("BLACK_FRAMES");
        } finally {
            Files.deleteIfExists(big);
        }
    }

    /** A filter graph: {@code motion} seconds of test pattern, then {@code black} seconds of black, at 25 fps. */
    private static String motionThenBlack(int width, int height, int motion, int black) {
        String size = width + "x" + height;
        return "testsrc2=d=" + motion + ":s=" + size + ":r=25[m];color=c=black:d=" + black + ":s=" + size
                + ":r=25[b];[m][b]concat=n=2:v=1:a=0,format=yuv420p";
    }

    private static Path ffmpeg(String name, String... args) throws Exception {
        Path out = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of(FfmpegProgram.path(), "-v", "error", "-y"));
        command.addAll(List.of(args));
        command.add(out.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + log).isZero();
        return out;
    }

    private static Path concatenate(String name, Path... parts) throws Exception {
        Path out = dir.resolve(name);
        try (var target = Files.newOutputStream(out)) {
            for (Path part : parts) {
                Files.copy(part, target);
            }
        }
        return out;
    }

    private static void assertOneLineError(String badMedia, Result result, Path file) {
        ReliabilityFigures.record("bad media: " + badMedia, outcome(result), result.err.strip());
        assertThat(result.err.strip())
                .startsWith("avmon: " + file + ": ")
                .doesNotContain("\n")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    private static void assertAnalysed(String badMedia, Result result) {
        ReliabilityFigures.record(
                "bad media: " + badMedia, outcome(result), result.err.isBlank() ? "(nothing on stderr)" : result.err);
        assertThat(result.exitCode).as(result.err).isIn(0, 1);
        assertThat(result.err)
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("avmon: ");
    }

    private static String outcome(Result result) {
        return switch (result.exitCode) {
            case 0 -> "analysed, no defect (exit 0)";
            case 1 -> "analysed, defects found (exit 1)";
            case 2 -> "refused in one line (exit 2)";
            default -> "exit " + result.exitCode;
        };
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
