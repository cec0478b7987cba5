package io.avmon.job.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.DefectType;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ProfileAttacherTest {
    private static final String START = "defaults:\n  black-frames: { min-duration: 4s }\n";
    private static final String SLATE_OFF = """
            defaults:
              black-frames: { min-duration: 6s }
            streams:
              slate: { frozen-frames: { enabled: false } }
            """;

    /** Not yet opened, so a test can restore it first. */
    private static KeyedBroadcastOperatorTestHarness<String, MediaEvent, String, MediaEvent> harness()
            throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new ProfileAttacher(ProfileYaml.parse(START)), List.of(ProfileAttacher.PROFILE_STATE)),
                new DetectorTopology.StreamIdKey(),
                Types.STRING,
                1,
                1,
                0);
    }

    private static DetectionProfile attached(
            KeyedBroadcastOperatorTestHarness<String, MediaEvent, String, MediaEvent> harness, String streamId)
            throws Exception {
        harness.getOutput().clear();
        // The profile is transient: the harness's copy of the output drops it, so read it off the record sent in,
        // the instance the chain hands on.
        MediaEvent event = MediaEvent.of(Features.block(streamId, 0, -20f, -6f));
        harness.processElement(event, 0);
        assertThat(harness.extractOutputValues()).hasSize(1);
        return event.profile;
    }

    @Test
    void attachesTheStartBookUntilADocumentArrives() throws Exception {
        try (var harness = harness()) {
            harness.open();
            assertThat(attached(harness, "news").policy(DefectType.BLACK_FRAMES).minDuration())
                    .isEqualTo(Duration.ofSeconds(4));
        }
    }

    @Test
    void aDocumentAppliesPerStreamFromTheNextRecord() throws Exception {
        try (var harness = harness()) {
            harness.open();
            harness.processBroadcastElement(SLATE_OFF, 0);

            DetectionProfile news = attached(harness, "news");
            DetectionProfile slate = attached(harness, "slate");
            assertThat(news.policy(DefectType.BLACK_FRAMES).minDuration()).isEqualTo(Duration.ofSeconds(6));
            assertThat(news.policy(DefectType.FROZEN_FRAMES).enabled()).isTrue();
            assertThat(slate.policy(DefectType.FROZEN_FRAMES).enabled()).isFalse();
            assertThat(slate.policy(DefectType.BLACK_FRAMES).minDuration()).isEqualTo(Duration.ofSeconds(6));
            assertThat(attached(harness, "news"))
                    .as("one instance per stream and revision")
                    .isSameAs(news);
        }
    }

    @Test
    void aDocumentThatDoesNotReadLeavesTheBookInForce() throws Exception {
        try (var harness = harness()) {
            harness.open();
            harness.processBroadcastElement(SLATE_OFF, 0);
            harness.processBroadcastElement("defaults: { black-frames: { min-duration: soon } }", 0);

            assertThat(attached(harness, "slate")
                            .policy(DefectType.FROZEN_FRAMES)
                            .enabled())
                    .isFalse();
            assertThat(harness.getBroadcastState(ProfileAttacher.PROFILE_STATE).get("document"))
                    .isEqualTo(SLATE_OFF);
        }
    }

    @Test
    void aRestoredJobKeepsTheLastDocument() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness()) {
            harness.open();
            harness.processBroadcastElement(SLATE_OFF, 0);
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            assertThat(attached(restored, "slate")
                            .policy(DefectType.FROZEN_FRAMES)
                            .enabled())
                    .isFalse();
            assertThat(attached(restored, "news")
                            .policy(DefectType.BLACK_FRAMES)
                            .minDuration())
                    .isEqualTo(Duration.ofSeconds(6));
        }
    }
}
