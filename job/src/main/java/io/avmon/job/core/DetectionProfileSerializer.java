package io.avmon.job.core;

import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How a {@link DetectionProfile} travels inside {@link MediaEvent}. Within a fused chain Flink only copies it, and
 * a copy is the same immutable instance, so no profile is ever copied there, with object reuse or without. Across
 * an unchained hop (chaining disabled to debug, say) it is written field by field: policies, then each thresholds
 * record's class and components, a few hundred bytes. The reading side hands out the previous instance when the
 * next one is equal, so detectors, which check the profile by reference, take new thresholds only on a change.
 *
 * <p>No Kryo ({@code pipeline.generic-types: false} holds), and no profile is kept in keyed state, so the format
 * only has to match between the two ends of a running job.
 */
public final class DetectionProfileSerializer extends TypeSerializer<DetectionProfile> {
    private static final long serialVersionUID = 1L;

    private static final DefectType[] TYPES = DefectType.values();
    private static final Severity[] SEVERITIES = Severity.values();

    /** The last profile read, handed out again while the next ones equal it. */
    private transient DetectionProfile last;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<DetectionProfile> duplicate() {
        // Stateful (the last profile read), so each thread gets its own.
        return new DetectionProfileSerializer();
    }

    @Override
    public DetectionProfile createInstance() {
        return null;
    }

    @Override
    public DetectionProfile copy(DetectionProfile from) {
        return from;
    }

    @Override
    public DetectionProfile copy(DetectionProfile from, DetectionProfile reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DetectionProfile profile, DataOutputView out) throws IOException {
        out.writeLong(profile.stateRetention().toNanos());
        for (DefectType type : TYPES) {
            DetectionProfile.Policy policy = profile.policy(type);
            out.writeBoolean(policy.enabled());
            out.writeLong(policy.minDuration().toNanos());
            out.writeLong(policy.recoveryHoldOff().toNanos());
            out.writeByte(policy.severity().ordinal());
        }
        for (DefectType type : TYPES) {
            DetectorThresholds thresholds = profile.thresholds(type);
            out.writeBoolean(thresholds != null);
            if (thresholds != null) {
                out.writeUTF(thresholds.getClass().getName());
                writeComponents(thresholds, out);
            }
        }
    }

    @Override
    public DetectionProfile deserialize(DataInputView in) throws IOException {
        Duration retention = Duration.ofNanos(in.readLong());
        Map<DefectType, DetectionProfile.Policy> policies = new EnumMap<>(DefectType.class);
        for (DefectType type : TYPES) {
            policies.put(
                    type,
                    new DetectionProfile.Policy(
                            in.readBoolean(),
                            Duration.ofNanos(in.readLong()),
                            Duration.ofNanos(in.readLong()),
                            SEVERITIES[in.readByte()]));
        }
        Map<DefectType, DetectorThresholds> thresholds = new EnumMap<>(DefectType.class);
        for (DefectType type : TYPES) {
            if (in.readBoolean()) {
                thresholds.put(type, readComponents(in.readUTF(), in));
            }
        }
        DetectionProfile profile = new DetectionProfile(policies, thresholds, retention);
        if (!profile.equals(last)) {
            last = profile;
        }
        return last;
    }

    @Override
    public DetectionProfile deserialize(DetectionProfile reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private static void writeComponents(DetectorThresholds thresholds, DataOutputView out) throws IOException {
        for (RecordComponent component : thresholds.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(thresholds);
            } catch (ReflectiveOperationException e) {
                throw new IOException("cannot read " + component, e);
            }
            if (value instanceof Double d) {
                out.writeDouble(d);
            } else if (value instanceof Integer i) {
                out.writeInt(i);
            } else if (value instanceof Long l) {
                out.writeLong(l);
            } else if (value instanceof Boolean b) {
                out.writeBoolean(b);
            } else if (value instanceof Duration d) {
                out.writeLong(d.toNanos());
            } else {
                throw new IOException(component + ": no wire form for " + component.getType());
            }
        }
    }

    private static DetectorThresholds readComponents(String className, DataInputView in) throws IOException {
        try {
            Class<?> type = Class.forName(className, true, classLoader());
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = types[i] == double.class
                        ? (Object) in.readDouble()
                        : types[i] == int.class
                                ? (Object) in.readInt()
                                : types[i] == long.class
                                        ? (Object) in.readLong()
                                        : types[i] == boolean.class
                                                ? (Object) in.readBoolean()
                                                : Duration.ofNanos(in.readLong());
            }
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            return (DetectorThresholds) canonical.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot read thresholds " + className, e);
        }
    }

    private static ClassLoader classLoader() {
        // Flink runs tasks with the job's class loader as the context loader.
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : DetectionProfile.class.getClassLoader();
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof DetectionProfileSerializer;
    }

    @Override
    public int hashCode() {
        return DetectionProfileSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<DetectionProfile> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer; there is nothing to configure. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DetectionProfile> {
        public Snapshot() {
            super(DetectionProfileSerializer::new);
        }
    }

    /** Named by {@link DetectionProfile}'s {@code @TypeInfo}, so Flink uses this serializer wherever a profile appears. */
    public static final class Factory extends TypeInfoFactory<DetectionProfile> {
        @Override
        public TypeInformation<DetectionProfile> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new AtomicTypeInfo<>(DetectionProfile.class, DetectionProfileSerializer::new);
        }
    }
}
