package io.avmon.cli.common;

/**
 * Exit codes shared by every command; documented in README.md and in each command's help. A leaf: it imports
 * nothing, so the commands and {@code AvmonCommand}, which lists the commands, do not import one another for it.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int DEFECTS_FOUND = 1;
    public static final int BAD_INPUT = 2;
    public static final int FAILURE = 3;

    private ExitCodes() {}
}
