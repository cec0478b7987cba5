package io.avmon.job.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The valid values of a {@link DetectorThresholds} component, both ends included, as libavfilter declares an option's min
 * and max beside its default. For a {@link java.time.Duration} component the bounds are in milliseconds. A profile
 * setting outside it is rejected with its path and this range.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Range {
    double min();

    double max();
}
