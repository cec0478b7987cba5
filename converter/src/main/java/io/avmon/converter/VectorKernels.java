package io.avmon.converter;

import java.util.function.Supplier;

/**
 * Picks a kernel's Vector API form when the JVM runs with {@code --add-modules jdk.incubator.vector} (as the
 * launcher starts it), else its scalar form. Each vector form gives the same integers as its scalar one.
 */
final class VectorKernels {
    static final String MODULE = "jdk.incubator.vector";

    private VectorKernels() {}

    static boolean available() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** The class {@code vectorClass} (a subclass of the scalar kernel) when the module is there, else {@code scalar}. */
    static <T> T pick(Class<T> kernel, String vectorClass, Supplier<T> scalar) {
        if (!available()) {
            return scalar.get();
        }
        try {
            // By name: the scalar kernel must load and run on a JVM without the module.
            return kernel.cast(Class.forName(kernel.getPackageName() + "." + vectorClass)
                    .getDeclaredConstructor()
                    .newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Vector API kernel " + vectorClass + " does not load", e);
        }
    }
}
