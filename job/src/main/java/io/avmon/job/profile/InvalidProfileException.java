package io.avmon.job.profile;

/**
 * A profile document that cannot be used, with the cause in one line naming where it is (a YAML line and
 * column, or the path of the offending setting, e.g. {@code streams.news-1.frozen-frames.min-duration}).
 */
public class InvalidProfileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidProfileException(String message) {
        super(message);
    }
}
