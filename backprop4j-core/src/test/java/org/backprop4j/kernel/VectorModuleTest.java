package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule that decides whether a run started without the Vector API module is started again with
 * it ({@link VectorModule#need}) against KernelProvider's own choices with the module present: a run
 * that stays without the module must get exactly the kernels it would have got with it (the element-wise
 * loops give the same bits in either form), except the tiny runs that the rule leaves without it on purpose,
 * and the vector loops alone start it again only from KernelProvider.SHORT_RUN_FLOPS on. The
 * launcher's side (the new JVM, signals, the same weights) is LauncherIT's.
 */
class VectorModuleTest {
    static final double[] FLOPS = {Double.NaN, 1e6, 5e8, 1e9, 3e9, 2.9e10, 3e10, 2.6e11, 9.9e11, 1e12, 5e13};
    static final String[] CORES = {null, "SkylakeX", "Haswell", "Prescott"};   // null: no OpenBLAS

    /** Whether a JVM with the module would run the vector kernels for this run. */
    static boolean vectorKernels(String kernel, double flops, int bits, String core) {
        String k = kernel.equals("auto") ? KernelProvider.preferred(true, bits, core != null, core, flops) : kernel;
        return k.equals("vector");
    }

    /** The element-wise loops a declaration of {@code flops} alone chooses ({@link KernelProvider#expectWork(double)}). */
    static int loopsOf(double flops) {
        return Double.isNaN(flops) ? -1 : flops < KernelProvider.SCALAR_LOOPS_FLOPS ? 0 : 1;
    }

    @Test
    void aRunStaysWithoutTheModuleOnlyWhereItsChoicesAreTheSameOrItIsTiny() {
        for (String kernel : new String[] {"auto", "vector", "openblas", "scalar"}) {
            for (double flops : FLOPS) {
                for (int loops : new int[] {loopsOf(flops), 0, 1, 2}) {
                    VectorModule.Need need = VectorModule.need(kernel, flops, loops);
                    String what = kernel + ", " + flops + " FLOP, loops " + loops + ": " + need;
                    boolean someUse = loops != 0;
                    for (int bits : new int[] {128, 256, 512}) {
                        for (String core : CORES) {
                            boolean uses = vectorKernels(kernel, flops, bits, core);
                            someUse |= uses;
                            boolean tuned = core != null && OpenBlasKernels.tunedCore(core);
                            switch (need) {
                                // without the module the run must choose the kernels it would with it (tiny runs excepted)
                                case NO -> assertTrue(!uses || flops < VectorModule.TINY_RUN_FLOPS, what + " but " + bits + " bits, " + core + " use it");
                                // tuned OpenBLAS: the same kernels without the module; else the module's
                                case UNLESS_TUNED_OPENBLAS -> assertEquals(!tuned, uses, what + ", " + bits + " bits, core " + core);
                                case YES -> { }
                            }
                        }
                    }
                    if (need == VectorModule.Need.YES) assertTrue(someUse, what + ": no machine would use the module");
                    // the vector loops (the scalar loops' bits) alone start a run again only where they earn the second start
                    if (need != VectorModule.Need.YES) {
                        assertTrue(loops == 0 || loops == 1 && flops < KernelProvider.SHORT_RUN_FLOPS, what);
                    }
                }
            }
        }
    }

    @Test
    void theRunsOfTheWorkloadsAsDeclared() {
        // W2 (784-64-10, 10,000 online steps): OpenBLAS and the scalar loops where OpenBLAS is tuned
        double w2 = 6.0 * (64 * 785 + 10 * 65) * 10_000;
        assertEquals(VectorModule.Need.UNLESS_TUNED_OPENBLAS, VectorModule.need("auto", w2, loopsOf(w2)));
        // W1 (784-256-128-10, 3 epochs of 60,000): the vector loops after their warm-up with the module, but they
        // would not earn a second start; so W3 (20 full-batch epochs of 784-128-10)
        double w1 = 6.0 * (256 * 785 + 128 * 257 + 10 * 129) * 60_000 * 3;
        assertEquals(1, loopsOf(w1));
        assertEquals(VectorModule.Need.UNLESS_TUNED_OPENBLAS, VectorModule.need("auto", w1, loopsOf(w1)));
        double w3 = 6.0 * (128 * 785 + 10 * 129) * 60_000 * 20;
        assertEquals(VectorModule.Need.UNLESS_TUNED_OPENBLAS, VectorModule.need("auto", w3, loopsOf(w3)));
        assertEquals(VectorModule.Need.NO, VectorModule.need("openblas", w1, loopsOf(w1)));
        // twelve W1 epochs and more: the vector kernels where vectors are 512 bits wide, and the loops
        assertEquals(VectorModule.Need.YES, VectorModule.need("auto", 4 * w1, loopsOf(4 * w1)));
        assertEquals(VectorModule.Need.YES, VectorModule.need("openblas", 4 * w1, loopsOf(4 * w1)));
        // -Dbackprop4j.vector.elementwiseMin fixes the loops to the vector form: asked for
        assertEquals(VectorModule.Need.YES, VectorModule.need("openblas", w1, 2));
        // a tiny run, also where only the scalar kernels are left
        assertEquals(VectorModule.Need.NO, VectorModule.need("auto", 1e7, loopsOf(1e7)));
        assertEquals(VectorModule.Need.NO, VectorModule.need("openblas", 5e9, 0));
        assertEquals(VectorModule.Need.YES, VectorModule.need("vector", 1e7, 0));
        // undeclared (a warm start, the steady-state bench): the choice of a JVM with the module
        assertEquals(VectorModule.Need.YES, VectorModule.need("auto", Double.NaN, -1));
    }

    @Test
    void onlyRegularFilesOpenedByNameCanBeReadAgain(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("d.csv"), "a,b\n1,2\n");
        assertTrue(VectorModule.readableAgain(f));
        assertTrue(VectorModule.readableAgain(null), "no such input");
        assertFalse(VectorModule.readableAgain(dir), "a directory");
        assertFalse(VectorModule.readableAgain(dir.resolve("missing.csv")));
        // standard input is the process's own descriptor, even when it is a regular file
        assertFalse(VectorModule.readableAgain(Path.of("/dev/stdin")));
        assertFalse(VectorModule.readableAgain(Path.of("/proc/self/fd/0")));
    }

    @Test
    void withoutTheLaunchersRequestNothingHappens() {
        // this JVM has the module (surefire's flags) and no -Dbackprop4j.relaunch: returns at once, whatever the run
        VectorModule.relaunchIfUseful(new String[] {"train"}, "vector", true, true);
        VectorModule.relaunchIfUseful(null, null, true, true);
    }
}
