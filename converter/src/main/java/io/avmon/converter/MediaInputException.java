package io.avmon.converter;

/** An input that cannot be opened or read on. The message is one line naming the input and the cause. */
public final class MediaInputException extends Exception {
    private final boolean permanent;

    public MediaInputException(String message) {
        this(message, null, false);
    }

    public MediaInputException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private MediaInputException(String message, Throwable cause, boolean permanent) {
        super(message, cause);
        this.permanent = permanent;
    }

    /** An input that can never be read as given (a protocol this FFmpeg lacks): retrying it cannot help. */
    public static MediaInputException permanent(String message) {
        return new MediaInputException(message, null, true);
    }

    public boolean isPermanent() {
        return permanent;
    }
}
