package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code avmon convert} against a real broker: a file that cannot be read fails as {@code analyze} does. */
class ConvertCommandTest {

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.startOnFreePort();
        kafka.createTopics(Topics.ALL, 1);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void missingFileExitsTwoWithOneLineNamingIt() {
        Path missing = dir.resolve("nope.ts");

        Result result = convert(missing.toString());

        assertThat(result.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err.strip()).isEqualTo("avmon: " + missing + ": no such file");
    }

    @Test
    void randomBytesExitTwoWithOneLineAndNoStackTrace() throws Exception {
        byte[] noise = new byte[256 * 1024];
        new SplittableRandom(8).nextBytes(noise);
        Path random = Files.write(dir.resolve("random.ts"), noise);

        Result result = convert(random.toString());

        assertThat(result.exitCode).as(result.err).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err.strip())
                .startsWith("avmon: " + random + ": ")
                .contains("not a media file")
                .doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void textFileIsRejectedAsNotMedia() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "this is not a video\n".repeat(50));

        Result result = convert(text.toString());

        assertThat(result.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err.strip())
                .isEqualTo("avmon: " + text + ": not a media file (Invalid data found when processing input)");
    }

    @Test
    @Timeout(60)
    void urlOfAProtocolFfmpegLacksExitsTwoInsteadOfReconnectingForever() {
        Result result = convert("nosuchprotocol://127.0.0.1:5000");

        assertThat(result.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err.strip())
                .isEqualTo(
                        "avmon: nosuchprotocol://127.0.0.1:5000: unsupported input (this FFmpeg has no protocol nosuchprotocol)");
    }

    @Test
    void aStreamIdThatCouldNotBeANameExitsTwoWithOneLineBeforeReadingAnything() {
        StringWriter err = new StringWriter();
        CommandLine cli = AvmonCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute(
                "convert",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--stream-id",
                "../../etc/cron.d/x",
                dir.resolve("nope.ts").toString());

        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().strip())
                .isEqualTo("avmon: --stream-id: stream id has '.' at position 0; allowed are letters, digits, '.', '_'"
                        + " and '-', not starting with '.' or '-'");
    }

    @Test
    void readableFileConvertsToItsEndAndExitsZero() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(21)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("short.ts"));

        Result result = convert(clip.file().toString());

        assertThat(result.exitCode).as(result.err).isEqualTo(ExitCodes.OK);
        assertThat(result.err).isEmpty();
    }

    @Test
    void fileAndConcatUrlsAreRefusedInOneLineUnlessTheirSchemeIsAllowed() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(22)
                        .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("local.ts"));
        String fileUrl = "file:" + clip.file();
        String concat = "concat:" + clip.file() + "|" + clip.file();

        Result file = convert(fileUrl);
        Result joined = convert(concat);
        Result allowed = convert("--allowed-schemes", "udp,file", "--stream-id", "local", fileUrl);

        assertThat(file.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(file.err.strip())
                .isEqualTo("avmon: " + fileUrl + ": scheme 'file' is not allowed"
                        + " (allowed: http,https,rtmp,rtmps,rtp,rtsp,srt,tcp,udp; see --allowed-schemes)");
        assertThat(joined.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(joined.err.strip()).startsWith("avmon: " + concat + ": scheme 'concat' is not allowed");
        assertThat(allowed.exitCode).as(allowed.err).isEqualTo(ExitCodes.OK);
    }

    @Test
    void anAllowedSchemesEntryThatIsNoSchemeExitsTwo() {
        Result result = convert("--allowed-schemes", "udp,s/rt", "any.ts");

        assertThat(result.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err.strip()).isEqualTo("avmon: --allowed-schemes: not a URL scheme: 's/rt' in 'udp,s/rt'");
    }

    private static Result convert(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AvmonCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(
                List.of("convert", "--bootstrap-servers", kafka.bootstrapServers(), "--metrics-port", "0"));
        args.addAll(List.of(arguments));
        int code = cli.execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    record Result(int exitCode, String out, String err) {}
}
