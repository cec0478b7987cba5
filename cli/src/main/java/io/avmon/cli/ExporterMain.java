package io.avmon.cli;

import io.avmon.cli.metrics.ExporterCommand;
import picocli.CommandLine;

/**
 * {@code avmon exporter} alone: the entry point of the converter Dockerfile's stage "exporter", whose classpath has
 * neither Flink nor the job ({@link AvmonCommand} would load every subcommand's classes).
 */
public final class ExporterMain {
    private ExporterMain() {}

    public static void main(String[] args) {
        CommandLine exporter = AvmonCommand.reportingErrorsInOneLine(new CommandLine(new ExporterCommand()));
        System.exit(exporter.execute(args));
    }
}
