package io.avmon.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Figures the fault tests measure on their way to their assertions (events lost and duplicated, recovery time, the
 * cause a bad input was given), kept for {@code benchmarks/results/reliability.md}: each is appended as one
 * tab-separated line (scenario, figure, value) to {@code target/reliability-figures.tsv}. The tests assert on the
 * same values; the file only reports them, so a run that fails its assertions never yields a clean report.
 */
final class ReliabilityFigures {
    /** Where the figures go: the module's build directory, where Maven runs the tests. */
    static final Path FILE = Path.of("target", "reliability-figures.tsv");

    private ReliabilityFigures() {}

    static void record(String scenario, String figure, Object value) {
        String text = value instanceof Double d ? String.format(Locale.ROOT, "%.0f", d) : String.valueOf(value);
        String line = String.join("\t", clean(scenario), clean(figure), clean(text)) + "\n";
        try {
            Files.createDirectories(FILE.getParent());
            // One short append per line: forked test JVMs may write at once, and O_APPEND keeps lines whole.
            Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Milliseconds since {@code startNanos} ({@link System#nanoTime()}). */
    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static String clean(String text) {
        return text.strip().replace('\t', ' ').replace("\r", "").replace("\n", " / ");
    }
}
