package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.InputState;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live inputs on loopback, with Debian's ffmpeg as the sender: the converter reads the feed, publishes to a real
 * Kafka broker, and the job on a Flink MiniCluster judges it; defects are read back read_committed. One broker and one
 * job serve every test, each on a stream of its own.
 */
class LiveInputEndToEndTest {
    /** The stall's raise delay: the default profile's. */
    private static final long STALL_RAISE_MS = DefectKind.defaultProfile()
            .policy(DefectType.STREAM_STALL)
            .minDuration()
            .toMillis();
    /**
     * Slack on "within the raise delay" for a shared 2-core machine: the watchdog is a processing-time timer of the
     * job, which runs behind the converter by its Kafka hop and any GC pause.
     */
    private static final long SCHEDULING_SLACK_MS = 1500;

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static JobClient job;
    private static FeaturePublisher publisher;
    private static Clip clip;

    @BeforeAll
    static void startBrokerJobAndWriteClip() throws Exception {
        kafka = EmbeddedKafka.startOnFreePort();
        kafka.createTopics(Topics.ALL, 1);
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        AvmonJob.define(env, JobOptions.fromArgs(new String[] {
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--checkpoint-interval-ms", "500",
            "--starting-offsets", "earliest",
            "--parallelism", "1"
        }));
        job = env.executeAsync("avmon live inputs");
        publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of());
        clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(320, 180)
                        .seed(12)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("feed.ts"));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (job != null) {
            job.cancel().get();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(180)
    void udpFeedThatStopsAndComesBackIsOneStallFromItsLastPacketUntilThePictureReturns() throws Exception {
        String stream = "udp-outage";
        int port = FfmpegSender.freeUdpPort();
        try (TimedDefects defects = new TimedDefects(stream);
                LiveConverter converter = new LiveConverter("udp://127.0.0.1:" + port, stream, publisher)) {
            FfmpegSender.sendUdp(clip.file(), port);

            Timed opened = defects.await(
                    d -> d.getDefectType() == DefectType.STREAM_STALL && d.getState() == DefectState.OPENED,
                    Duration.ofSeconds(30),
                    "the stall OPENED");
            // The last packet as the converter received it: its last record before the outage.
            long lastPacketMs = lastOf(converter.mediaIngestTimesMs());
            // Down for about 6 s in all, then the encoder comes back.
            Thread.sleep(Math.max(0, lastPacketMs + 6000 - System.currentTimeMillis()));
            List<InputState> whileDown = converter.states();
            int framesBefore = converter.frames().size();
            FfmpegSender.sendUdp(clip.file(), port);
            Timed closed = defects.await(
                    d -> d.getDefectType() == DefectType.STREAM_STALL && d.getState() == DefectState.CLOSED,
                    Duration.ofSeconds(30),
                    "the stall CLOSED");
            long firstPacketBackMs = converter.frames().get(framesBefore).getIngestTimeMs();
            String seen = "last packet " + lastPacketMs + ", first back " + firstPacketBackMs + ", quiet stretches "
                    + converter.quietStretches(500) + ", defects " + defects.seen();

            assertThat(opened.event().getStartWallClockMs())
                    .as("the stall starts at the last packet; %s", seen)
                    .isBetween(lastPacketMs - 100, lastPacketMs);
            assertThat(opened.writtenAtMs() - lastPacketMs)
                    .as("OPENED within the raise delay of the last packet")
                    .isLessThanOrEqualTo(STALL_RAISE_MS + SCHEDULING_SLACK_MS);
            assertThat(closed.event().getEventId()).isEqualTo(opened.event().getEventId());
            assertThat(closed.event().getEndWallClockMs())
                    .as("closed when the picture returns; %s", seen)
                    .isBetween(firstPacketBackMs - 1000, firstPacketBackMs + 1000);
            assertThat(closed.event().getValue())
                    .as("the stall lasts as long as the feed was down, in s")
                    .isBetween(
                            (firstPacketBackMs - lastPacketMs) / 1000.0 - 0.5,
                            (firstPacketBackMs - lastPacketMs) / 1000.0 + 0.5);
            assertThat(whileDown)
                    .as("heartbeats while down: RECONNECTING about once a second")
                    .filteredOn(s -> s == InputState.RECONNECTING)
                    .hasSizeGreaterThanOrEqualTo(3);
            assertThat(converter.isRunning()).as("the converter never exits").isTrue();
            assertThat(converter.lastState()).isEqualTo(InputState.LIVE);
            assertThat(converter.frames().size() - framesBefore)
                    .as("the second run of the clip decoded")
                    .isGreaterThanOrEqualTo(90);
            assertThat(defects.seen())
                    .as("nothing but the stall")
                    .allSatisfy(t -> assertThat(t.event().getDefectType()).isEqualTo(DefectType.STREAM_STALL))
                    .hasSize(2);
        }
    }

    @Test
    @Timeout(180)
    void feedRestartedOnAnotherClockIsNoDropNoSyncStepAndNoStallLongerThanTheGap() throws Exception {
        String stream = "udp-restart";
        int port = FfmpegSender.freeUdpPort();
        try (TimedDefects defects = new TimedDefects(stream)) {
            LiveConverter converter = new LiveConverter("udp://127.0.0.1:" + port, stream, publisher);
            FfmpegSender.sendUdp(clip.file(), port);
            // The encoder restarts at once with its clock an hour on: a PTS discontinuity in one connection.
            FfmpegSender.sendUdp(clip.file(), port, "-output_ts_offset", "3600");
            converter.close();
            long quietMs = converter.longestQuietMs();
            defects.listen(Duration.ofSeconds(5));
            List<Timed> whileFed = defects.beforeFeedEnded(lastOf(converter.mediaIngestTimesMs()));

            List<VideoFrameFeatures> frames = converter.frames();
            assertThat(frames).as("both runs decoded").hasSizeGreaterThanOrEqualTo(180);
            assertThat(whileFed)
                    .extracting(t -> t.event().getDefectType())
                    .as("no frame drop, no sync step")
                    .doesNotContain(DefectType.FRAME_DROP, DefectType.AV_SYNC_OFFSET);
            assertThat(whileFed)
                    .filteredOn(t -> t.event().getState() == DefectState.CLOSED)
                    .allSatisfy(t -> assertThat(t.event().getValue() * 1000)
                            .as("a stall no longer than the converter's longest quiet, %d ms", quietMs)
                            .isLessThanOrEqualTo(quietMs + 200.0));
            assertThat(whileFed)
                    .as("nothing else either")
                    .allSatisfy(t -> assertThat(t.event().getDefectType()).isEqualTo(DefectType.STREAM_STALL));
        }
    }

    @Test
    @Timeout(180)
    void mpegTsTimestampWrapPassesWithoutADefect() throws Exception {
        String stream = "udp-wrap";
        int port = FfmpegSender.freeUdpPort();
        // 2^33 ticks of 90 kHz: 95443.72 s. The clip's PTS start about 1.4 s in, so it wraps 2 s into the clip.
        double wrapSeconds = (1L << 33) / 90_000.0;
        String offset = String.format(java.util.Locale.ROOT, "%.3f", wrapSeconds - 3.4);
        try (TimedDefects defects = new TimedDefects(stream)) {
            LiveConverter converter = new LiveConverter("udp://127.0.0.1:" + port, stream, publisher);
            FfmpegSender.sendUdp(clip.file(), port, "-output_ts_offset", offset);
            converter.close();
            defects.listen(Duration.ofSeconds(5));
            List<Timed> whileFed = defects.beforeFeedEnded(lastOf(converter.mediaIngestTimesMs()));

            List<VideoFrameFeatures> frames = converter.frames();
            assertThat(frames).hasSizeGreaterThanOrEqualTo(90);
            for (int i = 1; i < frames.size(); i++) {
                assertThat(frames.get(i).getMediaTimeUs() - frames.get(i - 1).getMediaTimeUs())
                        .as("frame %d follows the one before by a frame period across the wrap", i)
                        .isBetween(30_000L, 50_000L);
            }
            assertThat(whileFed).isEmpty();
        }
    }

    @Test
    @Timeout(180)
    void garbageOnTheFeedIsAStallOrCorruptionAndNeverACrash() throws Exception {
        String stream = "udp-garbage";
        int port = FfmpegSender.freeUdpPort();
        try (TimedDefects defects = new TimedDefects(stream)) {
            LiveConverter converter = new LiveConverter("udp://127.0.0.1:" + port, stream, publisher);
            FfmpegSender.sendUdp(clip.file(), port);
            int framesBefore = converter.frames().size();
            sendGarbage(port, Duration.ofSeconds(3));
            FfmpegSender.sendUdp(clip.file(), port);
            assertThat(converter.isRunning())
                    .as("the converter survived the garbage")
                    .isTrue();
            assertThat(converter.states()).doesNotContain(InputState.FAILED);
            int framesAfter = converter.frames().size() - framesBefore;
            converter.close();
            defects.listen(Duration.ofSeconds(5));
            List<Timed> whileFed = defects.beforeFeedEnded(lastOf(converter.mediaIngestTimesMs()));

            assertThat(framesAfter).as("the clip after the garbage decoded").isGreaterThanOrEqualTo(90);
            assertThat(whileFed)
                    .as("three seconds of garbage are a stall or corruption")
                    .isNotEmpty()
                    .allSatisfy(t -> assertThat(t.event().getDefectType())
                            .isIn(DefectType.STREAM_STALL, DefectType.BLOCK_CORRUPTION));
        }
    }

    @Test
    @Timeout(240)
    void hlsSegmentBoundariesRaiseNothingAndAMissingSegmentOrStalledPlaylistIsAStall() throws Exception {
        String stream = "hls";
        // Segments of 2.88 s (six GOPs), over the stall's raise delay: unpaced, each boundary would be a stall.
        double segmentSeconds = 2.88;
        Clip source = ClipWriter.write(
                ClipSpec.builder()
                        .size(320, 180)
                        .seed(13)
                        .segment(10 * segmentSeconds, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("hls-source.ts"));
        Path hlsDir = java.nio.file.Files.createDirectories(dir.resolve("hls"));
        int missingSegment = 4;
        int stalledBefore = 7;
        try (TimedDefects defects = new TimedDefects(stream);
                LiveHlsServer origin = new LiveHlsServer(
                        source.file(), hlsDir, segmentSeconds, Set.of(missingSegment), stalledBefore, 10)) {
            LiveConverter converter = new LiveConverter(origin.playlistUrl(), stream, publisher);
            int expectedFrames = (int) Math.round((origin.segmentCount() - 1) * segmentSeconds * 25);
            boolean all = converter.awaitFrames(expectedFrames - 5, 90_000);
            Thread.sleep(1000);
            origin.close();
            converter.close();
            defects.listen(Duration.ofSeconds(5));
            List<Timed> whileFed = defects.beforeFeedEnded(lastOf(converter.mediaIngestTimesMs()));

            assertThat(all)
                    .as(
                            "every published segment decoded: %d frames",
                            converter.frames().size())
                    .isTrue();
            assertThat(whileFed)
                    .as("only stalls (or drops) while fed")
                    .allSatisfy(t ->
                            assertThat(t.event().getDefectType()).isIn(DefectType.STREAM_STALL, DefectType.FRAME_DROP));
            List<Long> starts = whileFed.stream()
                    .filter(t -> t.event().getState() == DefectState.CLOSED)
                    .map(t -> t.event().getStartMediaTimeMs())
                    .toList();
            assertThat(starts)
                    .as(
                            "one at the missing segment, one where the playlist stalled, none at other boundaries; %s",
                            whileFed)
                    .hasSize(2);
            String seen = "stalls " + whileFed + "; quiet stretches " + converter.quietStretches(500) + "; sent "
                    + converter.around(
                            origin.segmentStart(missingSegment) - 0.5, origin.segmentStart(missingSegment + 1) + 0.5);
            assertThat(starts.get(0) / 1000.0)
                    .as(seen)
                    .isCloseTo(origin.segmentStart(missingSegment), org.assertj.core.data.Offset.offset(0.6));
            assertThat(starts.get(1) / 1000.0)
                    .as(seen)
                    .isCloseTo(origin.segmentStart(stalledBefore), org.assertj.core.data.Offset.offset(0.6));
        }
    }

    /** Random datagrams of a TS packet burst's size at about 2 Mb/s, as a misrouted or scrambled feed would bring. */
    private static void sendGarbage(int port, Duration time) throws Exception {
        java.util.Random random = new java.util.Random(12);
        byte[] payload = new byte[1316];
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            long end = System.nanoTime() + time.toNanos();
            while (System.nanoTime() < end) {
                random.nextBytes(payload);
                socket.send(new java.net.DatagramPacket(
                        payload, payload.length, java.net.InetAddress.getLoopbackAddress(), port));
                Thread.sleep(5);
            }
        }
    }

    private static long lastOf(List<Long> values) {
        assertThat(values).as("media records sent").isNotEmpty();
        return values.get(values.size() - 1);
    }

    /** A defect event and when the job wrote it (the Kafka record's timestamp). */
    record Timed(DefectEvent event, long writtenAtMs) {}

    /** A read_committed consumer of one stream's defect events that keeps when each was written. */
    static final class TimedDefects implements AutoCloseable {
        private final String streamId;
        private final KafkaConsumer<String, byte[]> consumer;
        private final BinaryMessageDecoder<DefectEvent> decoder = RecordCodec.decoder(DefectEvent.class, null);
        private final List<Timed> seen = new ArrayList<>();

        TimedDefects(String streamId) {
            this.streamId = streamId;
            consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.bootstrapServers(),
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed",
                            ConsumerConfig.GROUP_ID_CONFIG,
                            "live-" + streamId,
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "earliest"),
                    new StringDeserializer(),
                    new ByteArrayDeserializer());
            consumer.subscribe(List.of(Topics.DEFECTS));
        }

        Timed await(Predicate<DefectEvent> wanted, Duration timeout, String what) {
            long deadline = System.nanoTime() + timeout.toNanos();
            int from = 0;
            while (System.nanoTime() < deadline) {
                for (int i = from; i < seen.size(); i++) {
                    if (wanted.test(seen.get(i).event())) {
                        return seen.get(i);
                    }
                }
                from = seen.size();
                poll();
            }
            throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s; seen: " + seen);
        }

        /** Keeps polling for {@code time}: the job's last output (after ENDED) is committed by then. */
        void listen(Duration time) {
            long deadline = System.nanoTime() + time.toNanos();
            while (System.nanoTime() < deadline) {
                poll();
            }
        }

        private void poll() {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (streamId.equals(record.key())) {
                    seen.add(new Timed(RecordCodec.decode(decoder, record.value()), record.timestamp()));
                }
            }
        }

        /**
         * The events of defects that began before the feed's last record ({@code lastRecordMs}): a feed that ends is
         * a stall too, from its last packet until the converter is stopped (it cannot tell an end from an outage).
         */
        List<Timed> beforeFeedEnded(long lastRecordMs) {
            return seen().stream()
                    .filter(t -> t.event().getStartWallClockMs() < lastRecordMs)
                    .toList();
        }

        List<Timed> seen() {
            poll();
            return seen;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
