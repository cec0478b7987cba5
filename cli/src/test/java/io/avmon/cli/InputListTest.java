package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inputs of a multi-stream convert: --input values, then the --inputs file, each problem one line. */
class InputListTest {

    @TempDir
    Path dir;

    @Test
    void inputOptionsComeFirstThenTheFilesLinesSkippingCommentsAndBlankLines() throws Exception {
        Path file = Files.writeString(dir.resolve("channels.txt"), """
                # the morning shift
                ch-2   udp://@:5002

                  ch-3\t/media/my clip.ts
                """);

        List<InputList.Input> inputs = InputList.parse(List.of("ch-1=srt://host:9000?mode=caller"), file);

        assertThat(inputs)
                .containsExactly(
                        new InputList.Input("ch-1", "srt://host:9000?mode=caller", "--input #1"),
                        new InputList.Input("ch-2", "udp://@:5002", file + ":2"),
                        new InputList.Input("ch-3", "/media/my clip.ts", file + ":4"));
    }

    @Test
    void aStreamIdGivenTwiceNamesBothPlaces() throws Exception {
        Path file = Files.writeString(dir.resolve("twice.txt"), "ch-1 a.ts\nch-9 b.ts\nch-1 c.ts\n");

        assertThatThrownBy(() -> InputList.parse(List.of(), file))
                .hasMessage(file + ":3: stream id 'ch-1' is given twice (first at " + file + ":1)");
        assertThatThrownBy(() -> InputList.parse(List.of("ch-9=x.ts"), file))
                .hasMessage(file + ":2: stream id 'ch-9' is given twice (first at --input #1)");
    }

    @Test
    void aLineWithoutAUrlNamesItsLineAndTheExpectedForm() throws Exception {
        Path file = Files.writeString(dir.resolve("short.txt"), "ch-1 a.ts\n\nch-2\n");

        assertThatThrownBy(() -> InputList.parse(List.of(), file))
                .hasMessage(file + ":3: expected '<stream-id> <url>'");
    }

    @Test
    void aBadStreamIdNamesItsLineWithoutEchoingTheId() throws Exception {
        Path file = Files.writeString(dir.resolve("bad-id.txt"), "../etc/x a.ts\n");

        assertThatThrownBy(() -> InputList.parse(List.of(), file))
                .hasMessage(file + ":1: stream id has '.' at position 0; allowed are letters, digits, '.', '_' and"
                        + " '-', not starting with '.' or '-'");
    }

    @Test
    void anInputOptionWithoutEqualsSignOrIdIsRefusedByPosition() {
        assertThatThrownBy(() -> InputList.parse(List.of("a=x.ts", "udp://@:5000"), null))
                .hasMessage("--input #2: expected <stream-id>=<url>");
        assertThatThrownBy(() -> InputList.parse(List.of("=x.ts"), null)).hasMessage("--input #1: stream id is empty");
        assertThatThrownBy(() -> InputList.parse(List.of("a="), null)).hasMessage("--input #1: stream 'a' has no url");
    }

    @Test
    void aFileWithOnlyCommentsIsAnEmptyListAndAMissingFileIsNamed() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "# nothing yet\n\n");
        Path missing = dir.resolve("missing.txt");

        assertThatThrownBy(() -> InputList.parse(List.of(), empty))
                .hasMessage("--inputs " + empty + ": no inputs (one '<stream-id> <url>' a line, '#' starts a comment)");
        assertThatThrownBy(() -> InputList.parse(List.of(), missing))
                .hasMessage("--inputs " + missing + ": no such file");
    }
}
