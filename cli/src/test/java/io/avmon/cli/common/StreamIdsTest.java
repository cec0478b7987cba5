package io.avmon.cli.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.StreamIdRule;
import org.junit.jupiter.api.Test;

class StreamIdsTest {

    @Test
    void aFileNameBecomesItsBaseNameWithoutExtension() {
        assertThat(StreamIds.fromFileName("/media/in/channel-7.ts")).isEqualTo("channel-7");
        assertThat(StreamIds.fromFileName("http://example.net/live/feed.m3u8")).isEqualTo("feed");
    }

    @Test
    void aFileNameTheRuleWouldRefuseIsSanitisedNotRefused() {
        assertThat(StreamIds.fromFileName("/media/my clip (1).ts")).isEqualTo("my_clip__1_");
        assertThat(StreamIds.fromFileName("/media/.hidden")).isEqualTo("_.hidden");
        assertThat(StreamIds.fromFileName("/media/caméra\u0007.mp4")).isEqualTo("cam_ra_");
        assertThat(StreamIds.fromFileName("/media/" + "n".repeat(300) + ".ts")).hasSize(StreamIdRule.MAX_LENGTH);
    }

    @Test
    void aSuffixForADuplicateNameKeepsTheIdWithinTheRule() {
        assertThat(StreamIds.withSuffix("clip", 2)).isEqualTo("clip-2");
        String longest = "n".repeat(StreamIdRule.MAX_LENGTH);
        assertThat(StreamIds.withSuffix(longest, 12))
                .hasSize(StreamIdRule.MAX_LENGTH)
                .endsWith("-12");
        assertThat(StreamIdRule.isValid(StreamIds.withSuffix(longest, 12))).isTrue();
    }

    @Test
    void aBadStreamIdOptionIsOneLineNamingTheOption() {
        assertThat(StreamIds.optionProblem("channel-7")).isNull();
        assertThat(StreamIds.optionProblem("a/b"))
                .startsWith("--stream-id: stream id has path separator '/'")
                .doesNotContain("\n");
        assertThat(StreamIds.optionProblem("cam\n1"))
                .contains("control character U+000A")
                .doesNotContain("\n");
    }
}
