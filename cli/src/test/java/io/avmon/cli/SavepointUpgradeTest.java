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
import io.avmon.schema.Topics;
import io.avmon.testmedia.Clip;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A savepoint taken by a released build restores into this one, as Flink's own migration tests keep theirs: each
 * folder of {@code src/test/resources/savepoints/} holds one release's savepoint, written by
 * {@link SavepointGenerator} mid-freeze, and the job of this build starts from it with the rest of the same stream.
 * The open freeze must close exactly once and not be raised again, the black stretch after it must be raised and
 * closed once, and nothing else. Where the freeze ends depends on the savepoint's age: the stateful detectors'
 * per-stream state expires {@link DefectKind#STATE_RETENTION} after its last update on the wall clock, so in a
 * savepoint older than that (every kept one) it comes back expired, and the freeze closes at the restore. The
 * state is still read, with this build's serializers, when the detector opens: a change that cannot read it fails. Restoring never drops state ({@code allowNonRestoredState} stays off), so a change
 * that cannot read a release's state fails here, and the release notes must say so (README, "Upgrades and the state
 * they keep").
 */
class SavepointUpgradeTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String FROZEN_FRAME_DETECTOR_UID = "frozen-frame-detector";
    private static final double FREEZE_END_SECONDS = 8;

    @TempDir
    Path dir;

    static Stream<String> releases() throws IOException, URISyntaxException {
        Path savepoints =
                Path.of(SavepointUpgradeTest.class.getResource("/savepoints").toURI());
        try (Stream<Path> folders = Files.list(savepoints)) {
            return folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "savepoint of avmon {0}")
    @MethodSource("releases")
    void aReleasesSavepointTakenMidFreezeRestoresAndTheFreezeClosesOnceAndDetectionGoesOn(String release)
            throws Exception {
        Path savepoint = copyOfSavepoint(release);
        Properties written = new Properties();
        try (InputStream in = Files.newInputStream(savepoint.resolve("savepoint.properties"))) {
            written.load(in);
        }
        int recordsBefore = Integer.parseInt(written.getProperty(SavepointGenerator.RECORDS_BEFORE));
        long lastIngestMs = Long.parseLong(written.getProperty(SavepointGenerator.LAST_INGEST_MS));
        String openFreezeId = written.getProperty(SavepointGenerator.OPEN_DEFECT_ID);
        // State expiry runs on the wall clock (0.1.0's Flink TTL, the detectors' expiry timers since), and the time a
        // job was stopped counts: a savepoint restored later than the retention after it was taken brings the
        // stateful detectors' per-stream state back expired.
        // A kept release savepoint always is; one just written by SavepointGenerator is not.
        boolean detectorStateExpired =
                System.currentTimeMillis() - lastIngestMs > DefectKind.STATE_RETENTION.toMillis();

        Clip clip = SavepointGenerator.writeClip(dir.resolve("upgrade.ts"));
        List<SpecificRecord> records = SavepointGenerator.decode(clip);
        assertThat(SavepointGenerator.cut(records))
                .as("the clip decodes to the records the release read")
                .isEqualTo(recordsBefore);

        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        try (EmbeddedKafka kafka = EmbeddedKafka.startOnFreePort();
                Admin admin = kafka.admin();
                MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                        .setConfiguration(conf)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(1)
                        .build())) {
            kafka.createTopics(Topics.ALL, 1);
            cluster.start();
            // The records before the savepoint keep the offsets the release's source state points past; the rest
            // arrive as the live converter would have sent them on, ingest times continuing from the release's.
            long shiftMs = lastIngestMs - SavepointGenerator.ingestTimeMs(records.get(recordsBefore - 1));
            records.subList(recordsBefore, records.size())
                    .forEach(record -> SavepointGenerator.shiftIngestTime(record, shiftMs));
            try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                records.forEach(publisher::send);
                publisher.flush();
            }

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            AvmonJob.define(
                    env,
                    JobOptions.fromArgs(SavepointGenerator.jobArgs(
                                    kafka.bootstrapServers(),
                                    SavepointGenerator.stallOffProfile(dir),
                                    dir.resolve("checkpoints"))
                            .toArray(String[]::new)));
            StreamGraph graph = env.getStreamGraph();
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint.toString(), false));
            assertThat(graph.getSavepointRestoreSettings().allowNonRestoredState())
                    .as("a restore that would drop state fails instead")
                    .isFalse();
            assertThat(keyedStateBytes(savepoint, graph, FROZEN_FRAME_DETECTOR_UID))
                    .as("the frozen-frame detector's state in the savepoint")
                    .isPositive();

            JobID job = cluster.submitJob(graph).get().getJobID();
            awaitEveryRecordRead(cluster, job, admin, records.size());
            cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
            List<DefectEvent> events = CommittedDefects.readToEnd(kafka.bootstrapServers(), Topics.DEFECTS);

            Map<String, Long> copies = events.stream()
                    .collect(Collectors.groupingBy(e -> e.getEventId() + "/" + e.getState(), Collectors.counting()));
            assertThat(copies)
                    .as("each event once")
                    .allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
            assertThat(events)
                    .filteredOn(e -> e.getDefectType() == DefectType.FROZEN_FRAMES)
                    .as("the freeze the release had raised closes, and is not raised again")
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.getState()).isEqualTo(DefectState.CLOSED);
                        assertThat(e.getEventId()).isEqualTo(openFreezeId);
                        assertThat(e.getEndMediaTimeMs() / 1000.0)
                                .as(
                                        detectorStateExpired
                                                ? "the detector's state expired: the freeze ends where the restore begins"
                                                : "the detector's state carried over: the freeze ends with the picture's")
                                .isCloseTo(
                                        detectorStateExpired ? SavepointGenerator.CUT_SECONDS : FREEZE_END_SECONDS,
                                        Offset.offset(0.5));
                    });
            assertThat(events)
                    .filteredOn(e -> e.getDefectType() == DefectType.BLACK_FRAMES)
                    .as("the black stretch after the restore is raised and closed")
                    .extracting(DefectEvent::getState)
                    .containsExactlyInAnyOrder(DefectState.OPENED, DefectState.CLOSED);
            TruthMatch match = TruthMatch.of(
                    clip.truth().stream()
                            .filter(injected -> injected.defectType() != DefectType.FROZEN_FRAMES)
                            .toList(),
                    events.stream()
                            .filter(e -> e.getState() == DefectState.CLOSED)
                            .filter(e -> e.getDefectType() != DefectType.FROZEN_FRAMES)
                            .toList(),
                    0.5);
            assertThat(match.missed()).isEmpty();
            assertThat(match.falseAlarms()).isEmpty();
            assertThat(match.timingErrors()).isEmpty();
        }
    }

    /** The release's folder, copied: a restore must never touch the kept resource. */
    private Path copyOfSavepoint(String release) throws IOException, URISyntaxException {
        Path kept = Path.of(
                SavepointUpgradeTest.class.getResource("/savepoints/" + release).toURI());
        Path copy = Files.createDirectories(dir.resolve("savepoint-" + release));
        try (Stream<Path> files = Files.list(kept)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    /** Bytes of keyed state the savepoint holds for the operator this build gives {@code uid}. */
    private static long keyedStateBytes(Path savepoint, StreamGraph graph, String uid) throws IOException {
        OperatorID operator = null;
        for (JobVertex vertex : graph.getJobGraph().getVertices()) {
            for (OperatorIDPair pair : vertex.getOperatorIDs()) {
                if (uid.equals(pair.getUserDefinedOperatorUid())) {
                    operator = pair.getGeneratedOperatorID();
                }
            }
        }
        assertThat(operator).as("an operator with uid " + uid).isNotNull();
        CheckpointMetadata metadata;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(savepoint.resolve("_metadata")))) {
            metadata = Checkpoints.loadCheckpointMetadata(
                    in, SavepointUpgradeTest.class.getClassLoader(), savepoint.toString());
        }
        long bytes = 0;
        for (OperatorState state : metadata.getOperatorStates()) {
            if (state.getOperatorID().equals(operator)) {
                for (OperatorSubtaskState subtask : state.getStates()) {
                    bytes += subtask.getManagedKeyedState().getStateSize();
                }
            }
        }
        return bytes;
    }

    /**
     * Waits until the job has committed its offsets at the end of the feature topic, then for one more checkpoint,
     * whose transaction holds the last events. A job that failed to restore fails the test with its cause.
     */
    private static void awaitEveryRecordRead(MiniCluster cluster, JobID job, Admin admin, long records)
            throws Exception {
        TopicPartition partition = new TopicPartition(Topics.FEATURES, 0);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            ErrorInfo failure = cluster.getExecutionGraph(job).get().getFailureInfo();
            if (failure != null) {
                throw new AssertionError(
                        "the job failed on this build's restore of the savepoint: " + failure.getExceptionAsString());
            }
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(
                            JobOptions.defaults().groupId())
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition);
            if (committed != null && committed.offset() >= records) {
                break;
            }
            assertThat(System.nanoTime())
                    .as("the job reads the whole feature topic")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        long completed = completedCheckpoints(cluster, job);
        while (completedCheckpoints(cluster, job) <= completed) {
            assertThat(System.nanoTime()).as("one more checkpoint").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static long completedCheckpoints(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job)
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }
}
