package io.avmon.cli;

import io.avmon.cli.notify.NotifyCommand;
import picocli.CommandLine;

/**
 * The notify image's entry point: {@code avmon notify} alone, for the reason {@link ConvertMain} gives. The
 * converter image carries all it needs (kafka-clients, the schemas, the CLI's classes), so both are stages of
 * deploy/converter/Dockerfile.
 */
public final class NotifyMain {
    private NotifyMain() {}

    public static void main(String[] args) {
        CommandLine notify = AvmonCommand.reportingErrorsInOneLine(new CommandLine(new NotifyCommand()));
        System.exit(notify.execute(args));
    }
}
