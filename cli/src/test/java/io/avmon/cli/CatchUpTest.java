package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.DemoClip;
import io.avmon.testmedia.InjectedDefect;
import io.avmon.testmedia.VideoKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A job that starts on a backlog raises exactly the defects it would have raised live. Three streams of two minutes
 * each, with black, frozen and silent stretches, sync offsets and the hard negatives (a dip to black, a quiet passage,
 * sync within tolerance), are decoded once by the real converter. The live run plays them into Kafka side by side,
 * as three real-time converters would, while the job reads them. The catch-up runs start the production job on that
 * same topic, from its earliest offsets, at parallelism 4. Defects are read back read_committed and must match the
 * live run's event for event.
 *
 * <p>"news" and "sport" share a partition of the four (Kafka's default partitioner), "movie" has one to itself.
 * The live run interleaves the streams by media time, as converters started together and pacing records to media
 * time ({@code --realtime}) deliver them; the records' own ingest times come from the one fast decode.
 *
 * <p>Stall detection is switched off in the profile of every run: it is judged on the job's processing clock by
 * design (a live stream is stalled when nothing arrives), so it cannot give the same verdicts in a catch-up, where
 * records arrive faster than they were made, or across a failover, where the job itself stops reading for seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatchUpTest {

    private static final int PARTITIONS = 4;
    private static final int CATCH_UP_PARALLELISM = 4;
    /** The live run plays the streams this many times faster than real time: the job still reads them as they come. */
    private static final int LIVE_SPEED_UP = 12;

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    private EmbeddedKafka kafka;
    private Admin admin;
    private MiniCluster cluster;
    private Path profile;
    private final Map<String, Clip> clips = new TreeMap<>();
    /** Each stream's injected defects: the clip's truth, and the re-stamped audio, which the clip's truth leaves out. */
    private final Map<String, List<InjectedDefect>> truths = new TreeMap<>();

    private List<Due> liveOrder;
    private long featureRecords;
    private List<DefectEvent> liveDefects;

    /** The connector's fetch sizes, and fetches a hundred times larger that hand over thousands of records at once. */
    enum FetchSizes {
        CONNECTOR_DEFAULTS(Map.of()),
        LARGE(Map.of(
                "fetch.max.bytes", "104857600", "max.partition.fetch.bytes", "52428800", "max.poll.records", "20000"));

        final Map<String, String> consumerSettings;

        FetchSizes(Map<String, String> consumerSettings) {
            this.consumerSettings = consumerSettings;
        }
    }

    @BeforeAll
    void playTheStreamsLive() throws Exception {
        clips.put(
                "news",
                ClipWriter.write(
                        ClipSpec.builder()
                                .size(320, 180)
                                .seed(81)
                                .segment(15, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                                .segment(15, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(2, VideoKind.DIP_TO_BLACK, AudioContent.PROGRAMME)
                                .segment(18, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(5, VideoKind.FROZEN, AudioContent.PROGRAMME)
                                .segment(20, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(5, VideoKind.MOTION, AudioContent.QUIET)
                                .segment(25, VideoKind.MOTION, AudioContent.PROGRAMME)
                                // Silent to the end: only the stream's ENDED, read after its last audio, closes it.
                                .segment(10, VideoKind.MOTION, AudioContent.SILENCE)
                                .build(),
                        dir.resolve("news.ts")));
        clips.put(
                "sport",
                ClipWriter.write(
                        ClipSpec.builder()
                                .size(320, 180)
                                .seed(82)
                                .segment(10, VideoKind.MOTION, AudioContent.PROGRAMME)
                                .segment(14, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(250))
                                .segment(10, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                                .segment(12, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(120))
                                .segment(74, VideoKind.MOTION, AudioContent.PROGRAMME)
                                // A delay switched into the audio path: only the timestamps, paired across the two
                                // media, show it.
                                .shiftAudio(70, 12, 300)
                                .build(),
                        dir.resolve("sport.ts")));
        ClipSpec.Builder movie = DemoClip.spec().toBuilder().size(320, 180).seed(83);
        DemoClip.spec().segments().forEach(movie::segment);
        clips.put("movie", ClipWriter.write(movie.build(), dir.resolve("movie.ts")));
        clips.forEach((streamId, clip) -> truths.put(streamId, new ArrayList<>(clip.truth())));
        truths.get("sport").add(new InjectedDefect(DefectType.AV_SYNC_OFFSET, 70, 82, null));
        // Decoded once: every run reads these records, byte for byte, from the same topic.
        Map<String, List<SpecificRecord>> converted = new TreeMap<>();
        for (Map.Entry<String, Clip> clip : clips.entrySet()) {
            List<SpecificRecord> records = new ArrayList<>();
            new StreamRunner(StreamRunner.Options.of(clip.getValue().file().toString(), clip.getKey()), records::add)
                    .run();
            converted.put(clip.getKey(), records);
        }
        liveOrder = liveOrder(converted);
        featureRecords = liveOrder.size();

        profile = Files.writeString(dir.resolve("profile.yaml"), "defaults:\n  stream-stall: { enabled: false }\n");
        kafka = EmbeddedKafka.startOnFreePort();
        kafka.createTopics(Topics.ALL, PARTITIONS);
        admin = kafka.admin();
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(CATCH_UP_PARALLELISM)
                .build());
        cluster.start();

        // Live: the job runs first, at parallelism 1, and the converters' records reach it as they are made.
        JobID job = start("live", 1, Map.of(), Topics.FEATURES);
        awaitCompletedCheckpoints(job, 1);
        try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
            long startNs = System.nanoTime();
            int next = 0;
            while (next < liveOrder.size()) {
                long mediaReachedUs = (System.nanoTime() - startNs) / 1000 * LIVE_SPEED_UP;
                while (next < liveOrder.size() && liveOrder.get(next).dueUs() <= mediaReachedUs) {
                    publisher.send(liveOrder.get(next++).record());
                }
                Thread.sleep(10);
            }
            publisher.flush();
        }
        liveDefects = finish(job, "live");
    }

    @AfterAll
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theLiveRunFindsEveryInjectedDefectAndNothingOnTheHardNegatives() throws Exception {
        for (Map.Entry<String, List<InjectedDefect>> truth : truths.entrySet()) {
            String streamId = truth.getKey();
            List<DefectEvent> closed = liveDefects.stream()
                    .filter(e -> e.getStreamId().equals(streamId) && e.getState() == DefectState.CLOSED)
                    .toList();
            // A content offset is measured over five flash-and-beep pairs, so it is dated up to ~6 s after the truth.
            double toleranceSeconds = streamId.equals("sport") ? 6.0 : 0.5;
            TruthMatch match = TruthMatch.of(truth.getValue(), closed, toleranceSeconds);
            assertThat(match.missed())
                    .as(streamId + ": injected defects missed")
                    .isEmpty();
            assertThat(match.falseAlarms())
                    .as(streamId + ": defects where nothing was injected")
                    .isEmpty();
            assertThat(match.timingErrors()).as(streamId).isEmpty();
        }
        assertThat(liveDefects)
                .extracting(DefectEvent::getDefectType)
                .contains(
                        DefectType.BLACK_FRAMES,
                        DefectType.FROZEN_FRAMES,
                        DefectType.AUDIO_SILENCE,
                        DefectType.AV_SYNC_OFFSET);
        assertOpenedAndClosedOnce(liveDefects, "live");
        assertThat(partitionOf("news"))
                .as("two streams interleaved in one partition")
                .isEqualTo(partitionOf("sport"))
                .isNotEqualTo(partitionOf("movie"));
        Map<TopicPartition, OffsetSpec> deadLetters = IntStream.range(0, PARTITIONS)
                .boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(Topics.DEAD_LETTER, p), p -> OffsetSpec.latest()));
        assertThat(admin.listOffsets(deadLetters).all().get().values())
                .as("records the job could not read")
                .allSatisfy(end -> assertThat(end.offset()).isZero());
    }

    @ParameterizedTest(name = "fetch sizes: {0}")
    @EnumSource(FetchSizes.class)
    void catchingUpOnTheBacklogAtParallelism4RaisesExactlyTheLiveRunsDefects(FetchSizes fetchSizes) throws Exception {
        String run = "catch-up-" + fetchSizes.name().toLowerCase(Locale.ROOT);
        JobID job = start(run, CATCH_UP_PARALLELISM, fetchSizes.consumerSettings, Topics.FEATURES);
        List<DefectEvent> caughtUp = finish(job, run);

        assertOpenedAndClosedOnce(caughtUp, run);
        assertSameEvents(caughtUp, run);
    }

    /**
     * The backlog is the live run's records, copied in the same order to a topic of this run's own. Its second half
     * is written only once the TaskManager is gone, so the kill always lands in the middle of the backlog, however
     * fast the job reads: a job that read the whole backlog before its first checkpoint made this test flaky.
     */
    @Test
    void catchingUpThroughATaskManagerLossRaisesExactlyTheLiveRunsDefectsOnce() throws Exception {
        String run = "catch-up-failover";
        String features = Topics.FEATURES + "." + run;
        kafka.createTopics(List.of(features), PARTITIONS);
        int half = liveOrder.size() / 2;
        publish(features, liveOrder.subList(0, half));
        JobID job = start(run, CATCH_UP_PARALLELISM, Map.of(), features);
        // Kill the TaskManager once a checkpoint has committed part of the first half.
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        long committed = 0;
        while (committed == 0) {
            assertThat(System.nanoTime())
                    .as("a checkpoint commits part of the backlog")
                    .isLessThan(deadline);
            committed = committedRecords(run, features);
            Thread.sleep(20);
        }
        cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
        publish(features, liveOrder.subList(half, liveOrder.size()));
        cluster.startTaskManager();
        awaitEveryRecordCommitted(job, run, features);
        assertThat(cluster.getExecutionGraph(job).get().getStatusTimestamp(JobStatus.RESTARTING))
                .as("the job restarted on a new TaskManager")
                .isPositive();
        List<DefectEvent> caughtUp = finish(job, run, features);

        assertOpenedAndClosedOnce(caughtUp, run);
        assertSameEvents(caughtUp, run);
    }

    private void publish(String topic, List<Due> records) {
        try (FeaturePublisher publisher =
                new FeaturePublisher(kafka.bootstrapServers(), Map.of(FeaturePublisher.TOPIC_OVERRIDE, topic))) {
            records.forEach(due -> publisher.send(due.record()));
            publisher.flush();
        }
    }

    /**
     * The order three real-time converters started together deliver their records in: each stream's records in the
     * order its converter wrote them, the streams interleaved by media time (a status record keeps its place after
     * the record before it).
     */
    private static List<Due> liveOrder(Map<String, List<SpecificRecord>> converted) {
        List<Due> all = new ArrayList<>();
        for (Map.Entry<String, List<SpecificRecord>> stream : converted.entrySet()) {
            long due = 0;
            long firstUs = Long.MIN_VALUE;
            for (int i = 0; i < stream.getValue().size(); i++) {
                SpecificRecord record = stream.getValue().get(i);
                Long mediaUs = record instanceof VideoFrameFeatures v
                        ? (Long) v.getMediaTimeUs()
                        : record instanceof AudioBlockFeatures a ? (Long) a.getMediaTimeUs() : null;
                if (mediaUs != null) {
                    firstUs = firstUs == Long.MIN_VALUE ? mediaUs : firstUs;
                    // Never earlier than the record before it: the stream's own order is the converter's.
                    due = Math.max(due, mediaUs - firstUs);
                }
                all.add(new Due(due, stream.getKey(), i, record));
            }
        }
        all.sort(Comparator.comparingLong(Due::dueUs)
                .thenComparing(Due::streamId)
                .thenComparingInt(Due::index));
        return all;
    }

    private JobID start(String run, int parallelism, Map<String, String> consumerSettings, String featuresTopic)
            throws Exception {
        kafka.createTopics(List.of(defectsTopic(run)), PARTITIONS);
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--features-topic",
                featuresTopic,
                "--defects-topic",
                defectsTopic(run),
                "--group-id",
                run,
                "--transactional-id-prefix",
                run,
                "--starting-offsets",
                "earliest",
                "--parallelism",
                String.valueOf(parallelism),
                "--checkpoint-interval-ms",
                "300",
                "--profile",
                profile.toString(),
                "--checkpoint-dir",
                dir.resolve("checkpoints-" + run).toUri().toString()));
        consumerSettings.forEach((setting, value) -> args.addAll(List.of("--consumer." + setting, value)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AvmonJob.define(env, JobOptions.fromArgs(args.toArray(String[]::new)));
        JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (cluster.getJobStatus(job).get() != JobStatus.RUNNING) {
            assertThat(System.nanoTime()).as(run + " runs").isLessThan(deadline);
            Thread.sleep(50);
        }
        return job;
    }

    /**
     * Waits until the job has committed its offsets at the end of the feature topic, then for one more checkpoint,
     * so the transactions holding every defect those records raised are committed; cancels the job and returns them.
     */
    private List<DefectEvent> finish(JobID job, String run) throws Exception {
        return finish(job, run, Topics.FEATURES);
    }

    private List<DefectEvent> finish(JobID job, String run, String featuresTopic) throws Exception {
        awaitEveryRecordCommitted(job, run, featuresTopic);
        cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
        return CommittedDefects.readToEnd(kafka.bootstrapServers(), defectsTopic(run));
    }

    private void awaitEveryRecordCommitted(JobID job, String run, String featuresTopic) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (committedRecords(run, featuresTopic) < featureRecords) {
            assertThat(System.nanoTime())
                    .as(run + " reads the whole feature topic")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        awaitCompletedCheckpoints(job, completedCheckpoints(job) + 1);
    }

    /** How far the run's consumer group has committed into its feature topic, summed over its partitions. */
    private long committedRecords(String group, String featuresTopic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(featuresTopic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    private long completedCheckpoints(JobID job) throws Exception {
        return cluster.getExecutionGraph(job)
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    private void awaitCompletedCheckpoints(JobID job, long count) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (completedCheckpoints(job) < count) {
            assertThat(System.nanoTime())
                    .as("checkpoint " + count + " completes")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static int partitionOf(String streamId) {
        return BuiltInPartitioner.partitionForKey(streamId.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    private static String defectsTopic(String run) {
        return Topics.DEFECTS + "." + run;
    }

    private static void assertOpenedAndClosedOnce(List<DefectEvent> events, String run) {
        Map<String, Long> copies = events.stream()
                .collect(Collectors.groupingBy(e -> e.getEventId() + "/" + e.getState(), Collectors.counting()));
        assertThat(copies)
                .as(run + ": each defect's OPENED and CLOSED exactly once")
                .allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
        assertThat(events.stream()
                        .filter(e -> e.getState() == DefectState.CLOSED)
                        .map(DefectEvent::getEventId)
                        .sorted()
                        .toList())
                .as(run + ": every defect opened is closed")
                .isEqualTo(events.stream()
                        .filter(e -> e.getState() == DefectState.OPENED)
                        .map(DefectEvent::getEventId)
                        .sorted()
                        .toList());
    }

    /** The same events as the live run, field for field: ids, states, times, values. */
    private void assertSameEvents(List<DefectEvent> caughtUp, String run) {
        Function<DefectEvent, String> key = e -> e.getEventId() + "/" + e.getState();
        Map<String, String> live =
                liveDefects.stream().collect(Collectors.toMap(key, DefectEvent::toString, (a, b) -> a, TreeMap::new));
        Map<String, String> replayed =
                caughtUp.stream().collect(Collectors.toMap(key, DefectEvent::toString, (a, b) -> a, TreeMap::new));
        assertThat(replayed).as(run + " against the live run").isEqualTo(live);
    }

    /** A record and when a real-time converter would have sent it, in µs from the streams' common start. */
    private record Due(long dueUs, String streamId, int index, SpecificRecord record) {}
}
