package io.avmon.cli;

import io.avmon.cli.metrics.ExporterCommand;
import picocli.CommandLine;

/**
 * {@code avmon exporter} alone, for the converter image (deploy/converter/Dockerfile), which carries neither Flink nor
 * the job: {@link AvmonCommand} would load every subcommand's classes. Compose and Kubernetes run it with
 * {@code AVMON_MAIN=io.avmon.cli.ExporterMain}.
 */
public final class ExporterMain {
    private ExporterMain() {}

    public static void main(String[] args) {
        CommandLine exporter = AvmonCommand.reportingErrorsInOneLine(new CommandLine(new ExporterCommand()));
        System.exit(exporter.execute(args));
    }
}
