package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.kafka.EmbeddedKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The demo, run as a user runs it, on free ports and for a bounded time. */
class DemoCommandTest {

    @Test
    void printsBlackStretchOfGeneratedClipAndStopsCleanly() throws Exception {
        String kafkaPort = String.valueOf(EmbeddedKafka.freePort());
        String webPort = String.valueOf(EmbeddedKafka.freePort());

        AnalyzeCommandTest.Result result =
                AnalyzeCommandTest.run("demo", "--kafka-port", kafkaPort, "--web-port", webPort, "--run-for", "24");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("Kafka:        127.0.0.1:" + kafkaPort)
                .contains("http://localhost:" + webPort)
                .containsPattern("OPENED +BLACK_FRAMES .*demo-channel +since 0:00:10\\.")
                .contains("stopping...")
                .contains("stopped.");
    }

    @Test
    void takenKafkaPortIsOneLineAndExitTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AnalyzeCommandTest.Result result = AnalyzeCommandTest.run(
                    "demo", "--kafka-port", String.valueOf(taken.getLocalPort()), "--input", "/dev/null");

            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.err().strip())
                    .startsWith("avmon: port 127.0.0.1:" + taken.getLocalPort() + " is in use")
                    .doesNotContain("\n");
        }
    }

    @Test
    void aStreamIdThatCouldNotBeANameIsOneLineAndExitTwoBeforeAnythingStarts() {
        AnalyzeCommandTest.Result result =
                AnalyzeCommandTest.run("demo", "--stream-id", "studio 1", "--input", "/dev/null");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip())
                .startsWith("avmon: --stream-id: stream id has whitespace U+0020 at position 6")
                .doesNotContain("\n");
    }
}
