package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.InputState;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code avmon convert} against a real broker: a file that cannot be read fails as {@code analyze} does; several
 * inputs in one process each arrive under their own id and in order, a bad one fails alone, and a bad list is one
 * line before anything runs.
 */
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
    void aRecordKafkaRefusesForGoodStopsTheConverterWithOneLineAndExitTwo() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(22)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("refused.ts"));

        // Every feature record is larger than 100 bytes: the producer refuses each, and no retry helps.
        Result result =
                convert("--kafka-property", "max.request.size=100", clip.file().toString());

        assertThat(result.exitCode).as(result.err).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err.strip())
                .startsWith("avmon: Kafka send failed: ")
                .contains("max.request.size")
                .doesNotContain("\n")
                .doesNotContain("Exception");
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

    @Test
    @Timeout(180)
    void threeClipsInOneProcessArriveEachUnderItsOwnIdInOrder() throws Exception {
        Clip first = clip(31, "first.ts");
        Clip second = clip(32, "second.ts");
        Clip third = clip(33, "third.ts");
        Path list =
                Files.writeString(dir.resolve("channels.txt"), "# the third channel\nmany-c " + third.file() + "\n");

        Result result = convert(
                "--input", "many-a=" + first.file(), "--input", "many-b=" + second.file(), "--inputs", list.toString());

        assertThat(result.exitCode).as(result.err).isEqualTo(ExitCodes.OK);
        assertThat(result.err).isEmpty();
        Map<String, List<SpecificRecord>> streams = readUntilEnded(Set.of("many-a", "many-b", "many-c"));
        int frames = (int) Math.round(first.durationSeconds() * first.spec().fps());
        streams.forEach((streamId, records) -> {
            assertThat(records)
                    .allSatisfy(record -> assertThat(streamIdOf(record)).isEqualTo(streamId));
            assertThat(states(records))
                    .startsWith(InputState.CONNECTING, InputState.LIVE)
                    .endsWith(InputState.ENDED);
            assertThat(videoSequences(records))
                    .as(streamId)
                    .containsExactlyElementsOf(
                            LongStream.range(0, frames).boxed().toList());
            assertThat(audioSequences(records))
                    .as(streamId)
                    .isNotEmpty()
                    .containsExactlyElementsOf(
                            LongStream.range(0, audioSequences(records).size())
                                    .boxed()
                                    .toList());
        });
    }

    @Test
    @Timeout(180)
    void aBadFileFailsAloneInOneLineWhileTheOthersArriveAndTheExitCodeSaysSo() throws Exception {
        Clip good = clip(34, "good.ts");
        Clip alsoGood = clip(35, "also-good.ts");
        byte[] noise = new byte[256 * 1024];
        new SplittableRandom(9).nextBytes(noise);
        Path broken = Files.write(dir.resolve("broken.ts"), noise);

        Result result = convert(
                "--input", "ok-1=" + good.file(),
                "--input", "broken-1=" + broken,
                "--input", "ok-2=" + alsoGood.file());

        assertThat(result.exitCode).as(result.err).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err.lines().toList())
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .startsWith("avmon: broken-1: " + broken + ": ")
                        .contains("not a media file")
                        .doesNotContain("Exception"));
        Map<String, List<SpecificRecord>> streams = readUntilEnded(Set.of("ok-1", "broken-1", "ok-2"));
        assertThat(states(streams.get("broken-1"))).endsWith(InputState.FAILED);
        int frames = (int) Math.round(good.durationSeconds() * good.spec().fps());
        for (String ok : List.of("ok-1", "ok-2")) {
            assertThat(states(streams.get(ok))).as(ok).endsWith(InputState.ENDED);
            assertThat(videoSequences(streams.get(ok))).as(ok).hasSize(frames);
        }
    }

    @Test
    void aDuplicateStreamIdIsOneLineNamingBothPlacesBeforeAnythingRuns() throws Exception {
        Path list = Files.writeString(dir.resolve("twice.txt"), "dup-1 a.ts\ndup-1 b.ts\n");

        Result result = convert("--inputs", list.toString());

        assertThat(result.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(result.err.strip())
                .isEqualTo("avmon: " + list + ":2: stream id 'dup-1' is given twice (first at " + list + ":1)");
    }

    @Test
    void aMalformedLineAndAnEmptyListAreOneLineEach() throws Exception {
        Path malformed = Files.writeString(dir.resolve("malformed.txt"), "ch-1 a.ts\nch-2\n");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "# no channels yet\n");

        Result bad = convert("--inputs", malformed.toString());
        Result none = convert("--inputs", empty.toString());
        Result noEquals = convert("--input", "udp://@:5000");

        assertThat(bad.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bad.err.strip()).isEqualTo("avmon: " + malformed + ":2: expected '<stream-id> <url>'");
        assertThat(none.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(none.err.strip())
                .isEqualTo("avmon: --inputs " + empty
                        + ": no inputs (one '<stream-id> <url>' a line, '#' starts a comment)");
        assertThat(noEquals.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noEquals.err.strip()).isEqualTo("avmon: --input #1: expected <stream-id>=<url>");
    }

    @Test
    void aSingleInputAndAListDoNotGoTogether() {
        Result both = convert("--input", "x-1=a.ts", "b.ts");
        Result streamId = convert("--stream-id", "x-2", "--input", "x-1=a.ts");

        assertThat(both.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(both.err.strip())
                .isEqualTo("avmon: INPUT and --input/--inputs do not go together: give every input as --input ID=URL");
        assertThat(streamId.exitCode).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(streamId.err.strip())
                .isEqualTo("avmon: --stream-id is for a single INPUT: with --input/--inputs each input names its"
                        + " stream");
    }

    private static Clip clip(long seed, String name) throws IOException {
        return ClipWriter.write(
                ClipSpec.builder()
                        .size(160, 90)
                        .seed(seed)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve(name));
    }

    /** Each stream's records in topic order, read until each stream's last status is ENDED or FAILED. */
    private static Map<String, List<SpecificRecord>> readUntilEnded(Set<String> streamIds) {
        Map<String, List<SpecificRecord>> streams = byStream(
                FeatureTopicReader.readUntil(
                        kafka.bootstrapServers(),
                        read -> allEnded(byStream(read, streamIds), streamIds),
                        Duration.ZERO),
                streamIds);
        assertThat(streams).containsOnlyKeys(streamIds);
        return streams;
    }

    private static Map<String, List<SpecificRecord>> byStream(
            List<ConsumerRecord<byte[], byte[]>> records, Set<String> streamIds) {
        Map<String, List<SpecificRecord>> streams = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (streamIds.contains(key)) {
                streams.computeIfAbsent(key, k -> new ArrayList<>()).add(decode(record.value()));
            }
        }
        return streams;
    }

    private static boolean allEnded(Map<String, List<SpecificRecord>> streams, Set<String> streamIds) {
        return streamIds.stream().allMatch(id -> {
            List<InputState> states = states(streams.getOrDefault(id, List.of()));
            return !states.isEmpty()
                    && Set.of(InputState.ENDED, InputState.FAILED).contains(states.get(states.size() - 1));
        });
    }

    private static SpecificRecord decode(byte[] value) {
        long fingerprint = RecordCodec.writerFingerprint(value);
        try {
            if (fingerprint == RecordCodec.fingerprint(VideoFrameFeatures.getClassSchema())) {
                return VideoFrameFeatures.getDecoder().decode(value);
            }
            if (fingerprint == RecordCodec.fingerprint(AudioBlockFeatures.getClassSchema())) {
                return AudioBlockFeatures.getDecoder().decode(value);
            }
            return StreamStatus.getDecoder().decode(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String streamIdOf(SpecificRecord record) {
        if (record instanceof VideoFrameFeatures video) {
            return video.getStreamId().toString();
        }
        if (record instanceof AudioBlockFeatures audio) {
            return audio.getStreamId().toString();
        }
        return ((StreamStatus) record).getStreamId().toString();
    }

    private static List<InputState> states(List<SpecificRecord> records) {
        return records.stream()
                .filter(StreamStatus.class::isInstance)
                .map(record -> ((StreamStatus) record).getState())
                .toList();
    }

    private static List<Long> videoSequences(List<SpecificRecord> records) {
        return records.stream()
                .filter(VideoFrameFeatures.class::isInstance)
                .map(record -> ((VideoFrameFeatures) record).getSequence())
                .toList();
    }

    private static List<Long> audioSequences(List<SpecificRecord> records) {
        return records.stream()
                .filter(AudioBlockFeatures.class::isInstance)
                .map(record -> ((AudioBlockFeatures) record).getSequence())
                .toList();
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
