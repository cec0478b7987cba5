package io.avmon.cli;

import io.avmon.schema.StreamIdRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of one converter process that runs several streams: each {@code --input <stream-id>=<url>} and each
 * line {@code <stream-id> <url>} of an {@code --inputs} file, in that order. In the file, blank lines and lines
 * starting with {@code #} are skipped, and the URL is the rest of the line after the stream id and its blanks, so a
 * path may hold spaces. Every stream id must pass {@link StreamIdRule} and be given once; a problem is one line
 * naming the option (by its position) or the file and line, never echoing a raw id, thrown as {@link IllegalArgumentException}.
 */
final class InputList {
    /** One input: its stream id, its URL or path, and where it was given ("--input #2" or "file:line"). */
    record Input(String streamId, String url, String origin) {}

    private static final String LINE_FORM = "'<stream-id> <url>'";

    private final List<Input> inputs = new ArrayList<>();
    private final Map<String, String> originById = new HashMap<>();

    private InputList() {}

    /**
     * @param inputOptions the {@code --input} values, or an empty list
     * @param inputsFile   the {@code --inputs} file, or null
     */
    static List<Input> parse(List<String> inputOptions, Path inputsFile) {
        InputList list = new InputList();
        for (int number = 1; number <= inputOptions.size(); number++) {
            String option = inputOptions.get(number - 1);
            // Named by position, not by its text: the id may hold characters a log line should not (StreamIdRule).
            String origin = "--input #" + number;
            // A stream id has no '=', a URL may (a query string): the first one separates them.
            int equals = option.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException(origin + ": expected <stream-id>=<url>");
            }
            list.add(option.substring(0, equals), option.substring(equals + 1).strip(), origin);
        }
        if (inputsFile != null) {
            list.addFile(inputsFile);
        }
        if (list.inputs.isEmpty()) {
            throw new IllegalArgumentException("no inputs: give --input <stream-id>=<url> or --inputs FILE");
        }
        return List.copyOf(list.inputs);
    }

    private void addFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--inputs " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("--inputs " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        int before = inputs.size();
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String origin = file + ":" + number;
            int blank = firstBlank(line);
            if (blank < 0) {
                throw new IllegalArgumentException(origin + ": expected " + LINE_FORM);
            }
            add(line.substring(0, blank), line.substring(blank).strip(), origin);
        }
        if (inputs.size() == before) {
            throw new IllegalArgumentException(
                    "--inputs " + file + ": no inputs (one " + LINE_FORM + " a line, '#' starts a comment)");
        }
    }

    private void add(String streamId, String url, String origin) {
        String problem = StreamIdRule.problem(streamId);
        if (problem != null) {
            throw new IllegalArgumentException(origin + ": " + problem);
        }
        if (url.isEmpty()) {
            throw new IllegalArgumentException(origin + ": stream '" + streamId + "' has no url");
        }
        String first = originById.putIfAbsent(streamId, origin);
        if (first != null) {
            throw new IllegalArgumentException(
                    origin + ": stream id '" + streamId + "' is given twice (first at " + first + ")");
        }
        inputs.add(new Input(streamId, url, origin));
    }

    private static int firstBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
