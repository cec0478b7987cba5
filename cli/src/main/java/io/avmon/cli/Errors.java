package io.avmon.cli;

/** Turns an exception chain into the one line a user reads: the deepest cause that says something. */
public final class Errors {

    private Errors() {}

    public static String oneLine(Throwable error) {
        Throwable cause = error;
        String message = describe(error);
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            String inner = describe(cause);
            if (inner != null) {
                message = inner;
            }
        }
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return null;
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
