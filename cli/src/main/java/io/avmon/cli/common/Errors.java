package io.avmon.cli.common;

/**
 * Turns an exception chain into the one line a user reads: the outermost message that says something of its
 * own. Our own messages ("Kafka unreachable at ...: ...") wrap the library's cause and already quote it; a
 * wrapper whose message is only its cause restated (Java's {@code new RuntimeException(cause)}) is skipped.
 */
public final class Errors {

    private Errors() {}

    public static String oneLine(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = firstLine(t.getMessage());
            boolean restatesCause = t.getCause() != null
                    && message != null
                    && message.equals(firstLine(t.getCause().toString()));
            if (message != null && !restatesCause) {
                return message;
            }
        }
        return error.getClass().getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return null;
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
