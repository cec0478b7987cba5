package io.avmon.benchmarks.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Whether a soak's samples stayed flat: the mean of the last third of the samples against the first third, after a
 * warm-up in which caches, JIT and batches grow to their working size. A leak shows as a last third above the first
 * by more than the noise of a garbage-collected heap.
 */
public final class SoakSummary {
    private final List<String> header;
    private final List<double[]> rows;

    private SoakSummary(List<String> header, List<double[]> rows) {
        this.header = header;
        this.rows = rows;
    }

    /**
     * Reads a CSV whose first column is seconds since the start, skipping samples before {@code warmupSeconds} and,
     * where the CSV has a {@code phase} column, those outside the {@code churn} (the job soak's drain).
     */
    public static SoakSummary of(Path csv, double warmupSeconds) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split(","));
        int phase = header.indexOf("phase");
        List<double[]> rows = lines.stream()
                .skip(1)
                .filter(line -> phase < 0 || line.split(",")[phase].equals("churn"))
                .map(SoakSummary::numbers)
                .filter(row -> row[0] >= warmupSeconds)
                .toList();
        return new SoakSummary(header, rows);
    }

    /** A CSV line's cells as numbers; a label (such as a phase) is NaN. */
    static double[] numbers(String line) {
        String[] cells = line.split(",");
        double[] row = new double[cells.length];
        for (int i = 0; i < cells.length; i++) {
            try {
                row[i] = Double.parseDouble(cells[i]);
            } catch (NumberFormatException e) {
                row[i] = Double.NaN;
            }
        }
        return row;
    }

    /** One line per column: first third's mean, last third's, the change in per cent, and the range. */
    public String describe(String... columns) {
        StringBuilder out = new StringBuilder();
        int third = rows.size() / 3;
        if (third == 0) {
            return "too few samples after the warm-up to compare thirds: " + rows.size();
        }
        for (String column : columns) {
            int c = header.indexOf(column);
            if (c < 0) {
                throw new IllegalArgumentException("no column " + column + " in " + header);
            }
            double first = mean(rows.subList(0, third), c);
            double last = mean(rows.subList(rows.size() - third, rows.size()), c);
            double min = rows.stream().mapToDouble(r -> r[c]).min().orElse(Double.NaN);
            double max = rows.stream().mapToDouble(r -> r[c]).max().orElse(Double.NaN);
            out.append(String.format(
                    Locale.ROOT,
                    "%s: first third %.1f, last third %.1f (%+.1f%%), range %.1f to %.1f over %d samples%n",
                    column,
                    first,
                    last,
                    100 * (last - first) / first,
                    min,
                    max,
                    rows.size()));
        }
        return out.toString();
    }

    private static double mean(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(r -> r[column]).average().orElse(Double.NaN);
    }
}
