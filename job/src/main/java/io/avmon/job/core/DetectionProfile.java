package io.avmon.job.core;

import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What to detect and how strictly: a {@link Policy} per {@link DefectType} (the alarm's raise delay, clear
 * delay and severity, as broadcast monitors set them per channel) plus each detector's {@link DetectorThresholds}.
 *
 * <p>Immutable and {@link Serializable}. The built-in defaults are the rows of
 * {@link io.avmon.job.defect.DefectKind} ({@code DefectKind.defaultProfile()}); this class knows no detector, so
 * detectors can read it without a cycle. A {@link io.avmon.job.profile.ProfileBook} holds one per stream, read
 * from YAML; the job attaches each record's profile to the record ({@link MediaEvent#profile}), and it travels
 * with the record through {@link DetectionProfileSerializer}, so detectors read it whether or not the chain is
 * fused.
 */
@TypeInfo(DetectionProfileSerializer.Factory.class)
public final class DetectionProfile implements Serializable {
    private static final long serialVersionUID = 2L;

    /**
     * The alarm policy of one defect type.
     *
     * @param enabled         whether the type is reported at all
     * @param minDuration     raise delay: how long the condition must last before OPENED
     * @param recoveryHoldOff clear delay: how long it must be absent before CLOSED
     * @param severity        reported with the event
     */
    public record Policy(boolean enabled, Duration minDuration, Duration recoveryHoldOff, Severity severity)
            implements Serializable {
        public Policy {
            Objects.requireNonNull(minDuration, "minDuration");
            Objects.requireNonNull(recoveryHoldOff, "recoveryHoldOff");
            Objects.requireNonNull(severity, "severity");
            if (minDuration.isNegative() || recoveryHoldOff.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }
    }

    private final EnumMap<DefectType, Policy> policies;
    /** Per type whose detector has thresholds; a type without (stream stall) has no entry. */
    private final EnumMap<DefectType, DetectorThresholds> thresholds;

    private final Duration stateRetention;

    /**
     * @param policies       one per {@link DefectType}
     * @param thresholds     the thresholds of each type whose detector has any
     * @param stateRetention how long per-stream state outlives a stream that stops without ENDED
     */
    public DetectionProfile(
            Map<DefectType, Policy> policies,
            Map<DefectType, ? extends DetectorThresholds> thresholds,
            Duration stateRetention) {
        this.policies = new EnumMap<>(DefectType.class);
        this.policies.putAll(policies);
        for (DefectType type : DefectType.values()) {
            if (!this.policies.containsKey(type)) {
                throw new IllegalArgumentException("no policy for " + type);
            }
        }
        this.thresholds = new EnumMap<>(DefectType.class);
        this.thresholds.putAll(thresholds);
        this.stateRetention = Objects.requireNonNull(stateRetention, "stateRetention");
        if (stateRetention.isNegative() || stateRetention.isZero()) {
            throw new IllegalArgumentException("state retention must be positive");
        }
    }

    public Policy policy(DefectType type) {
        return policies.get(type);
    }

    /** The thresholds of the detector reporting {@code type}, or null for a type whose detector has none (stream stall). */
    public DetectorThresholds thresholds(DefectType type) {
        return thresholds.get(type);
    }

    /** The thresholds of {@code type}, as the record its detector declares. */
    public <T extends DetectorThresholds> T thresholds(DefectType type, Class<T> recordType) {
        return recordType.cast(thresholds.get(type));
    }

    /** How long per-stream state outlives the stream's last record when no ENDED status arrives. */
    public Duration stateRetention() {
        return stateRetention;
    }

    public DetectionProfile withPolicy(DefectType type, Policy policy) {
        EnumMap<DefectType, Policy> copy = new EnumMap<>(policies);
        copy.put(type, Objects.requireNonNull(policy));
        return new DetectionProfile(copy, thresholds, stateRetention);
    }

    /** This profile with {@code replacement} for {@code type}: a record of the same class as {@link #thresholds(DefectType)}. */
    public DetectionProfile withThresholds(DefectType type, DetectorThresholds replacement) {
        DetectorThresholds current = thresholds.get(type);
        if (current == null || current.getClass() != replacement.getClass()) {
            throw new IllegalArgumentException(type + " takes "
                    + (current == null ? "no thresholds" : current.getClass().getName()) + ", not "
                    + replacement.getClass().getName());
        }
        EnumMap<DefectType, DetectorThresholds> copy = new EnumMap<>(thresholds);
        copy.put(type, replacement);
        return new DetectionProfile(policies, copy, stateRetention);
    }

    public DetectionProfile withStateRetention(Duration retention) {
        return new DetectionProfile(policies, thresholds, retention);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectionProfile p
                && policies.equals(p.policies)
                && thresholds.equals(p.thresholds)
                && stateRetention.equals(p.stateRetention);
    }

    @Override
    public int hashCode() {
        return Objects.hash(policies, thresholds, stateRetention);
    }

    @Override
    public String toString() {
        return "DetectionProfile{" + policies + ", " + thresholds.values() + ", retention=" + stateRetention + "}";
    }
}
