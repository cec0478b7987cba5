package io.avmon.schema;

import java.util.regex.Pattern;

/**
 * What a stream id may be. An id becomes a Kafka key, a metric label, a file name (analyze's reports, benchmark
 * outputs) and a profile key, so it is held to the characters all of those take without quoting: ASCII letters,
 * digits, {@code .}, {@code _} and {@code -}, starting with a letter, digit or {@code _} (so never {@code .} or
 * {@code ..}), at most {@value #MAX_LENGTH} characters. No control character, path separator or space gets through.
 * The converter's {@code --stream-id} is checked against it, ids taken from file names are {@link #sanitise}d to it,
 * and the job sends a feature record whose id breaks it to the dead-letter topic.
 */
public final class StreamIdRule {

    /** Long enough for "site-channel-feed" naming schemes; short enough to keep label sets and file names sane. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern DISALLOWED_CHARACTER = Pattern.compile("[^A-Za-z0-9._-]");

    private StreamIdRule() {}

    /** Null when {@code id} is a valid stream id, otherwise why not, in one line that never echoes the raw id. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "stream id is empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "stream id is " + id.length() + " characters long, more than " + MAX_LENGTH;
        }
        if (!ALLOWED.matcher(id).matches()) {
            int bad = firstDisallowed(id);
            return "stream id has " + describe(id.charAt(bad)) + " at position " + bad
                    + "; allowed are letters, digits, '.', '_' and '-', not starting with '.' or '-'";
        }
        return null;
    }

    public static boolean isValid(String id) {
        return problem(id) == null;
    }

    /** {@code id} itself when valid; otherwise an {@link IllegalArgumentException} saying why. */
    public static String require(String id) {
        String problem = problem(id);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return id;
    }

    /**
     * A valid id made from any text (a file name): each disallowed character becomes {@code _}, a leading {@code .}
     * or {@code -} gets a {@code _} before it, and the result is cut to {@link #MAX_LENGTH}. Used where refusing the
     * input would be wrong (analyze takes any file name).
     */
    public static String sanitise(String text) {
        if (text == null || text.isEmpty()) {
            return "stream";
        }
        String id = DISALLOWED_CHARACTER.matcher(text).replaceAll("_");
        if (id.charAt(0) == '.' || id.charAt(0) == '-') {
            id = "_" + id;
        }
        return id.length() > MAX_LENGTH ? id.substring(0, MAX_LENGTH) : id;
    }

    private static int firstDisallowed(String id) {
        char first = id.charAt(0);
        if (first == '.' || first == '-') {
            return 0;
        }
        for (int i = 0; i < id.length(); i++) {
            if (DISALLOWED_CHARACTER.matcher(String.valueOf(id.charAt(i))).matches()) {
                return i;
            }
        }
        return 0;
    }

    private static String describe(char c) {
        if (Character.isISOControl(c)) {
            return String.format("control character U+%04X", (int) c);
        }
        if (c == '/' || c == '\\') {
            return "path separator '" + c + "'";
        }
        if (Character.isWhitespace(c)) {
            return String.format("whitespace U+%04X", (int) c);
        }
        if (c > 126 || Character.isSurrogate(c)) {
            return String.format("non-ASCII character U+%04X", (int) c);
        }
        return "'" + c + "'";
    }
}
