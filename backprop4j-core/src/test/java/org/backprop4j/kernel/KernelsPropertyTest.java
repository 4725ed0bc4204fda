package org.backprop4j.kernel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.backprop4j.Rng;

/**
 * Property tests: on random shapes (1..70 in each dimension, so both the direct and the packed
 * paths, tile edges and several packed panels occur), all transposition cases, random alpha/beta,
 * offsets and leading dimensions, the vector kernels (and OpenBLAS where installed) agree with the
 * double-precision product within the float32 bound of {@link KernelsTest}.
 */
class KernelsPropertyTest {

    @Property(tries = 150)
    void vectorMatchesReference(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 70) int n,
                                @ForAll @IntRange(min = 1, max = 70) int k, @ForAll boolean ta, @ForAll boolean tb,
                                @ForAll @IntRange(min = 0, max = 3) int ab, @ForAll @IntRange(min = 0, max = 4) int pad,
                                @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        check("vector", m, n, k, ta, tb, ab, pad, seed);
    }

    @Property(tries = 80)
    void openBlasMatchesReference(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 70) int n,
                                  @ForAll @IntRange(min = 1, max = 70) int k, @ForAll boolean ta, @ForAll boolean tb,
                                  @ForAll @IntRange(min = 0, max = 3) int ab, @ForAll @IntRange(min = 0, max = 4) int pad,
                                  @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        if (KernelProvider.byName("openblas") == null) return;   // not installed: nothing to compare (KernelsTest reports the skip)
        check("openblas", m, n, k, ta, tb, ab, pad, seed);
    }

    private static final float[][] ALPHA_BETA = {{1f, 0f}, {1f, 1f}, {-1.5f, 0.25f}, {0.5f, 0f}};

    private static void check(String name, int m, int n, int k, boolean ta, boolean tb, int ab, int pad, int seed) {
        Kernels kern = KernelProvider.byName(name);
        Rng rng = new Rng(seed);
        float[] alphaBeta = ALPHA_BETA[ab];
        KernelsTest.checkOne(kern, rng, ta, tb, m, n, k, alphaBeta[0], alphaBeta[1], pad, pad, alphaBeta[1] == 0f);
    }
}
