package io.avmon.cli;

import picocli.CommandLine;

/**
 * The converter image's entry point: {@code avmon convert} alone. Building {@link AvmonCommand}'s command line
 * loads every subcommand's classes (the demo's Flink, the profile commands' job classes), so an image that
 * carries only what convert needs starts here instead (deploy/converter/Dockerfile).
 */
public final class ConvertMain {
    private ConvertMain() {}

    public static void main(String[] args) {
        AvmonCommand.routeNativeLogsToLogFile();
        CommandLine convert = AvmonCommand.reportingErrorsInOneLine(new CommandLine(new ConvertCommand()));
        System.exit(convert.execute(args));
    }
}
