package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kernel choice: by name, by system property, automatic, and the fallbacks — including a JVM
 * started without {@code --add-modules jdk.incubator.vector} (a child process), which must get a
 * working non-vector kernel and exactly one log line, no stack trace.
 */
class KernelProviderTest {
    static final boolean OPENBLAS = KernelProvider.byName("openblas") != null;

    @Test
    void byNameLoadsEachImplementation() {
        assertEquals("scalar", KernelProvider.byName("scalar").name());
        // this test JVM runs with --add-modules jdk.incubator.vector (surefire argLine)
        assertTrue(KernelProvider.vectorModulePresent());
        assertEquals("vector", KernelProvider.byName("vector").name());
        assertEquals("vector", KernelProvider.byName(" Vector ").name());   // trimmed, case-insensitive
        assertNull(KernelProvider.byName("cuda"));
        Kernels ob = KernelProvider.byName("openblas");
        if (ob != null) assertEquals("openblas", ob.name());
    }

    /** What {@code auto} must pick on this machine, by the rule of {@link KernelProvider#preferred}. */
    static String expectedAuto() {
        Kernels ob = KernelProvider.byName("openblas");
        String core = ob == null ? null : ((OpenBlasKernels) ob).coreName();
        return KernelProvider.preferred(true, KernelProvider.preferredVectorBits(), ob != null, core);
    }

    @Test
    void autoFollowsTheRuleOnThisMachine() {
        KernelProvider.Choice c = KernelProvider.choose("auto");
        // the test JVM has --add-modules jdk.incubator.vector: vector, or OpenBLAS on a < 512-bit vector unit
        assertEquals(expectedAuto(), c.kernels().name(), c.message());
        assertTrue(c.message().startsWith("backprop4j kernels: " + c.kernels().name()), c.message());
        if (c.kernels().name().equals("openblas")) assertTrue(c.message().contains("-bit vectors"), c.message());
        assertFalse(c.warning());
        assertTrue(KernelProvider.preferredVectorBits() >= 128, "vector width " + KernelProvider.preferredVectorBits());
    }

    @Test
    void trainingFlopsAreSixPerWeightPatternAndEpoch() {
        // every weight and bias of a built network, counted by the network itself: 2 forward + 4 backward each
        int[][] shapes = {{784, 256, 128, 10}, {2, 2, 1}, {3, 1}, {784, 64, 10}};
        for (int[] sizes : shapes) {
            org.backprop4j.Network.Builder b = org.backprop4j.Network.builder(sizes[0]);
            for (int l = 1; l < sizes.length; l++) b.layer(sizes[l], org.backprop4j.Activation.LOGISTIC);
            long params = b.build(org.backprop4j.Init.xavier(), 1).paramCount();
            assertEquals(6.0 * params * 60_000 * 3, KernelProvider.trainingFlops(sizes, 60_000, 3), java.util.Arrays.toString(sizes));
        }
        // beyond int: 10^7 patterns x 10^3 epochs, computed in long and double, not overflowed
        assertEquals(6.0 * 3 * 10_000_000L * 1_000, KernelProvider.trainingFlops(new int[] {2, 1}, 10_000_000L, 1_000));
        assertThrows(IllegalArgumentException.class, () -> KernelProvider.trainingFlops(new int[] {784}, 1, 1));
    }

    @Test
    void autoRuleTable() {
        // 512-bit vectors: the Vector API kernels, whatever OpenBLAS runs
        assertEquals("vector", KernelProvider.preferred(true, 512, true, "SkylakeX"));
        assertEquals("vector", KernelProvider.preferred(true, 512, true, "Prescott"));
        // narrower vectors: OpenBLAS if its kernels are tuned for the CPU
        assertEquals("openblas", KernelProvider.preferred(true, 256, true, "Haswell"));
        assertEquals("openblas", KernelProvider.preferred(true, 256, true, "Zen"));
        assertEquals("openblas", KernelProvider.preferred(true, 128, true, "NEOVERSEN1"));
        assertEquals("vector", KernelProvider.preferred(true, 256, true, "Prescott"));   // unknown CPU: generic SSE3 fallback
        assertEquals("vector", KernelProvider.preferred(true, 256, true, null));         // no openblas_get_corename
        assertEquals("vector", KernelProvider.preferred(true, 256, false, null));
        // no vector module: OpenBLAS whatever its core, else scalar
        assertEquals("openblas", KernelProvider.preferred(false, 0, true, "Prescott"));
        assertEquals("scalar", KernelProvider.preferred(false, 0, false, null));
        // a run of known size (issue 18): below SHORT_RUN_FLOPS tuned OpenBLAS even with 512-bit vectors
        double w1 = 6.0 * (784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10) * 60_000 * 3;   // W1: 2.6e11
        assertEquals("openblas", KernelProvider.preferred(true, 512, true, "SkylakeX", w1));
        assertEquals("openblas", KernelProvider.preferred(true, 512, true, "Haswell", w1));
        assertEquals("vector", KernelProvider.preferred(true, 512, true, "SkylakeX", 10 * w1), "a long run: the vector kernels");
        assertEquals("vector", KernelProvider.preferred(true, 512, true, "Prescott", w1), "untuned OpenBLAS is never chosen for speed");
        assertEquals("vector", KernelProvider.preferred(true, 512, false, null, w1));
        assertEquals("vector", KernelProvider.preferred(true, 512, true, "SkylakeX", Double.NaN), "size unknown: the long-run rule");
        assertEquals("openblas", KernelProvider.preferred(true, 256, true, "Haswell", 10 * w1), "narrower vectors: as before, whatever the size");
        // the scalar element-wise loops serve W2's 10,000 online steps, not W1's three epochs (their cost per step adds up)
        double w2 = 6.0 * (784 * 64 + 64 + 64 * 10 + 10) * 10_000;
        assertTrue(w2 < KernelProvider.SCALAR_LOOPS_FLOPS && KernelProvider.SCALAR_LOOPS_FLOPS < w1, w2 + " " + w1);
    }

    @Test
    void declaredElementwiseValuesChooseTheLoops() throws InterruptedException {
        int len = 1 << 16;
        Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
        String longLoops = Elementwise.impl(len).name();
        // full batch on Fashion-MNIST, 784-128-10, about four values per unit, pattern and pass: 20 iterations a short run, 100 a long one
        double perIteration = 4.0 * 60_000 * (128 + 10);
        assertTrue(KernelProvider.scalarLoops(20 * perIteration));
        assertFalse(KernelProvider.scalarLoops(100 * perIteration));
        boolean pinned = Elementwise.pinned;
        try {
            Elementwise.pinned = false;
            KernelProvider.expectWork(Double.NaN, 20 * perIteration);
            assertEquals("scalar", Elementwise.impl(len).name());
            assertFalse(Elementwise.warming(), "a short run: the scalar loops throughout");
            // a long run: the scalar loops until a thread of their own has compiled the vector ones, then those
            // (the declaration's own warm-up, with a time limit that a loaded machine's JIT cannot miss)
            assertTrue(KernelProvider.scalarLoops(20 * perIteration) != KernelProvider.scalarLoops(100 * perIteration));
            Elementwise.scalarLoops(false, 120_000);
            for (long t0 = System.nanoTime(); Elementwise.warming() && System.nanoTime() - t0 < 120e9; ) Thread.sleep(10);
            assertEquals(longLoops, Elementwise.impl(len).name(), "the latest declaration decides");
            KernelProvider.expectWork(Double.NaN, 20 * perIteration);
            assertEquals("scalar", Elementwise.impl(len).name(), "a short run after a long one");
            KernelProvider.expectWork(Double.NaN, 100 * perIteration);
            assertFalse(Elementwise.warming(), "compiled once: no second warm-up");
            assertEquals(longLoops, Elementwise.impl(len).name());
            Elementwise.pinned = true;
            KernelProvider.expectWork(Double.NaN, 20 * perIteration);
            assertEquals(longLoops, Elementwise.impl(len).name(), "loops fixed by -Dbackprop4j.vector.elementwiseMin stay");
        } finally {
            Elementwise.pinned = pinned;
            Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
        }
    }

    @Test
    void aWarmUpThatRanOutOfTimeIsNotStartedAgain() throws InterruptedException {
        int len = 1 << 16;
        boolean pinned = Elementwise.pinned;
        try {
            Elementwise.pinned = false;
            Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
            if (!"vector".equals(Elementwise.impl(len).name())) return;   // no vector loops to compile in this JVM
            Elementwise.scalarLoops(false, 0);                               // no time at all: the warm-up fails
            for (long t0 = System.nanoTime(); Elementwise.warming() && System.nanoTime() - t0 < 60e9; ) Thread.sleep(10);
            assertEquals("scalar", Elementwise.impl(len).name(), "a failed warm-up leaves the scalar loops");
            Elementwise.scalarLoops(false, 120_000);
            assertFalse(Elementwise.warming(), "a later long run starts no second warm-up");
            assertEquals("scalar", Elementwise.impl(len).name());
        } finally {
            Elementwise.pinned = pinned;
            Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
        }
    }

    @Test
    void openBlasCoreNames() {
        assertTrue(OpenBlasKernels.tunedCore("Haswell"));
        assertTrue(OpenBlasKernels.tunedCore("SkylakeX"));
        assertFalse(OpenBlasKernels.tunedCore("Prescott"));
        assertFalse(OpenBlasKernels.tunedCore(" prescott "));
        assertFalse(OpenBlasKernels.tunedCore("Sandybridge"));   // AVX without FMA
        assertFalse(OpenBlasKernels.tunedCore(""));
        assertFalse(OpenBlasKernels.tunedCore(null));
        if (OPENBLAS) {
            OpenBlasKernels ob = new OpenBlasKernels();
            assertNotNull(ob.coreName(), "Debian's OpenBLAS has openblas_get_corename");
            assertTrue(ob.toString().contains("core " + ob.coreName()), ob.toString());
        }
    }

    @Test
    void requestedKernelsAreUsedAndUnknownOnesFallBackWithAWarning() {
        KernelProvider.Choice s = KernelProvider.choose("scalar");
        assertEquals("scalar", s.kernels().name());
        assertTrue(s.message().contains("requested"), s.message());
        KernelProvider.Choice v = KernelProvider.choose("vector");
        assertEquals("vector", v.kernels().name());
        KernelProvider.Choice bad = KernelProvider.choose("gpu");
        assertTrue(bad.warning());
        assertTrue(bad.message().contains("'gpu' is not available") && bad.message().contains("expected scalar, vector, openblas"),
                bad.message());
        assertEquals(expectedAuto(), bad.kernels().name());
    }

    @Test
    void openBlasConstructorFailsWithOneClearMessageWhenTheLibraryIsMissing() {
        UnsupportedOperationException e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> new OpenBlasKernels(List.of("libopenblas-does-not-exist.so.0", "/nonexistent/libopenblas.so.0")));
        assertEquals("libopenblas not found (tried libopenblas-does-not-exist.so.0, /nonexistent/libopenblas.so.0;"
                + " on Debian/Ubuntu: apt-get install libopenblas0-pthread)", e.getMessage());
        if (OPENBLAS) assertNotNull(new OpenBlasKernels().library());
    }

    /** A JVM without --add-modules (and with native access denied, i.e. no OpenBLAS either): scalar, one line. */
    @Test
    void withoutTheJvmFlagsTheScalarKernelsAreUsedWithOneLogLine() throws Exception {
        Result r = runChild(List.of("--illegal-native-access=deny"), "auto");
        assertTrue(r.stdout.contains("KERNEL=scalar SAME=true PRODUCT=6.0"), r.toString());
        assertOneLineNoStackTrace(r);
        assertTrue(r.stderr.contains("--add-modules jdk.incubator.vector"), r.toString());
        assertTrue(r.stderr.contains("--enable-native-access=ALL-UNNAMED"), r.toString());
    }

    /**
     * A JVM started with no flag at all (an application embedding the library): the scalar kernels, one
     * log line, and no JDK warning (OpenBLAS through FFM without native access would print JEP 472's
     * four-line "restricted method" warning).
     */
    @Test
    void withNoFlagAtAllTheScalarKernelsRunWithOneLineAndNoWarning() throws Exception {
        Result r = runChild(List.of(), "auto");
        assertTrue(r.stdout.contains("KERNEL=scalar SAME=true PRODUCT=6.0"), r.toString());
        assertOneLineNoStackTrace(r);
        assertFalse(r.stderr.contains("WARNING"), r.toString());
        assertTrue(r.stderr.contains("native access is not enabled for OpenBLAS (start the JVM with --enable-native-access=ALL-UNNAMED)"), r.toString());
    }

    /** Without --add-modules but with native access enabled, auto finds OpenBLAS if installed; no warning either. */
    @Test
    void withoutAddModulesAutoUsesOpenBlasOrScalar() throws Exception {
        Result r = runChild(List.of("--enable-native-access=ALL-UNNAMED"), "auto");
        assertTrue(r.stdout.contains("KERNEL=" + (OPENBLAS ? "openblas" : "scalar") + " SAME=true PRODUCT=6.0"), r.toString());
        assertOneLineNoStackTrace(r);
        assertFalse(r.stderr.contains("WARNING"), r.toString());
    }

    /** -Dbackprop4j.kernel=vector in a JVM without the module: falls back, one warning line naming the flag. */
    @Test
    void requestingVectorWithoutTheModuleWarnsOnce() throws Exception {
        Result r = runChild(List.of("--illegal-native-access=deny"), "vector");
        assertTrue(r.stdout.contains("KERNEL=scalar"), r.toString());
        assertOneLineNoStackTrace(r);
        assertTrue(r.stderr.contains("WARNING") && r.stderr.contains("requested 'vector' is not available")
                && r.stderr.contains("--add-modules jdk.incubator.vector"), r.toString());
    }

    /** The short-run text gives %.2g's digits without java.util.Formatter. */
    @Test
    void twoDigitsAreThoseOfFormat() {
        java.util.Random r = new java.util.Random(18);
        double[] fixed = {100, 120, 999, 995, 994.9, 9.96e9, 3.05e9, 3.0e9, 1e12, 2.6e11, 7.3e11, 1e20, 1.5e100, -4.2e9, 0, 12.5, 3e-5};
        for (double x : fixed) assertEquals(String.format(java.util.Locale.ROOT, "%.2g", x), KernelProvider.twoDigits(x), "x = " + x);
        for (int i = 0; i < 2000; i++) {
            double x = Math.pow(10, 2 + 14 * r.nextDouble()) * (r.nextBoolean() ? 1 : 1 + r.nextInt(9) / 1000.0);
            assertEquals(String.format(java.util.Locale.ROOT, "%.2g", x), KernelProvider.twoDigits(x), "x = " + x);
        }
        assertEquals("a short run (3.1e+09 FLOP expected): OpenBLAS's SkylakeX kernels need no JIT warm-up", KernelProvider.shortRun(3.05e9, "SkylakeX"));
    }

    /**
     * A short run's kernel choice in a fresh JVM loads no java.util.Formatter (with the kernel line off,
     * as the CLI and the bench have it): a process's first format costs about 0.1 s of a cold start.
     */
    @Test
    void aShortRunsChoiceLoadsNoFormatter() throws Exception {
        Kernels ob = KernelProvider.byName("openblas");
        org.junit.jupiter.api.Assumptions.assumeTrue(ob != null && OpenBlasKernels.tunedCore(((OpenBlasKernels) ob).coreName()),
                "needs libopenblas with kernels tuned for this CPU (the short-run choice)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = codeSource(ShortRunProbe.class) + File.pathSeparator + codeSource(KernelProvider.class);
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info", "-cp", cp, ShortRunProbe.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("KERNEL=openblas"), out);
        assertFalse(out.lines().anyMatch(l -> l.contains(" java.util.Formatter ")), "java.util.Formatter was loaded");
    }

    record Result(String stdout, String stderr) {}

    static void assertOneLineNoStackTrace(Result r) {
        long lines = r.stderr.lines().filter(l -> l.contains("backprop4j kernels:")).count();
        assertEquals(1, lines, r.toString());
        assertFalse(r.stderr.contains("\tat ") || r.stderr.contains("Exception"), r.toString());
    }

    static Result runChild(List<String> jvmFlags, String kernel) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = codeSource(ProviderProbe.class) + File.pathSeparator + codeSource(KernelProvider.class);
        List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-D" + KernelProvider.PROPERTY + "=" + kernel, "-cp", cp, ProviderProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Result r = new Result(new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        assertEquals(0, p.exitValue(), r.toString());
        return r;
    }

    static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void openBlasLoadedAheadIsTheInstanceTheChoiceTakes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelProvider.byName("openblas") != null, "needs libopenblas and native access");
        KernelProvider.loadAhead();
        java.util.concurrent.FutureTask<Kernels> ahead = KernelProvider.ahead();
        org.junit.jupiter.api.Assertions.assertNotNull(ahead);
        Kernels loaded = ahead.get();
        KernelProvider.Choice c = KernelProvider.choose("openblas");
        org.junit.jupiter.api.Assertions.assertSame(loaded, c.kernels(), "the choice takes the instance loaded ahead");
        org.junit.jupiter.api.Assertions.assertNull(KernelProvider.ahead(), "taken once");
        org.junit.jupiter.api.Assertions.assertNotSame(loaded, KernelProvider.choose("openblas").kernels());
    }

    @Test
    void onceTheChoiceTookOpenBlasItsLoadingIsTheInstanceTaken() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelProvider.byName("openblas") != null, "needs libopenblas and native access");
        KernelProvider.loadAhead();
        KernelProvider.Choice c = KernelProvider.choose("openblas");   // takes the instance loaded ahead
        org.junit.jupiter.api.Assertions.assertNull(KernelProvider.ahead());
        // a primer chose the kernels before the run's last check (VectorModule): that check sees the OpenBLAS taken, no second load
        java.util.concurrent.Future<Kernels> f = KernelProvider.openBlasLoading(new ParallelKernels(c.kernels(), 1));
        org.junit.jupiter.api.Assertions.assertTrue(f.isDone());
        org.junit.jupiter.api.Assertions.assertSame(c.kernels(), f.get());
        org.junit.jupiter.api.Assertions.assertNull(KernelProvider.ahead(), "no load started");
    }

    @Test
    void nothingIsLoadedAheadWhenOtherKernelsAreAskedFor() {
        String old = System.getProperty(KernelProvider.PROPERTY);
        try {
            System.setProperty(KernelProvider.PROPERTY, "scalar");
            KernelProvider.loadAhead();
            org.junit.jupiter.api.Assertions.assertNull(KernelProvider.ahead());
        } finally {
            if (old == null) System.clearProperty(KernelProvider.PROPERTY); else System.setProperty(KernelProvider.PROPERTY, old);
        }
    }
}
