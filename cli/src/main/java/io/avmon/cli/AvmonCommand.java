package io.avmon.cli;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;

import io.avmon.cli.analyze.AnalyzeCommand;
import io.avmon.cli.common.Errors;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.demo.DemoCommand;
import io.avmon.cli.metrics.ExporterCommand;
import io.avmon.cli.notify.NotifyCommand;
import io.avmon.cli.profile.ProfileCommand;
import io.avmon.converter.DecoderErrorLog;
import java.io.PrintWriter;
import org.bytedeco.javacv.FFmpegLogCallback;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/avmon}: the demo, offline analysis, a look at the converter's features, and detection profiles. */
@Command(
        name = "avmon",
        mixinStandardHelpOptions = true,
        versionProvider = AvmonCommand.Version.class,
        description = "Live video and audio defect monitor.",
        subcommands = {
            DemoCommand.class,
            AnalyzeCommand.class,
            FeaturesCommand.class,
            ConvertCommand.class,
            ProfileCommand.class,
            NotifyCommand.class,
            ExporterCommand.class,
            CommandLine.HelpCommand.class
        })
public final class AvmonCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        routeNativeLogsToLogFile();
        System.exit(commandLine().execute(args));
    }

    /**
     * FFmpeg and JavaCPP print to the terminal by default (encoder banners, "[mpeg2video] ac-tex damaged" for each
     * broken macroblock). avmon reports what matters in its own one-line messages, so their output goes to the
     * log file with everything else.
     */
    static void routeNativeLogsToLogFile() {
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        FFmpegLogCallback.setLevel(AV_LOG_WARNING);
        // Not FFmpegLogCallback.set(): that would replace the callback that counts each decoder's errors.
        DecoderErrorLog.install(FFmpegLogCallback.getInstance());
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        return reportingErrorsInOneLine(new CommandLine(new AvmonCommand()));
    }

    /** An unexpected exception becomes one "avmon: ..." line and exit code 3, for every command. */
    static CommandLine reportingErrorsInOneLine(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("avmon: " + Errors.oneLine(e));
            err.flush();
            return ExitCodes.FAILURE;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = AvmonCommand.class.getPackage().getImplementationVersion();
            return new String[] {"avmon " + (version == null ? "0.1.0-SNAPSHOT" : version)};
        }
    }
}
