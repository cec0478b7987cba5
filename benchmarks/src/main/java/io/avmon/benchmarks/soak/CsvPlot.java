package io.avmon.benchmarks.soak;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a soak's CSV (first column: seconds since the start) as {@link SoakPlot} panels, one per named column, into
 * an SVG beside it: for the soaks that write their samples as they go and are plotted afterwards.
 *
 * <p>Usage: {@code java -cp "$BCP" io.avmon.benchmarks.soak.CsvPlot <csv> <title> <column>:<panel title>:<unit>...}
 */
public final class CsvPlot {
    private CsvPlot() {}

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split(","));
        List<double[]> rows = lines.stream().skip(1).map(SoakSummary::numbers).toList();
        List<SoakPlot.Panel<double[]>> panels = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String[] spec = args[i].split(":", 3);
            int column = header.indexOf(spec[0]);
            if (column < 0) {
                throw new IllegalArgumentException("no column " + spec[0] + " in " + csv + ": " + header);
            }
            panels.add(new SoakPlot.Panel<>(spec[1], spec[2], row -> row[column]));
        }
        Path svg = csv.resolveSibling(csv.getFileName().toString().replaceFirst("\\.csv$", "") + ".svg");
        Files.writeString(svg, SoakPlot.svg(args[1], rows, row -> row[0], Double.NaN, "minutes", panels));
        System.out.println("wrote " + svg);
    }
}
