package io.avmon.benchmarks.soak;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The soak's figures over time as one SVG: stacked panels sharing the time axis, each a line from zero to a round
 * maximum, so a reader sees at a glance whether a line is flat. Written by hand: a few polylines need no library.
 */
public final class SoakPlot {
    private static final int WIDTH = 900;
    private static final int PANEL_HEIGHT = 170;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int GAP = 45;

    /** One panel: a title, its unit and the value it draws from each sample. */
    public record Panel<T>(String title, String unit, ToDoubleFunction<T> value) {}

    private SoakPlot() {}

    /**
     * @param elapsedS    a sample's seconds since the start: the time axis
     * @param markS       where to draw a dashed line across every panel (NaN: none)
     * @param axisCaption the time axis's caption, saying what the dashed line marks
     */
    public static <T> String svg(
            String title,
            List<T> samples,
            ToDoubleFunction<T> elapsedS,
            double markS,
            String axisCaption,
            List<Panel<T>> panels) {
        int height = TOP + panels.size() * (PANEL_HEIGHT + GAP) + 10;
        double maxS = samples.isEmpty() ? 1 : elapsedS.applyAsDouble(samples.get(samples.size() - 1));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                        + "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n",
                WIDTH,
                height,
                LEFT,
                escape(title)));
        int plotWidth = WIDTH - LEFT - RIGHT;
        for (int p = 0; p < panels.size(); p++) {
            Panel<T> panel = panels.get(p);
            int top = TOP + p * (PANEL_HEIGHT + GAP) + 15;
            double max =
                    roundUp(samples.stream().mapToDouble(panel.value()).max().orElse(1));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\">%s (%s)</text>%n"
                            + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                    LEFT,
                    top - 5,
                    escape(panel.title()),
                    escape(panel.unit()),
                    LEFT,
                    top,
                    plotWidth,
                    PANEL_HEIGHT));
            for (int tick = 0; tick <= 4; tick++) {
                double y = top + PANEL_HEIGHT - tick * PANEL_HEIGHT / 4.0;
                svg.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                        LEFT,
                        y,
                        LEFT + plotWidth,
                        y,
                        LEFT - 6,
                        y + 4,
                        label(max * tick / 4)));
            }
            if (!Double.isNaN(markS)) {
                double markX = LEFT + plotWidth * markS / maxS;
                svg.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c66\" stroke-dasharray=\"4 3\"/>%n",
                        markX,
                        top,
                        markX,
                        top + PANEL_HEIGHT));
            }
            svg.append("<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"1.5\" points=\"");
            for (T sample : samples) {
                svg.append(String.format(
                        Locale.ROOT,
                        "%.1f,%.1f ",
                        LEFT + plotWidth * elapsedS.applyAsDouble(sample) / maxS,
                        top + PANEL_HEIGHT - PANEL_HEIGHT * panel.value().applyAsDouble(sample) / max));
            }
            svg.append("\"/>\n");
            for (int minute = 0; minute * 60 <= maxS; minute += 5) {
                double x = LEFT + plotWidth * minute * 60 / maxS;
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                        x,
                        top + PANEL_HEIGHT + 14,
                        minute));
            }
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n</svg>%n",
                WIDTH - RIGHT,
                height - 4,
                escape(axisCaption)));
        return svg.toString();
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}: tick labels stay short. */
    private static double roundUp(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String label(double value) {
        return value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;");
    }
}
