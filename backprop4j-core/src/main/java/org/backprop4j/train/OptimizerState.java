package org.backprop4j.train;

/**
 * Packs an optimizer's state (a few scalars and some per-weight float arrays of equal length)
 * into one double[] for checkpoints, and back. Layout:
 * {@code [#scalars, #arrays, n, scalars..., array_0..., array_1..., ...]}; float → double is exact.
 */
final class OptimizerState {
    private OptimizerState() {}

    static double[] pack(double[] scalars, float[]... arrays) {
        int n = arrays.length == 0 || arrays[0] == null ? 0 : arrays[0].length;
        double[] s = new double[3 + scalars.length + arrays.length * n];
        s[0] = scalars.length;
        s[1] = arrays.length;
        s[2] = n;
        System.arraycopy(scalars, 0, s, 3, scalars.length);
        int p = 3 + scalars.length;
        for (float[] a : arrays) {
            for (int i = 0; i < n; i++) s[p++] = a[i];
        }
        return s;
    }

    /** The scalars of a packed state, checking the expected shape. */
    static double[] scalars(double[] s, int scalars, int arrays, String who) {
        check(s, scalars, arrays, who);
        double[] r = new double[scalars];
        System.arraycopy(s, 3, r, 0, scalars);
        return r;
    }

    /** Per-weight array k of a packed state, or null if the state holds none (n = 0). */
    static float[] array(double[] s, int k, String who) {
        int scalars = (int) s[0], n = (int) s[2];
        if (n == 0) return null;
        float[] a = new float[n];
        int p = 3 + scalars + k * n;
        for (int i = 0; i < n; i++) a[i] = (float) s[p + i];
        return a;
    }

    private static void check(double[] s, int scalars, int arrays, String who) {
        if (s.length < 3 || s[0] != scalars || s[1] != arrays || s[2] < 0
                || s.length != 3 + scalars + arrays * (long) s[2]) {
            throw new IllegalArgumentException("not a state of " + who + ": expected " + scalars + " scalars and "
                    + arrays + " per-weight arrays, got an array of " + s.length + " values");
        }
    }
}
