package io.avmon.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StreamIdRuleTest {

    @Test
    void acceptsTheIdsTheReadmeAndDeploymentsUse() {
        assertThat(StreamIdRule.problem("channel-7")).isNull();
        assertThat(StreamIdRule.problem("demo-channel")).isNull();
        assertThat(StreamIdRule.problem("site_3.cam-1")).isNull();
        assertThat(StreamIdRule.problem("x".repeat(StreamIdRule.MAX_LENGTH))).isNull();
    }

    @Test
    void refusesATenKilobyteIdSayingHowLongItIs() {
        assertThat(StreamIdRule.problem("a".repeat(10_240)))
                .isEqualTo("stream id is 10240 characters long, more than 128");
    }

    @Test
    void refusesControlCharactersAndPathSeparatorsNamingThemWithoutEchoingTheId() {
        assertThat(StreamIdRule.problem("cam\u0000one")).contains("control character U+0000 at position 3");
        assertThat(StreamIdRule.problem("cam\nevil"))
                .contains("control character U+000A")
                .doesNotContain("\n");
        assertThat(StreamIdRule.problem("../../etc/passwd")).contains("position 0");
        assertThat(StreamIdRule.problem("a/b")).contains("path separator '/' at position 1");
        assertThat(StreamIdRule.problem("a\\b")).contains("path separator '\\'");
        assertThat(StreamIdRule.problem("a b")).contains("whitespace");
        assertThat(StreamIdRule.problem("caméra")).contains("non-ASCII character U+00E9");
        assertThat(StreamIdRule.problem("")).isEqualTo("stream id is empty");
        assertThat(StreamIdRule.problem(null)).isEqualTo("stream id is empty");
    }

    @Test
    void requireThrowsTheProblemAsItsMessage() {
        assertThat(StreamIdRule.require("cam-1")).isEqualTo("cam-1");
        assertThatThrownBy(() -> StreamIdRule.require("a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path separator");
    }

    @Test
    void sanitiseTurnsAnyFileNameIntoAValidId() {
        assertThat(StreamIdRule.sanitise("clip")).isEqualTo("clip");
        assertThat(StreamIdRule.sanitise("my clip (1)")).isEqualTo("my_clip__1_");
        assertThat(StreamIdRule.sanitise(".hidden")).isEqualTo("_.hidden");
        assertThat(StreamIdRule.sanitise("-rf")).isEqualTo("_-rf");
        assertThat(StreamIdRule.sanitise("caméra\u0007")).isEqualTo("cam_ra_");
        assertThat(StreamIdRule.sanitise("")).isEqualTo("stream");
        assertThat(StreamIdRule.sanitise("b".repeat(500))).hasSize(StreamIdRule.MAX_LENGTH);
        for (String name : new String[] {"my clip (1)", ".hidden", "-rf", "caméra\u0007", "", "b".repeat(500)}) {
            assertThat(StreamIdRule.isValid(StreamIdRule.sanitise(name)))
                    .as(name)
                    .isTrue();
        }
    }
}
