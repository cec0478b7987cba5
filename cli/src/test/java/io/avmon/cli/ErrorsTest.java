package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.cli.common.Errors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    @Test
    void keepsOurMessageOverTheLibraryCauseItQuotes() {
        Exception timeout = new TimeoutException("Timed out waiting for a node assignment. Call: listNodes");
        Exception ours =
                new IllegalStateException("Kafka unreachable at 127.0.0.1:1: " + timeout.getMessage(), timeout);

        assertThat(Errors.oneLine(ours))
                .isEqualTo(
                        "Kafka unreachable at 127.0.0.1:1: Timed out waiting for a node assignment. Call: listNodes");
    }

    @Test
    void skipsWrappersThatOnlyRestateTheirCause() {
        Exception cause = new IllegalArgumentException("clip.ts: no such file");

        assertThat(Errors.oneLine(new RuntimeException(new ExecutionException(cause))))
                .isEqualTo("clip.ts: no such file");
    }

    @Test
    void isOneLineEvenForMultiLineMessages() {
        assertThat(Errors.oneLine(new IllegalStateException("first line\n  at detail\n  more")))
                .isEqualTo("first line");
    }
}
