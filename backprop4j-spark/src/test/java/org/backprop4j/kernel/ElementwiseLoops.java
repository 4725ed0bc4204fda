package org.backprop4j.kernel;

/** For the module's tests: fixes or frees the element-wise loops' form (package-private in the core). */
public final class ElementwiseLoops {
    private ElementwiseLoops() {}

    /** Fixes the loops to the scalar or the vector form, whatever a run declares. */
    public static void pin(boolean scalar) {
        Elementwise.pinned = true;
        Elementwise.vectorFrom(scalar ? Integer.MAX_VALUE : Elementwise.VECTOR_MIN);
    }

    /** Frees the loops (the vector form from its default length) for the next declared run. */
    public static void unpin() {
        Elementwise.pinned = false;
        Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
    }

    /** The form a loop of {@code len} values takes now: scalar or vector. */
    public static String form(int len) {
        return Elementwise.impl(len).name();
    }
}
