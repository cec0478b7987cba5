package io.avmon.cli.analyze;

import io.avmon.cli.common.Errors;
import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.StreamIds;
import io.avmon.cli.profile.ProfileOption;
import io.avmon.converter.ConverterOptions;
import io.avmon.converter.MediaConverter;
import io.avmon.converter.MediaInfo;
import io.avmon.converter.MediaInputException;
import io.avmon.job.profile.InvalidProfileException;
import io.avmon.job.profile.ProfileBook;
import io.avmon.schema.DefectEvent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Checks files offline through the same detector operators as the live job. */
@Command(
        name = "analyze",
        mixinStandardHelpOptions = true,
        description = {
            "Check media files offline with the live job's detectors.",
            "Each file is one stream, named after the file without its extension."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every file was analysed and no defect was found",
            "1:every file was analysed and at least one defect was found",
            "2:a file could not be analysed (missing, not media, unreadable), the profile does not read, or the arguments are wrong",
            "3:an internal error"
        })
public final class AnalyzeCommand implements Callable<Integer> {

    /** Files shorter than this finish before a progress bar would be of any use. */
    private static final long PROGRESS_MIN_DURATION_US = 20_000_000L;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Media files (anything FFmpeg reads).")
    List<String> inputs;

    @Mixin
    ProfileOption profile;

    @Option(names = "--json", description = "One JSON object per defect per line instead of a table.")
    boolean json;

    @Option(
            names = "--progress",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Show a progress bar on stderr for files over 20 s; --no-progress hides it (default: on).")
    boolean progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        ProfileBook book;
        try {
            book = profile.book();
        } catch (InvalidProfileException e) {
            err.println("avmon: " + e.getMessage());
            err.flush();
            return ExitCodes.BAD_INPUT;
        }

        List<MediaFileSplit> splits = new ArrayList<>();
        boolean badInput = false;
        long totalDurationUs = 0;
        Set<String> streamIds = new HashSet<>();
        AnalysisProgress.clear();
        for (String input : inputs) {
            try {
                MediaInfo info = probe(input);
                String streamId = unique(StreamIds.fromFileName(input), streamIds);
                if (!info.hasVideo()) {
                    err.println("warning: " + input + ": no video track; picture defects cannot be checked");
                }
                if (!info.hasAudio()) {
                    err.println("warning: " + input + ": no audio track; sound defects cannot be checked");
                }
                totalDurationUs += Math.max(0, info.durationUs());
                AnalysisProgress.register(streamId, input, info.durationUs());
                splits.add(new MediaFileSplit(input, streamId));
            } catch (MediaInputException e) {
                err.println("avmon: " + e.getMessage());
                badInput = true;
            }
        }
        if (splits.isEmpty()) {
            err.flush();
            return ExitCodes.BAD_INPUT;
        }

        List<DefectEvent> events;
        try (ProgressBar bar =
                progress && totalDurationUs >= PROGRESS_MIN_DURATION_US ? progressBar(totalDurationUs) : null) {
            ProgressPoller poller = bar == null ? null : ProgressPoller.start(bar);
            try {
                events = new OfflineAnalysis(book).run(splits);
            } finally {
                if (poller != null) {
                    poller.stop();
                }
            }
        }

        for (MediaFileSplit split : splits) {
            AnalysisProgress.FileProgress file = AnalysisProgress.of(split.streamId());
            file.warnings().forEach(w -> err.println("warning: " + split.input() + ": " + w));
            if (file.failure() != null) {
                err.println("avmon: " + file.failure());
                badInput = true;
            }
        }

        DefectReport report = new DefectReport(events);
        (json ? report.jsonLines() : report.tableLines()).forEach(out::println);
        if (!json) {
            out.println(report.defects().size() + " defect(s) in " + splits.size() + " file(s)");
        }
        out.flush();
        err.flush();
        if (badInput) {
            return ExitCodes.BAD_INPUT;
        }
        return report.defects().isEmpty() ? ExitCodes.OK : ExitCodes.DEFECTS_FOUND;
    }

    private static MediaInfo probe(String input) throws MediaInputException {
        if (!input.contains("://")) {
            Path path = Path.of(input);
            if (!Files.exists(path)) {
                throw new MediaInputException(input + ": no such file");
            }
            if (Files.isDirectory(path)) {
                throw new MediaInputException(input + ": is a directory, not a media file");
            }
            if (!Files.isReadable(path)) {
                throw new MediaInputException(input + ": permission denied");
            }
        }
        try (MediaConverter converter = MediaConverter.open(input, ConverterOptions.forStream("probe"))) {
            return converter.info();
        } catch (RuntimeException e) {
            throw new MediaInputException(input + ": cannot be read (" + Errors.oneLine(e) + ")");
        }
    }

    private static String unique(String streamId, Set<String> taken) {
        String candidate = streamId;
        for (int n = 2; !taken.add(candidate); n++) {
            candidate = StreamIds.withSuffix(streamId, n);
        }
        return candidate;
    }

    private ProgressBar progressBar(long totalDurationUs) {
        return new ProgressBarBuilder()
                .setTaskName("Analysing")
                .setInitialMax(totalDurationUs / 1_000_000)
                .setUnit(" s", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .showSpeed()
                .build();
    }

    /** Copies the decoders' progress into the bar until stopped. */
    private static final class ProgressPoller {
        private final Thread thread;
        private volatile boolean running = true;

        private ProgressPoller(ProgressBar bar) {
            thread = new Thread(
                    () -> {
                        while (running) {
                            bar.stepTo(AnalysisProgress.decodedUs() / 1_000_000);
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        bar.stepTo(AnalysisProgress.decodedUs() / 1_000_000);
                    },
                    "avmon-progress");
            thread.setDaemon(true);
        }

        static ProgressPoller start(ProgressBar bar) {
            ProgressPoller poller = new ProgressPoller(bar);
            poller.thread.start();
            return poller;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(1000);
        }
    }
}
