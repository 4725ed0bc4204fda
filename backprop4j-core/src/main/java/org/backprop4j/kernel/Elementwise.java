package org.backprop4j.kernel;

/**
 * Element-wise activation loops used by {@link org.backprop4j.Activation} (internal API): the
 * logistic, tanh and exp needed by logistic/tanh/softmax layers, in float32, about 1–3 ulp
 * (relative error below 10⁻⁶, tested against {@code Math.exp}/{@code Math.tanh} in double).
 *
 * <p>Two implementations with the same operation sequence, so they give bit-identical results:
 * a Vector API one (used when the {@code jdk.incubator.vector} module is present; loaded
 * reflectively, like {@link VectorKernels}) and a scalar one ({@link #expNeg(float)} etc., used
 * otherwise and for the loop tails; some of its long loops are written so that C2 vectorizes them by
 * itself, {@link BranchFreeElementwise}). Every step is an exactly rounded IEEE operation
 * (add, mul, div, fma, min/max, float↔int conversion of an integral value, bit moves), so the
 * results do not depend on the JIT either.
 *
 * <p>exp(x) for x ≤ 0 (Cody &amp; Waite range reduction and the Cephes {@code expf} minimax
 * polynomial, Moshier 1989): n = rint(x·log₂e), r = x − n·ln2 (two-part ln2),
 * eʳ ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2, then eˣ = eʳ·2^⌊n/2⌋·2^(n−⌊n/2⌋) (two factors, so that
 * results down to the subnormal range are scaled correctly). Only non-positive arguments are
 * needed: logistic uses e^−|x|, tanh e^−2|x|, softmax e^(x−max).
 */
public final class Elementwise {
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;          // few significant bits: n·LN2_HI is exact
    static final float LN2_LO = -2.12194440e-4f;
    static final float MAGIC = 12582912f;              // 1.5·2²³: (t + MAGIC) − MAGIC = rint(t) for |t| < 2²²
    static final float EXP_MIN = -104f;                // e^−104 < 2⁻¹⁴⁹/2: rounds to 0 (or the smallest subnormal)
    static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    /** Cephes tanhf: tanh x = x·(1 + x²·Q(x²)) for |x| &lt; 0.625. */
    static final float TANH_SMALL = 0.625f;
    static final float Q0 = -5.70498872745e-3f, Q1 = 2.06390887954e-2f, Q2 = -5.37397155531e-2f,
            Q3 = 1.33314422036e-1f, Q4 = -3.33332819422e-1f;

    /** Array loops; the vector implementation overrides them. */
    interface Impl {
        void logistic(float[] a, int off, int len);
        void tanh(float[] a, int off, int len);
        /** a[i] = e^(a[i] − shift) for arguments ≤ 0 (softmax numerators). */
        void expShifted(float[] a, int off, int len, float shift);
        /** a[i] *= s. */
        void scale(float[] a, int off, int len, float s);
        /** c[ci+i] = flush(c[ci+i]); w[wi+i] += c[ci+i] (see {@link Elementwise#flushAdd}). */
        void flushAdd(float[] c, int ci, float[] w, int wi, int len);
        /** g[i] *= f'(o[i]) for f = IDENTITY..LEAKY_RELU, given by {@link #DERIV_LOGISTIC} etc. */
        void multiplyDerivative(int f, float[] g, float[] o, int off, int len);
        /** See {@link Elementwise#columnSums}. */
        void columnSums(float[] d, int m, int n, float[] dst, int dstOff, boolean accumulate);
        /** See {@link Elementwise#addToRows}. */
        void addToRows(float[] a, int off, int m, int n, float[] v, int vOff);
        String name();
    }

    /** Codes for {@link #multiplyDerivative}. */
    public static final int DERIV_LOGISTIC = 1, DERIV_TANH = 2, DERIV_RELU = 3, DERIV_LEAKY_RELU = 4;
    /** Slope of leaky ReLU for negative inputs (as {@link org.backprop4j.Activation#LEAKY_SLOPE}). */
    static final float LEAKY = 0.01f;

    /** The vector loops, loaded at the first loop long enough for them (the shortest runs never load them). */
    private static final class Vectorised {
        static final Impl IMPL = load();
    }
    private static final Impl SCALAR = new Scalar();
    /**
     * Shorter runs take the scalar loops (bit-identical): the vector code only pays off on long
     * runs, and the short ones of online training (one pattern per call) would otherwise keep
     * interpreted Vector API code, slow and allocating, on the hot path until C2 gets to it.
     */
    static final int VECTOR_MIN = Integer.getInteger("backprop4j.vector.elementwiseMin", 256);
    /**
     * Loops at least this long take the vector form: {@link #VECTOR_MIN}, or never after {@link #scalarOnly}
     * and until the vector loops are compiled after {@link #scalarUntilWarm}. Volatile: compiled callers
     * must not keep an old value.
     */
    private static volatile int vectorMin = VECTOR_MIN;
    /** The thread compiling the vector loops while every other one runs the scalar loops ({@link #scalarUntilWarm}), else null. */
    private static volatile Thread warmer;

    static Impl impl(int len) {
        if (len >= vectorMin) return Vectorised.IMPL;
        return len >= VECTOR_MIN && Thread.currentThread() == warmer ? Vectorised.IMPL : SCALAR;
    }

    /**
     * Every loop from now on takes the scalar form, the same bits: for the shortest runs
     * ({@link KernelProvider#SCALAR_LOOPS_FLOPS}), where C2 would compile the Vector API code only
     * after the run has spent longer in its interpreted form (allocating, far slower) than the loops take.
     */
    static synchronized void scalarOnly() {
        warmer = null;
        vectorMin = Integer.MAX_VALUE;
    }

    /** For tests: undoes {@link #scalarOnly} and {@link #scalarUntilWarm}, and forgets how earlier warm-ups ended. */
    static synchronized void vectorFrom(int len) {
        warmer = null;
        warmLoops = WARM_ALL;
        warm = false;
        warmFailed = false;
        vectorMin = len;
    }

    /**
     * The scalar loops until the vector ones are compiled, then the vector ones (the same bits, so the
     * switch may come at any point of a run): a daemon thread runs the vector loops through the same
     * entry points on arrays of its own until they are faster than the scalar ones, at most
     * {@code maxMillis}; until then their interpreted form (slow and allocating) never runs on the
     * caller's threads. Does nothing without the vector module, or when a mode is set already.
     */
    static synchronized void scalarUntilWarm(long maxMillis) {
        if (warmer != null || vectorMin != VECTOR_MIN) return;
        startWarmUp(maxMillis);
    }

    /** Starts {@link #scalarUntilWarm}'s thread, the scalar loops meanwhile (caller holds the lock). */
    private static void startWarmUp(long maxMillis) {
        if (!KernelProvider.vectorModulePresent()) return;
        vectorMin = Integer.MAX_VALUE;
        Thread t = Thread.ofPlatform().daemon().name("backprop4j-elementwise-warm-up").unstarted(() -> warm(maxMillis));
        warmer = t;
        t.start();
    }

    /** {@link System#nanoTime} when the last {@link #scalarUntilWarm} switched to the vector loops; 0: none has. */
    private static volatile long switchedAt;

    /**
     * {@link System#nanoTime} at which the last background warm-up ({@link KernelProvider#expectWork})
     * switched the element-wise loops to their vector form, or 0 if none has (for reports: a run's
     * first epoch is slower while the scalar loops serve it).
     */
    public static long vectorLoopsSince() {
        return switchedAt;
    }

    /** Whether a {@link #scalarUntilWarm} thread is still compiling the vector loops. */
    static boolean warming() {
        return warmer != null;
    }

    /** Rounds in a row in which the vector loops must beat the scalar ones before they are used. */
    static final int WARM_ROUNDS = 3;

    private static void warm(long maxMillis) {
        long t0 = System.nanoTime();
        boolean ready = false;
        try {
            Impl v = Vectorised.IMPL;
            ready = !"vector".equals(v.name());       // nothing to compile: the "vector" loops are the scalar ones
            int m = 2, n = VECTOR_MIN / 2;            // the shortest vector loops: the fewest interpreted iterations per call
            float[] src = new float[m * n], a = new float[m * n], g = new float[m * n], w = new float[m * n], sums = new float[n];
            for (int i = 0; i < src.length; i++) src[i] = ((i * 37) % 101 - 50) / 25f;   // in [-2, 2]: every branch of the loops
            int faster = 0;
            while (!ready && warmer == Thread.currentThread() && System.nanoTime() - t0 < maxMillis * 1_000_000L) {
                int loops = warmLoops;
                long s0 = System.nanoTime();
                warmRound(null, loops, src, a, g, w, sums, m, n);    // the vector loops, through the callers' entry points
                long s1 = System.nanoTime();
                warmRound(SCALAR, loops, src, a, g, w, sums, m, n);
                long s2 = System.nanoTime();
                faster = s1 - s0 <= s2 - s1 ? faster + 1 : 0;
                ready = faster >= WARM_ROUNDS;
            }
        } finally {
            synchronized (Elementwise.class) {
                if (warmer == Thread.currentThread()) {
                    if (ready) {
                        vectorMin = VECTOR_MIN;
                        warm = true;
                        switchedAt = System.nanoTime();
                    } else {
                        warmFailed = true;                      // the process stays on the scalar loops, and tries no more
                    }
                    warmer = null;
                }
            }
        }
    }

    /** Loops of the activations a warm-up compiles ({@link #expectActivations}): bits of {@link #warmRound}'s {@code loops}. */
    static final int WARM_SOFTMAX = 1, WARM_LOGISTIC = 2, WARM_TANH = 4, WARM_RELU = 8, WARM_LEAKY_RELU = 16, WARM_ALL = 31;
    /** The activations' loops the next warm-up rounds compile. */
    private static volatile int warmLoops = WARM_ALL;

    /**
     * Tells a background warm-up of the vector loops ({@link KernelProvider#expectWork}) which activations the
     * run uses, so that it compiles only their loops and those every run needs (bias sums and adds, the update):
     * the compiler's time for the other activations' loops is not taken from the run. A loop the warm-up left
     * out still gives the same bits, after a slower start. Until called, or after a call with none of the
     * activations that have loops of their own, the warm-up compiles them all.
     *
     * @param used the hidden and output activations of the run's network
     */
    public static void expectActivations(java.util.Collection<org.backprop4j.Activation> used) {
        int loops = 0;
        for (org.backprop4j.Activation f : used) {
            loops |= switch (f) {
                case SOFTMAX -> WARM_SOFTMAX;
                case LOGISTIC -> WARM_LOGISTIC;
                case TANH -> WARM_TANH;
                case RELU -> WARM_RELU;
                case LEAKY_RELU -> WARM_LEAKY_RELU;
                default -> 0;
            };
        }
        warmLoops = loops == 0 ? WARM_ALL : loops;
    }

    /** The loops the next warm-up rounds compile ({@link #expectActivations}). */
    static int warmLoops() {
        return warmLoops;
    }

    /**
     * One call of each loop in {@code loops} ({@link #WARM_SOFTMAX} etc.) and of those every run needs, on the
     * warm-up's own arrays: through the public entry points if {@code impl} is null.
     */
    static void warmRound(Impl impl, int loops, float[] src, float[] a, float[] g, float[] w, float[] sums, int m, int n) {
        int len = m * n;
        for (int op = 0; op < 3; op++) {
            if ((loops & (op == 0 ? WARM_SOFTMAX : op == 1 ? WARM_LOGISTIC : WARM_TANH)) == 0) continue;
            System.arraycopy(src, 0, a, 0, len);
            float shift = op == 0 ? 2f : 0f;
            if (impl == null) {
                switch (op) {
                    case 0 -> expShifted(a, 0, len, shift);
                    case 1 -> logistic(a, 0, len);
                    default -> tanh(a, 0, len);
                }
            } else {
                switch (op) {
                    case 0 -> impl.expShifted(a, 0, len, shift);
                    case 1 -> impl.logistic(a, 0, len);
                    default -> impl.tanh(a, 0, len);
                }
            }
        }
        for (int f = DERIV_LOGISTIC; f <= DERIV_LEAKY_RELU; f++) {
            if ((loops & (f == DERIV_LOGISTIC ? WARM_LOGISTIC : f == DERIV_TANH ? WARM_TANH : f == DERIV_RELU ? WARM_RELU : WARM_LEAKY_RELU)) == 0) continue;
            System.arraycopy(src, 0, g, 0, len);
            if (impl == null) multiplyDerivative(f, g, a, 0, len); else impl.multiplyDerivative(f, g, a, 0, len);
        }
        System.arraycopy(src, 0, w, 0, len);
        if (impl == null) {
            scale(g, 0, len, 0.5f);
            flushAdd(g, 0, w, 0, len);
            addToRows(w, 0, m, n, sums, 0);
            columnSums(w, m, n, sums, 0, false);
        } else {
            impl.scale(g, 0, len, 0.5f);
            impl.flushAdd(g, 0, w, 0, len);
            impl.addToRows(w, 0, m, n, sums, 0);
            impl.columnSums(w, m, n, sums, 0, false);
        }
    }

    /** Whether {@code -Dbackprop4j.vector.elementwiseMin} (or a test) fixed the loops, so that a declared run size does not move them. */
    static volatile boolean pinned = System.getProperty("backprop4j.vector.elementwiseMin") != null;
    /** Whether a warm-up found the vector loops compiled: a later long run takes them at once. */
    private static volatile boolean warm;
    /** Whether a warm-up ran out of time (a JVM that does not compile the vector loops): later runs stay scalar. */
    private static volatile boolean warmFailed;

    /**
     * The loops for a run of declared size ({@link KernelProvider#expectWork(double, double)}): the
     * scalar form throughout, or the scalar form until the vector one is compiled
     * ({@link #scalarUntilWarm}; the vector form at once if it is compiled already). Nothing if {@link #pinned}.
     */
    static synchronized void scalarLoops(boolean scalar, long maxMillis) {
        if (pinned) return;
        if (scalar) {
            scalarOnly();
        } else if (warmer == null) {   // else a warm-up is under way
            if (warm) vectorMin = VECTOR_MIN;
            else if (warmFailed) vectorMin = Integer.MAX_VALUE;
            else startWarmUp(maxMillis);
        }
    }

    private Elementwise() {}

    private static Impl load() {
        if (KernelProvider.vectorModulePresent()) {
            try {
                return (Impl) Class.forName("org.backprop4j.kernel.VectorElementwise").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar loops (same results, slower); KernelProvider reports the module state
            }
        }
        return new Scalar();
    }

    /** {@code vector} or {@code scalar}: which loops are in use. */
    public static String implementation() {
        return Vectorised.IMPL.name();
    }

    /** In place: a[i] = 1/(1+e^−a[i]) for i in [off, off+len). */
    public static void logistic(float[] a, int off, int len) {
        impl(len).logistic(a, off, len);
    }

    /** In place: a[i] = tanh(a[i]). */
    public static void tanh(float[] a, int off, int len) {
        impl(len).tanh(a, off, len);
    }

    /** In place: a[i] = e^(a[i] − shift); meant for shift = max of the row, so the arguments are ≤ 0. */
    public static void expShifted(float[] a, int off, int len, float shift) {
        impl(len).expShifted(a, off, len, shift);
    }

    /** In place: a[i] *= s. */
    public static void scale(float[] a, int off, int len, float s) {
        impl(len).scale(a, off, len, s);
    }

    /**
     * The momentum update's last step, w += v, over len values, with v first flushed to zero where
     * it is subnormal (|v| &lt; 2⁻¹²⁶, {@link Float#MIN_NORMAL}): v = c[ci..], w = w[wi..]. A velocity
     * whose gradient has stopped (a dead ReLU, an input that is always 0 in a batch) decays as αᵗ
     * into the subnormal range, where Intel CPUs take a slow microcode assist per
     * operation (docs/ENGINE.md). Flushing changes
     * nothing else: adding a subnormal to any weight of magnitude ≥ 2⁻¹⁰² leaves it unchanged in
     * float32, and α·v stays subnormal or zero. Same bits with and without the vector module.
     */
    public static void flushAdd(float[] c, int ci, float[] w, int wi, int len) {
        impl(len).flushAdd(c, ci, w, wi, len);
    }

    /**
     * Column sums of the row-major m×n matrix d (offset 0): dst[dstOff + t] = s + d[0,t] + d[1,t] +
     * … + d[m−1,t], added in row order, with s = dst[dstOff + t] if {@code accumulate}, else 0 (the
     * bias gradient Σ_rows Δ, seed 001). The vector form adds V columns at a time in the same order, the
     * scalar form eight.
     */
    public static void columnSums(float[] d, int m, int n, float[] dst, int dstOff, boolean accumulate) {
        impl(m * n).columnSums(d, m, n, dst, dstOff, accumulate);
    }

    /**
     * In place: the vector v[vOff .. vOff+n−1] added to each of the m rows of the row-major m×n
     * matrix at a[off ..] (the bias of a layer added to its net inputs, one add per element: the
     * same bits in either implementation).
     */
    public static void addToRows(float[] a, int off, int m, int n, float[] v, int vOff) {
        impl(m * n).addToRows(a, off, m, n, v, vOff);
    }

    static void scalarAddToRows(float[] a, int off, int m, int n, int t0, float[] v, int vOff) {
        for (int r = 0; r < m; r++) {
            int s = off + r * n;
            for (int t = t0; t < n; t++) a[s + t] += v[vOff + t];
        }
    }

    /** v, or 0 if v is subnormal (see {@link #flushAdd}). */
    public static float flush(float v) {
        return Math.abs(v) < Float.MIN_NORMAL ? 0f : v;
    }

    /**
     * In place: g[i] *= f'(net_i) from the outputs o[i] (same offset in both arrays): logistic
     * o(1−o), tanh 1−o², ReLU (o &gt; 0 ? 1 : 0, as a select so that g's sign and NaN-freeness
     * are kept), leaky ReLU (o &gt; 0 ? 1 : 0.01).
     */
    public static void multiplyDerivative(int f, float[] g, float[] o, int off, int len) {
        impl(len).multiplyDerivative(f, g, o, off, len);
    }

    /** The scalar form of one element of {@link #multiplyDerivative}. */
    static float derivativeTimes(int f, float g, float o) {
        return switch (f) {
            case DERIV_LOGISTIC -> g * (o * (1f - o));
            case DERIV_TANH -> g * (1f - o * o);
            case DERIV_RELU -> o > 0f ? g : 0f;
            case DERIV_LEAKY_RELU -> o > 0f ? g : LEAKY * g;
            default -> throw new IllegalArgumentException("derivative code " + f);
        };
    }

    /** {@link #columnSums} for columns t0..n−1 (also the vector form's tail). */
    static void scalarColumnSums(float[] d, int m, int n, int t0, float[] dst, int dstOff, boolean accumulate) {
        BranchFreeElementwise.columnSums(d, m, n, t0, dst, dstOff, accumulate);
    }

    static Impl scalarImpl() {
        return new Scalar();
    }

    /** The element-by-element scalar loops at every length (for tests and comparisons: the reference bits). */
    static Impl elementImpl() {
        return new Scalar(Integer.MAX_VALUE);
    }

    static Impl activeImpl() {
        return Vectorised.IMPL;
    }

    // ---- scalar forms: the vector code performs exactly these operations lane by lane ----

    /** e^x for x ≤ 0 (larger x are not supported: the result would overflow the two-factor scaling). */
    public static float expNeg(float x) {
        x = Math.max(x, EXP_MIN);
        float n = (x * LOG2E + MAGIC) - MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        int ni = (int) n;
        int n1 = ni >> 1, n2 = ni - n1;
        return y * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    /** 1/(1+e^−x), from e = e^−|x| (never overflows): 1/(1+e) for x ≥ 0, e/(1+e) for x &lt; 0. */
    public static float logistic(float x) {
        float e = expNeg(-Math.abs(x));
        float d = 1f + e;
        return x < 0f ? e / d : 1f / d;
    }

    /** tanh x: Cephes' odd polynomial x·(1 + x²·Q(x²)) for |x| &lt; 0.625, else sign(x)·(1−e)/(1+e) with e = e^−2|x|. */
    public static float tanh(float x) {
        float ax = Math.abs(x);
        if (ax < TANH_SMALL) {
            float z = x * x;
            float q = Math.fma(Q0, z, Q1);
            q = Math.fma(q, z, Q2);
            q = Math.fma(q, z, Q3);
            q = Math.fma(q, z, Q4);
            return x * Math.fma(q, z, 1f);        // x·(1 + z·Q): exact for x = ±0 (keeps −0) and subnormal x
        }
        float e = expNeg(-2f * ax);
        float t = (1f - e) / (1f + e);
        return x < 0f ? -t : t;
    }

    /**
     * Loops at least this long take the scalar forms C2 can vectorize ({@link BranchFreeElementwise}); shorter
     * ones the element-by-element loops, which take fewer operations per element (faster interpreted or
     * C1-compiled, and for a few elements). The same bits either way.
     */
    static final int BRANCH_FREE_MIN = 256;

    static final class Scalar implements Impl {
        /** Loops at least this long take the branch-free forms. */
        private final int branchFreeMin;

        Scalar() {
            this(BRANCH_FREE_MIN);
        }

        Scalar(int branchFreeMin) {
            this.branchFreeMin = branchFreeMin;
        }

        @Override public void logistic(float[] a, int off, int len) {
            for (int i = off, end = off + len; i < end; i++) a[i] = Elementwise.logistic(a[i]);
        }
        @Override public void tanh(float[] a, int off, int len) {
            for (int i = off, end = off + len; i < end; i++) a[i] = Elementwise.tanh(a[i]);
        }
        @Override public void expShifted(float[] a, int off, int len, float shift) {
            for (int i = off, end = off + len; i < end; i++) a[i] = expNeg(a[i] - shift);
        }
        @Override public void flushAdd(float[] c, int ci, float[] w, int wi, int len) {
            if (len >= branchFreeMin && ci == wi) {   // with two offsets C2 vectorizes neither form
                BranchFreeElementwise.flushAdd(c, w, ci, ci + len);
                return;
            }
            for (int i = 0; i < len; i++) {
                float v = flush(c[ci + i]);
                c[ci + i] = v;
                w[wi + i] += v;
            }
        }
        @Override public void scale(float[] a, int off, int len, float s) {
            for (int i = off, end = off + len; i < end; i++) a[i] *= s;
        }
        @Override public void addToRows(float[] a, int off, int m, int n, float[] v, int vOff) {
            scalarAddToRows(a, off, m, n, 0, v, vOff);
        }
        @Override public void columnSums(float[] d, int m, int n, float[] dst, int dstOff, boolean accumulate) {
            scalarColumnSums(d, m, n, 0, dst, dstOff, accumulate);
        }
        @Override public void multiplyDerivative(int f, float[] g, float[] o, int off, int len) {
            int end = off + len;
            boolean branchFree = len >= branchFreeMin;
            switch (f) {   // one loop per function, so that C2 can vectorize the simple ones
                case DERIV_LOGISTIC -> { for (int i = off; i < end; i++) g[i] = g[i] * (o[i] * (1f - o[i])); }
                case DERIV_TANH -> { for (int i = off; i < end; i++) g[i] = g[i] * (1f - o[i] * o[i]); }
                case DERIV_RELU -> {
                    if (branchFree) BranchFreeElementwise.reluDerivative(g, o, off, end);
                    else for (int i = off; i < end; i++) g[i] = o[i] > 0f ? g[i] : 0f;
                }
                case DERIV_LEAKY_RELU -> {
                    if (branchFree) BranchFreeElementwise.leakyReluDerivative(g, o, off, end);
                    else for (int i = off; i < end; i++) g[i] = o[i] > 0f ? g[i] : LEAKY * g[i];
                }
                default -> throw new IllegalArgumentException("derivative code " + f);
            }
        }
        @Override public String name() {
            return "scalar";
        }
    }
}
