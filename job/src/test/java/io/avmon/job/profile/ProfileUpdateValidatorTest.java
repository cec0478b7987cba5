package io.avmon.job.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.core.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProfileUpdateValidatorTest {
    private OneInputStreamOperatorTestHarness<ProfileUpdate, String> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new ProfileUpdateValidator());
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ProfileUpdate update(long offset, byte[] value) {
        return new ProfileUpdate("avmon.control", 0, offset, "profile".getBytes(StandardCharsets.UTF_8), value);
    }

    private DeadLetter rejected() {
        return harness.getSideOutput(ProfileUpdateValidator.REJECTED).poll().getValue();
    }

    @Test
    void passesAGoodDocumentOnAsText() throws Exception {
        String document = "streams:\n  news: { black-frames: { enabled: false } }\n";
        harness.processElement(update(3, document.getBytes(StandardCharsets.UTF_8)), 0);
        assertThat(harness.extractOutputValues()).containsExactly(document);
        assertThat(harness.getSideOutput(ProfileUpdateValidator.REJECTED)).isNull();
    }

    @Test
    void sendsAMalformedDocumentToTheDeadLettersByteForByteWithItsCause() throws Exception {
        byte[] value = "defaults:\n  black-frames: { min-duration: 3 }\n".getBytes(StandardCharsets.UTF_8);
        harness.processElement(update(7, value), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter letter = rejected();
        assertThat(letter.value).isEqualTo(value);
        assertThat(letter.offset).isEqualTo(7);
        assertThat(letter.topic).isEqualTo("avmon.control");
        assertThat(letter.error)
                .isEqualTo(
                        "profile rejected, the last good profile stays in force: "
                                + "defaults.black-frames.min-duration: must be a duration with a unit (500ms, 3s, 2min, 1h), not \"3\"");
    }

    @Test
    void rejectsAThresholdOutsideItsRange() throws Exception {
        harness.processElement(
                update(
                        8,
                        "defaults:\n  black-frames: { min-black-pixel-share: 95 }\n".getBytes(StandardCharsets.UTF_8)),
                0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(rejected().error)
                .isEqualTo("profile rejected, the last good profile stays in force: "
                        + "defaults.black-frames.min-black-pixel-share: 95 is out of range (0 to 1)");
    }

    @Test
    void rejectsBytesThatAreNotUtf8AndTombstones() throws Exception {
        harness.processElement(update(1, new byte[] {(byte) 0xC3, (byte) 0x28}), 0);
        harness.processElement(update(2, null), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(rejected().error).endsWith("the value is not UTF-8 text");
        assertThat(rejected().error).contains("tombstone");
    }
}
