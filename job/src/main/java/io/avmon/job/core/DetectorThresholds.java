package io.avmon.job.core;

import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * A detector's thresholds: a small record declared in its detector, with a {@code DEFAULTS} constant and a
 * {@link Range} on every component. Components are {@code double}, {@code int}, {@code long}, {@code boolean} or
 * {@link Duration}; a profile names each by its component name in kebab case ({@code minBlackPixelShare} is
 * {@code min-black-pixel-share}), so a component is declared once, in its record, with its default and range.
 *
 * <p>Lives beside {@link DetectionProfile}, not in {@code detect/}: the profile holds thresholds without knowing
 * any detector, and detectors read the profile without the profile reading them.
 */
public interface DetectorThresholds extends Serializable {

    /**
     * Why a component value is out of its declared range, as {@code "95 is out of range (0 to 1)"}, or null when it
     * is in range or the component has no range (booleans).
     */
    static String outOfRange(RecordComponent component, Object value) {
        Range range = component.getAnnotation(Range.class);
        if (range == null) {
            return null;
        }
        double amount;
        if (value instanceof Duration d) {
            amount = d.toNanos() / 1e6;
        } else if (value instanceof Number n) {
            amount = n.doubleValue();
        } else {
            return null;
        }
        if (amount >= range.min() && amount <= range.max()) {
            return null;
        }
        return render(value) + " is out of range (" + range(component) + ")";
    }

    /** A component's valid values as a profile writes them, {@code "0 to 1"}, or null for a component without a range. */
    static String range(RecordComponent component) {
        Range range = component.getAnnotation(Range.class);
        return range == null ? null : render(range.min(), component) + " to " + render(range.max(), component);
    }

    private static String render(double bound, RecordComponent component) {
        return component.getType() == Duration.class
                ? format(Duration.ofNanos(Math.round(bound * 1e6)))
                : BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }

    private static String render(Object value) {
        if (value instanceof Duration d) {
            return format(d);
        }
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** A duration as a profile writes it: whole seconds as {@code 3s}, anything finer in ms. */
    static String format(Duration duration) {
        long ms = duration.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
