package io.avmon.cli;

import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.job.AvmonJob;
import io.avmon.job.JobOptions;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.Topics;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker restarted while a live converter and the job run, in the middle of a defect: the converter buffers and
 * resumes (BrokerRestartTest), the job's transactions and offsets survive on the broker's disk, and a read_committed
 * consumer still gets every defect's OPENED and CLOSED exactly once.
 *
 * <p>Stall detection is off here. The job judges a stall on its own clock, and a Kafka outage longer than the stall's
 * raise delay starves it of every stream's records, as README's Failure behaviour says: that is a known limit, not
 * the injected truth.
 */
class BrokerRestartDefectsTest {

    private static final String HOST = "127.0.0.1";

    @TempDir
    Path dir;

    @Test
    @Timeout(400)
    void aBrokerRestartedDuringADefectLosesNoDefectEventAndDoublesNone() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(41)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(4, VideoKind.MOTION, AudioContent.SILENCE)
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("restart.ts"));
        Path profile =
                Files.writeString(dir.resolve("profile.yaml"), "defaults:\n  stream-stall: { enabled: false }\n");
        int port = EmbeddedKafka.freePort();
        Path data = dir.resolve("kafka");
        EmbeddedKafka kafka = EmbeddedKafka.start(HOST, port, data, false);
        JobClient job = null;
        try {
            kafka.createTopics(Topics.ALL, 1);
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_PORT, "0");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            AvmonJob.define(env, JobOptions.fromArgs(new String[] {
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--checkpoint-interval-ms", "500",
                "--starting-offsets", "earliest",
                "--parallelism", "1",
                "--profile", profile.toString()
            }));
            job = env.executeAsync("avmon broker restart");

            // Down from 6 s, inside the black stretch (4 s to 9 s), for 4 s.
            CompletableFuture<Void> cue = new CompletableFuture<>();
            Thread converter =
                    FailoverRig.playLive(kafka.bootstrapServers(), Topics.FEATURES, clip, "restart", 6.0, cue);
            cue.get(60, TimeUnit.SECONDS);
            kafka.close();
            Thread.sleep(4_000);
            kafka = EmbeddedKafka.start(HOST, port, data, false);
            converter.join(TimeUnit.MINUTES.toMillis(2));

            List<DefectEvent> events = CommittedDefects.readAll(
                    kafka.bootstrapServers(), 2 * clip.truth().size(), Duration.ofSeconds(150));
            FailoverRig.assertExactlyOnceAgainstTruth(events, clip.truth(), "broker restart");
        } finally {
            if (job != null) {
                job.cancel().get();
            }
            kafka.close();
        }
    }
}
