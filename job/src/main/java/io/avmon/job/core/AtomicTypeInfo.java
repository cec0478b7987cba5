package io.avmon.job.core;

import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information for a type that Flink should carry as one opaque value, written by a serializer of our own
 * rather than analysed as a POJO: the records ({@link MediaEvent}) and profiles ({@link DetectionProfile}) whose
 * serializers know which of their fields are present and how to write them compactly.
 *
 * @param <T> the type carried
 */
public final class AtomicTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    /** Makes the serializer; serializable, since the type information travels with the job graph. */
    @FunctionalInterface
    public interface SerializerFactory<T> extends Supplier<TypeSerializer<T>>, Serializable {}

    private final Class<T> type;
    private final SerializerFactory<T> serializer;

    public AtomicTypeInfo(Class<T> type, SerializerFactory<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.get();
    }

    @Override
    public String toString() {
        return type.getSimpleName();
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof AtomicTypeInfo<?> other && other.type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof AtomicTypeInfo<?>;
    }
}
