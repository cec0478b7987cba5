package io.avmon.converter;

/** An input that cannot be opened or read on. The message is one line naming the input and the cause. */
public final class MediaInputException extends Exception {
    public MediaInputException(String message) {
        super(message);
    }

    public MediaInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
