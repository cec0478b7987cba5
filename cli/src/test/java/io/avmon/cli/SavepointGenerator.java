package io.avmon.cli;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.converter.FeaturePublisher;
import io.avmon.converter.StreamRunner;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Topics;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the savepoint a release leaves behind for {@link SavepointUpgradeTest}: run by hand on the release's code
 * and commit what it writes to {@code cli/src/test/resources/savepoints/<version>/}. Through surefire, so that the
 * reactor's own modules are on the classpath (its name keeps it out of ordinary test runs):
 * <pre>
 * mvn -o -q test -pl cli -am -Dtest=SavepointGenerator -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Davmon.savepoint.version=0.1.0
 * </pre>
 * The job reads the clip up to {@link #CUT_SECONDS}, in the middle of the frozen stretch: the freeze is OPENED and
 * the frozen-frame detector holds the picture it compares against. Then the job stops with a canonical savepoint.
 * Next to the savepoint go the number of feature records read before it, the ingest time of the last of them, and
 * the id of the open defect, so that the test can hand the restored job the rest of the same stream.
 */
public class SavepointGenerator {

    static final String STREAM_ID = "upgrade";
    /** Media seconds read before the savepoint: two seconds into the freeze's raised state. */
    static final double CUT_SECONDS = 6;

    static final String RECORDS_BEFORE = "records.before.savepoint";
    static final String LAST_INGEST_MS = "last.ingest.ms";
    static final String OPEN_DEFECT_ID = "open.defect.id";
    static final String WRITTEN_BY = "written.by";

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Test
    @EnabledIfSystemProperty(named = "avmon.savepoint.version", matches = ".+")
    void writeTheReleasesSavepoint() throws Exception {
        main(new String[0]);
    }

    /** Motion, a freeze from 2 s to 8 s (raised at 4 s), motion, black from 11 s to 15 s, motion. */
    static Clip writeClip(Path file) throws IOException {
        return ClipWriter.write(
                ClipSpec.builder()
                        .size(320, 180)
                        .seed(31)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(6, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                file);
    }

    /** The clip's feature records as the converter writes them, decoded once as fast as it goes. */
    static List<SpecificRecord> decode(Clip clip) {
        List<SpecificRecord> records = new ArrayList<>();
        new StreamRunner(StreamRunner.Options.of(clip.file().toString(), STREAM_ID), records::add).run();
        return records;
    }

    /** How many records come before the first frame at {@link #CUT_SECONDS}. */
    static int cut(List<SpecificRecord> records) {
        Long firstUs = null;
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) instanceof VideoFrameFeatures frame) {
                firstUs = firstUs == null ? frame.getMediaTimeUs() : firstUs;
                if (frame.getMediaTimeUs() - firstUs >= CUT_SECONDS * 1e6) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("the clip ends before " + CUT_SECONDS + " s");
    }

    static long ingestTimeMs(SpecificRecord record) {
        return (Long) record.get(record.getSchema().getField("ingestTimeMs").pos());
    }

    /** The same record, ingested {@code shiftMs} later: every feature and status record carries ingestTimeMs. */
    static void shiftIngestTime(SpecificRecord record, long shiftMs) {
        Schema.Field field = record.getSchema().getField("ingestTimeMs");
        record.put(field.pos(), ingestTimeMs(record) + shiftMs);
    }

    /** The job's flags, the same for the release that writes the savepoint and the build that restores it. */
    static List<String> jobArgs(String bootstrapServers, Path profile, Path checkpoints) {
        return List.of(
                "--bootstrap-servers",
                bootstrapServers,
                "--starting-offsets",
                "earliest",
                "--parallelism",
                "1",
                "--checkpoint-interval-ms",
                "500",
                "--profile",
                profile.toString(),
                "--checkpoint-dir",
                checkpoints.toUri().toString());
    }

    /** Stall detection is judged on the processing clock, which a stop and a restore interrupt: it stays off. */
    static Path stallOffProfile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("profile.yaml"), "defaults:\n  stream-stall: { enabled: false }\n");
    }

    public static void main(String[] args) throws Exception {
        String version = System.getProperty("avmon.savepoint.version");
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("set -Davmon.savepoint.version=<the release's version>");
        }
        Path target = Path.of(System.getProperty("avmon.savepoint.dir", "src/test/resources/savepoints"))
                .resolve(version);
        Path work = Files.createTempDirectory("savepoint-generator");
        Clip clip = writeClip(work.resolve("upgrade.ts"));
        List<SpecificRecord> records = decode(clip);
        int cut = cut(records);

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
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            AvmonJob.define(
                    env,
                    JobOptions.fromArgs(
                            jobArgs(kafka.bootstrapServers(), stallOffProfile(work), work.resolve("checkpoints"))
                                    .toArray(String[]::new)));
            JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
            try (FeaturePublisher publisher = new FeaturePublisher(kafka.bootstrapServers(), Map.of())) {
                records.subList(0, cut).forEach(publisher::send);
                publisher.flush();
            }
            awaitCommitted(admin, cut);
            DefectEvent opened;
            try (CommittedDefects.Watch watch = new CommittedDefects.Watch(kafka.bootstrapServers())) {
                opened = watch.awaitFirst(
                        e -> e.getDefectType() == DefectType.FROZEN_FRAMES && e.getState() == DefectState.OPENED,
                        TIMEOUT,
                        "OPENED freeze");
            }
            String savepoint = cluster.stopWithSavepoint(
                            job, work.resolve("savepoints").toUri().toString(), false, SavepointFormatType.CANONICAL)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            Files.createDirectories(target);
            Path source = Path.of(java.net.URI.create(savepoint));
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
            Properties properties = new Properties();
            properties.setProperty(RECORDS_BEFORE, Integer.toString(cut));
            properties.setProperty(LAST_INGEST_MS, Long.toString(ingestTimeMs(records.get(cut - 1))));
            properties.setProperty(OPEN_DEFECT_ID, opened.getEventId());
            properties.setProperty(WRITTEN_BY, "avmon " + version);
            try (OutputStream out = Files.newOutputStream(target.resolve("savepoint.properties"))) {
                properties.store(out, "written by SavepointGenerator: see SavepointUpgradeTest");
            }
            System.out.println("savepoint of avmon " + version + " written to " + target.toAbsolutePath());
        }
    }

    private static void awaitCommitted(Admin admin, long offset) throws Exception {
        TopicPartition partition = new TopicPartition(Topics.FEATURES, 0);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(
                            JobOptions.defaults().groupId())
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition);
            if (committed != null && committed.offset() >= offset) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job did not read the records before the savepoint");
            }
            Thread.sleep(100);
        }
    }
}
