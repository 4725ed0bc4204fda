package org.backprop4j.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * OpenBLAS's {@code cblas_sgemm} through the Foreign Function &amp; Memory API (java.lang.foreign,
 * JDK 22+). The heap {@code float[]}s are passed straight to the native code with a <i>critical</i>
 * downcall ({@link Linker.Option#critical(boolean) critical(true)}: heap access allowed, no
 * thread-state transition), so nothing is copied and a call costs tens of nanoseconds.
 * Arguments are bounds-checked in Java first ({@link SgemmArgs}): native code must never see an
 * out-of-range offset or leading dimension.
 *
 * <p><b>Library.</b> Looked up as {@code libopenblas.so.0}, {@code libopenblas.so} (the loader's
 * search path), then Debian/Ubuntu paths, or a path given by the system property
 * {@code backprop4j.openblas.path}. When none loads, the constructor throws
 * {@link UnsupportedOperationException} with one line saying what was tried
 * ({@link KernelProvider} catches it and falls back).
 *
 * <p><b>Threads and determinism.</b> The constructor calls {@code openblas_set_num_threads(n)} with
 * n = {@code backprop4j.openblas.threads} (default 1). One OpenBLAS thread because (a) the engine
 * splits work across its own threads, and OpenBLAS's pool on top of that oversubscribes the cores;
 * (b) the product is then computed by one fixed code path per shape, so the same inputs give
 * bit-identical outputs on every call (OpenBLAS's threaded sgemm partitions m and n, not k, so more
 * threads would normally still be deterministic, but its choice of partition and of small-matrix
 * kernels depends on the thread count: results could differ between thread settings);
 * (c) a hand-off to a pool thread costs 25–60 µs here (KERNELS.md), more than a whole W1 product.
 * The setting is process-wide (OpenBLAS has a single global thread count).
 * OpenBLAS's own CPU detection is left alone (forcing a core type made small products 5x slower).
 */
public final class OpenBlasKernels implements Kernels {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;   // cblas.h enums

    private final MethodHandle sgemm;
    private final MethodHandle sgemv;
    private final String library;
    private final int threads;
    private final String coreName;

    /**
     * Loads libopenblas.
     *
     * @throws UnsupportedOperationException if no OpenBLAS library with cblas_sgemm can be loaded here
     */
    public OpenBlasKernels() {
        this(candidates());
    }

    /** Loads the first library of {@code candidates} (sonames or paths) that exists. */
    OpenBlasKernels(List<String> candidates) {
        List<String> tried = new ArrayList<>();
        SymbolLookup lookup = null;
        String found = null;
        for (String cand : candidates) {
            try {
                lookup = cand.contains("/")
                        ? SymbolLookup.libraryLookup(Path.of(cand), Arena.global())
                        : SymbolLookup.libraryLookup(cand, Arena.global());
                found = cand;
                break;
            } catch (IllegalCallerException e) {
                throw new UnsupportedOperationException("native access is disabled in this JVM"
                        + " (start it with --enable-native-access=ALL-UNNAMED to use OpenBLAS)");
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                tried.add(cand);
            }
        }
        if (lookup == null) {
            throw new UnsupportedOperationException("libopenblas not found (tried " + String.join(", ", tried)
                    + "; on Debian/Ubuntu: apt-get install libopenblas0-pthread)");
        }
        Optional<MemorySegment> sym = lookup.find("cblas_sgemm");
        if (sym.isEmpty()) {
            throw new UnsupportedOperationException(found + " has no cblas_sgemm symbol");
        }
        Linker linker = Linker.nativeLinker();
        // void cblas_sgemm(order, transA, transB, M, N, K, alpha, *A, lda, *B, ldb, beta, *C, ldc)
        FunctionDescriptor fd = FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT);
        this.sgemm = linker.downcallHandle(sym.get(), fd, Linker.Option.critical(true));
        // void cblas_sgemv(order, trans, M, N, alpha, *A, lda, *X, incX, beta, *Y, incY)
        this.sgemv = lookup.find("cblas_sgemv").map(f -> linker.downcallHandle(f, FunctionDescriptor.ofVoid(
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT), Linker.Option.critical(true))).orElse(null);
        this.library = found;
        // char* openblas_get_corename(void): the kernels OpenBLAS picked for this CPU ("Haswell", ...)
        this.coreName = lookup.find("openblas_get_corename").map(f -> {
            try {
                MemorySegment p = (MemorySegment) linker.downcallHandle(f, FunctionDescriptor.of(ADDRESS)).invokeExact();
                return p.equals(MemorySegment.NULL) ? null : p.reinterpret(64).getString(0).trim();
            } catch (Throwable t) {
                return null;
            }
        }).orElse(null);
        this.threads = Math.max(1, Integer.getInteger("backprop4j.openblas.threads", 1));
        lookup.find("openblas_set_num_threads").ifPresent(f -> {
            try {
                linker.downcallHandle(f, FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(threads);
            } catch (Throwable t) {
                throw new UnsupportedOperationException("openblas_set_num_threads failed: " + t, t);
            }
        });
    }

    private static List<String> candidates() {
        List<String> c = new ArrayList<>();
        String user = System.getProperty("backprop4j.openblas.path");
        if (user != null && !user.isBlank()) c.add(user);
        c.add("libopenblas.so.0");
        c.add("libopenblas.so");
        for (String p : new String[] {
                "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
                "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
                "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
                "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas.so.0",
                "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
                "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
                "/usr/lib64/libopenblas.so.0",
                "/usr/local/lib/libopenblas.so.0",
                "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
                "/usr/local/opt/openblas/lib/libopenblas.dylib"}) {
            if (Files.exists(Path.of(p))) c.add(p);
        }
        return c;
    }

    @Override
    public String name() {
        return "openblas";
    }

    /** The library that was loaded (for logs). */
    public String library() {
        return library;
    }

    /** OpenBLAS's kernel set for this CPU ({@code openblas_get_corename()}), or null if the library does not say. */
    public String coreName() {
        return coreName;
    }

    /**
     * Whether OpenBLAS core {@code core} ({@link #coreName()}) has AVX2/FMA-class kernels or better:
     * false for its SSE-era cores, which a dynamic-arch build falls back to on a CPU it does not
     * know (Debian's 0.3.21 runs "Prescott" on Intel Emerald Rapids, 3x slower than its AVX-512
     * kernels), for AVX without FMA, and when the core is unknown.
     */
    static boolean tunedCore(String core) {
        if (core == null || core.isBlank()) return false;
        return !GENERIC_CORES.contains(core.trim().toLowerCase(java.util.Locale.ROOT));
    }

    /** OpenBLAS's x86 core names without AVX2/FMA kernels (its fallbacks for unknown CPUs among them). */
    static final java.util.Set<String> GENERIC_CORES = java.util.Set.of(
            "unknown", "generic", "prescott", "core2", "penryn", "dunnington", "nehalem", "atom",
            "katmai", "coppermine", "northwood", "banias", "opteron", "opteron_sse3", "barcelona",
            "bobcat", "nano", "sandybridge", "bulldozer", "piledriver", "athlon", "x86_64");

    @Override
    public String toString() {
        return "openblas (" + library + (coreName == null ? "" : ", core " + coreName) + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        SgemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            // handled here, not by the library, so that beta = 0 clears C (even NaN) on every OpenBLAS version
            SgemmArgs.scaleC(beta, c, cOff, ldc, m, n);
            return;
        }
        if (m == 1 && sgemv != null) {
            gemv(transA, transB, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff);
            return;
        }
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                    alpha, MemorySegment.ofArray(a).asSlice(4L * aOff), lda,
                    MemorySegment.ofArray(b).asSlice(4L * bOff), ldb,
                    beta, MemorySegment.ofArray(c).asSlice(4L * cOff), ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    /**
     * m = 1 (online training): c (1×n) = alpha·x·op(B) + beta·c as one cblas_sgemv, with x = op(A)'s
     * only row (stride lda when A is stored transposed, k×1). OpenBLAS's sgemm runs such products
     * several times slower than its sgemv (docs/ENGINE.md).
     * c is cleared first when beta = 0 (some OpenBLAS versions scale y by 0, which keeps NaN).
     */
    private void gemv(boolean transA, boolean transB, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
        if (beta == 0f) java.util.Arrays.fill(c, cOff, cOff + n, 0f);
        // transB: B stored n×k, c = B·x (NoTrans, n×k); else B stored k×n, c = Bᵀ·x (Trans, k×n)
        int rows = transB ? n : k, cols = transB ? k : n;
        try {
            sgemv.invokeExact(ROW_MAJOR, transB ? NO_TRANS : TRANS, rows, cols, alpha,
                    MemorySegment.ofArray(b).asSlice(4L * bOff), ldb,
                    MemorySegment.ofArray(a).asSlice(4L * aOff), transA ? lda : 1,
                    beta, MemorySegment.ofArray(c).asSlice(4L * cOff), 1);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemv failed", t);
        }
    }
}
