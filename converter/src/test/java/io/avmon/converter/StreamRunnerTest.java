package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avmon.schema.InputState;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.FfmpegProgram;
import io.avmon.testmedia.VideoKind;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class StreamRunnerTest {
    @TempDir
    static Path dir;

    static Clip clip;

    @BeforeAll
    static void writeClip() throws Exception {
        clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(320, 180)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("short.ts"));
    }

    /** Collects what a runner sends; thread-safe, as the heartbeat timer sends too. */
    static final class CollectingSink implements FeatureSink {
        final List<SpecificRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void send(SpecificRecord record) {
            records.add(record);
        }

        List<VideoFrameFeatures> frames() {
            return records.stream()
                    .filter(VideoFrameFeatures.class::isInstance)
                    .map(VideoFrameFeatures.class::cast)
                    .toList();
        }

        List<InputState> states() {
            return records.stream()
                    .filter(StreamStatus.class::isInstance)
                    .map(r -> ((StreamStatus) r).getState())
                    .toList();
        }
    }

    private static Thread start(StreamRunner runner) {
        Thread thread = new Thread(runner, "runner");
        thread.start();
        return thread;
    }

    private static void awaitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    @Timeout(60)
    void fileRunsToEndedWithStatusesAroundTheRecords() {
        CollectingSink sink = new CollectingSink();
        new StreamRunner(StreamRunner.Options.of(clip.file().toString(), "s1"), sink).run();
        assertThat(sink.states()).containsExactly(InputState.CONNECTING, InputState.LIVE, InputState.ENDED);
        assertThat(sink.frames()).hasSize(50);
    }

    @Test
    @Timeout(60)
    void loopingKeepsMediaTimeAndSequenceContinuous() throws Exception {
        CollectingSink sink = new CollectingSink();
        StreamRunner runner = new StreamRunner(
                StreamRunner.Options.of(clip.file().toString(), "s1").withLoop(true), sink);
        Thread thread = start(runner);
        awaitUntil(Duration.ofSeconds(30), () -> sink.frames().size() >= 130);
        runner.stop();
        thread.join(5000);
        List<VideoFrameFeatures> frames = sink.frames();
        assertThat(frames).hasSizeGreaterThanOrEqualTo(130);
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).getSequence()).isEqualTo(i);
            assertThat(frames.get(i).getMediaTimeUs() - frames.get(i - 1).getMediaTimeUs())
                    .isBetween(39_000L, 41_000L);
        }
        assertThat(sink.states())
                .startsWith(InputState.CONNECTING, InputState.LIVE)
                .endsWith(InputState.ENDED);
    }

    @Test
    @Timeout(30)
    void stopReturnsPromptlyFromRealtimePlayback() throws Exception {
        CollectingSink sink = new CollectingSink();
        StreamRunner runner = new StreamRunner(
                StreamRunner.Options.of(clip.file().toString(), "s1")
                        .withRealtime(true)
                        .withLoop(true),
                sink);
        Thread thread = start(runner);
        awaitUntil(Duration.ofSeconds(10), () -> sink.frames().size() >= 5);
        long stopAt = System.nanoTime();
        runner.stop();
        thread.join(5000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofMillis(500));
        // Paced to media time: a few frames in, far from the whole clip.
        assertThat(sink.frames().size()).isLessThan(40);
        assertThat(runner.lastState()).isEqualTo(InputState.ENDED);
    }

    @Test
    @Timeout(60)
    void reconnectSendsHeartbeatsWhileDownAndLiveWhenTheFeedReturns() throws Exception {
        int port = FreePorts.find();
        CollectingSink sink = new CollectingSink();
        StreamRunner runner = new StreamRunner(StreamRunner.Options.of("tcp://127.0.0.1:" + port, "live"), sink);
        Thread thread = start(runner);
        // Nothing listens: connection refused, RECONNECTING once and then once a second.
        Thread.sleep(2600);
        long heartbeats =
                sink.states().stream().filter(s -> s == InputState.RECONNECTING).count();
        assertThat(heartbeats).isGreaterThanOrEqualTo(2);
        assertThat(sink.frames()).isEmpty();

        // The feed comes back: serve the clip over TCP once, as a live encoder would push it.
        byte[] ts = Files.readAllBytes(clip.file());
        try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(20_000);
            try (Socket socket = server.accept();
                    OutputStream out = socket.getOutputStream()) {
                out.write(ts);
            }
        }
        awaitUntil(Duration.ofSeconds(15), () -> sink.frames().size() >= 40);
        assertThat(sink.states()).contains(InputState.LIVE);
        assertThat(sink.frames().size()).isGreaterThanOrEqualTo(40);
        // The feed ended again: a live input that ends is down, not finished.
        awaitUntil(
                Duration.ofSeconds(10), () -> sink.states().get(sink.states().size() - 1) == InputState.RECONNECTING);
        assertThat(sink.states().get(sink.states().size() - 1)).isEqualTo(InputState.RECONNECTING);
        runner.stop();
        thread.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    @Timeout(60)
    void realtimePlaybackStartsItsPaceAfreshAtATimestampJumpInsteadOfWaitingItOut() throws Exception {
        // The same clip again on a clock an hour on, as an encoder restart writes it into one recording.
        Path jumped = dir.resolve("jumped.ts");
        Process remux = new ProcessBuilder(FfmpegProgram.copyToMpegTs(
                        clip.file(), List.of(), List.of("-output_ts_offset", "3600"), jumped.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(remux.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(remux.exitValue()).isZero();
        Path restarted = dir.resolve("restarted.ts");
        Files.write(restarted, Files.readAllBytes(clip.file()));
        Files.write(restarted, Files.readAllBytes(jumped), java.nio.file.StandardOpenOption.APPEND);
        CollectingSink sink = new CollectingSink();

        // Paced, the hour ahead would be an hour's wait (the test's timeout fails it); a jump beyond
        // MAX_PACED_HOLE starts the pace again from the first record after it.
        new StreamRunner(StreamRunner.Options.of(restarted.toString(), "s1").withRealtime(true), sink).run();

        assertThat(sink.frames()).hasSizeGreaterThanOrEqualTo(95);
        assertThat(sink.states()).endsWith(InputState.ENDED);
    }

    @Test
    @Timeout(60)
    void fileThatAppearsLaterIsPickedUp() throws Exception {
        Path later = dir.resolve("later.ts");
        CollectingSink sink = new CollectingSink();
        StreamRunner runner = new StreamRunner(
                StreamRunner.Options.of(later.toString(), "late").withReconnect(true), sink);
        Thread thread = start(runner);
        Thread.sleep(1300);
        assertThat(sink.states()).contains(InputState.RECONNECTING);
        Files.copy(clip.file(), later);
        thread.join(20_000);
        assertThat(sink.states()).containsSubsequence(InputState.RECONNECTING, InputState.LIVE, InputState.ENDED);
        assertThat(sink.frames()).hasSize(50);
    }

    @Test
    @Timeout(30)
    void missingFileWithoutReconnectFails() {
        CollectingSink sink = new CollectingSink();
        StreamRunner runner =
                new StreamRunner(StreamRunner.Options.of(dir.resolve("nope.ts").toString(), "x"), sink);
        runner.run();
        assertThat(sink.states()).containsExactly(InputState.CONNECTING, InputState.FAILED);
        StreamStatus failed = (StreamStatus) sink.records.get(sink.records.size() - 1);
        assertThat(failed.getMessage().toString()).endsWith("nope.ts: no such file");
        assertThat(runner.failure()).isEqualTo(failed.getMessage().toString());
    }

    @Test
    @Timeout(30)
    void unknownProtocolFailsAtOnceInsteadOfReconnecting() {
        CollectingSink sink = new CollectingSink();
        StreamRunner runner = new StreamRunner(StreamRunner.Options.of("nosuchprotocol://127.0.0.1:5000", "x"), sink);

        runner.run();

        assertThat(sink.states()).containsExactly(InputState.CONNECTING, InputState.FAILED);
        assertThat(runner.failure())
                .isEqualTo(
                        "nosuchprotocol://127.0.0.1:5000: unsupported input (this FFmpeg has no protocol nosuchprotocol)");
    }

    // Several runners in one process (StreamGroup): a failed input is reported and left behind; a failed sink stops
    // them all.

    @Test
    @Timeout(60)
    void aMissingFileIsReportedOnceByItsStreamWhileTheOtherRunsToItsEnd() throws Exception {
        Path missing = dir.resolve("missing.ts");
        Map<String, String> failures = new ConcurrentHashMap<>();
        List<String> senders = new CopyOnWriteArrayList<>();
        StreamGroup group = new StreamGroup(
                List.of(
                        StreamRunner.Options.of(clip.file().toString(), "good"),
                        StreamRunner.Options.of(missing.toString(), "gone")),
                record -> {
                    if (record instanceof StreamStatus status) {
                        senders.add(status.getStreamId() + " " + status.getState());
                    }
                },
                new ConverterMetrics());
        group.setFailureListener(failures::put);

        List<StreamGroup.Outcome> outcomes = group.run();

        assertThat(outcomes)
                .containsExactly(
                        new StreamGroup.Outcome("good", InputState.ENDED, null),
                        new StreamGroup.Outcome("gone", InputState.FAILED, missing + ": no such file"));
        assertThat(failures).containsExactly(Map.entry("gone", missing + ": no such file"));
        assertThat(senders).contains("good ENDED", "gone FAILED");
    }

    @Test
    @Timeout(60)
    void aSinkThatFailsStopsEveryInputAndRunThrowsItsError() {
        AtomicInteger sent = new AtomicInteger();
        // Looped inputs never end by themselves: only the sink's failure can stop the group.
        StreamGroup group = new StreamGroup(
                List.of(
                        StreamRunner.Options.of(clip.file().toString(), "a").withLoop(true),
                        StreamRunner.Options.of(clip.file().toString(), "b").withLoop(true)),
                record -> {
                    if (sent.incrementAndGet() == 100) {
                        throw new IllegalStateException("Kafka send failed: the record is too large");
                    }
                },
                new ConverterMetrics());

        assertThatThrownBy(group::run).hasMessage("Kafka send failed: the record is too large");
    }
}
