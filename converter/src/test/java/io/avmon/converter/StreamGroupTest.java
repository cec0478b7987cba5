package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avmon.schema.InputState;
import io.avmon.schema.StreamStatus;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Several runners in one process: a failed input is reported and left behind; a failed sink stops them all. */
class StreamGroupTest {
    @TempDir
    static Path dir;

    static Clip clip;

    @BeforeAll
    static void writeClip() throws Exception {
        clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(160, 90)
                        .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("one-second.ts"));
    }

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
