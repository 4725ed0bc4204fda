package org.backprop4j.kernel;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Chooses the {@link Kernels} implementation once, at first use, and logs the choice once (one
 * INFO line on the {@code org.backprop4j.kernel} logger, no stack trace).
 * Override with the system property {@code backprop4j.kernel} = {@code scalar} | {@code vector} |
 * {@code openblas} | {@code auto} (the default). Large products are split across
 * {@code -Dbackprop4j.threads=N} threads (default: the available processors) by {@link ParallelKernels},
 * with results that do not depend on N.
 *
 * <p>{@code auto} ({@link #preferred}): the Vector API kernels (JVM flag {@code --add-modules
 * jdk.incubator.vector}) where vectors are 512 bits wide; with narrower vectors OpenBLAS (FFM, see
 * {@link OpenBlasKernels}) if it loads and runs kernels tuned for the CPU, else the vector kernels;
 * OpenBLAS without the vector module; else the scalar kernels. The vector classes are
 * loaded reflectively and only when the module is present, so embedding the core without the flag
 * costs nothing but the log line. See docs/KERNELS.md.
 */
public final class KernelProvider {
    /** The system property that overrides the choice. */
    public static final String PROPERTY = "backprop4j.kernel";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Logger LOG = Logger.getLogger("org.backprop4j.kernel");
    private static volatile Kernels instance;
    /** The names {@value #PROPERTY} and {@link #request} take. */
    static final java.util.List<String> NAMES = java.util.List.of("auto", "vector", "openblas", "scalar");

    private KernelProvider() {}

    /** Expected floating-point operations of the process's training, if a caller said (NaN: unknown). */
    private static volatile double expectedWork = Double.NaN;

    /**
     * Training work below which {@code auto} prefers tuned OpenBLAS over the Vector API kernels even
     * with 512-bit vectors: the vector kernels are compiled by C2 while the first epoch runs, a cost
     * only a longer run earns back through their faster steady state (docs/KERNELS.md).
     */
    public static final double SHORT_RUN_FLOPS = 1e12;

    /**
     * Training work below which every element-wise loop takes its scalar form ({@link Elementwise}):
     * the Vector API loops are compiled only after their interpreted form has run (slow, allocating),
     * a fixed cost; the scalar ones cost more per step, a cost that grows with the run
     * (where the two cross: docs/bench-log/2026-12-07-cold-start.md).
     */
    public static final double SCALAR_LOOPS_FLOPS = 3e10;

    /**
     * Asks for the kernels by name ({@code auto}, {@code vector}, {@code openblas}, {@code scalar}),
     * as {@code -D}{@value #PROPERTY} does, before they are chosen: a run that must repeat another's
     * bits names the kernels that run used (floating-point sums are rounded differently by each).
     *
     * @throws IllegalArgumentException for another name
     * @throws IllegalStateException if this process chose other kernels already
     */
    public static synchronized void request(String name) {
        Kernels k = instance;
        String w = name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(w)) throw new IllegalArgumentException("expected " + String.join(", ", NAMES.subList(0, NAMES.size() - 1)) + " or " + NAMES.getLast());
        if (k == null) {
            System.setProperty(PROPERTY, w);
        } else if (!w.equals("auto") && !k.name().equals(w)) {
            throw new IllegalStateException("the kernels of this process are " + k.name() + " already, not " + w);
        }
    }

    /**
     * The products' floating-point operations of training a fully connected network of these layer sizes
     * (inputs first): about 6 per weight (biases included) and pattern each epoch, 2 in the forward pass
     * ({@code net = W·o + b}) and 4 in the backward pass (the hidden deltas {@code Σk δk·w_kj} and the
     * gradients {@code δt·o_u}, a product each); the value {@link #expectWork(double)} takes.
     *
     * @param sizes    the units of each layer, inputs first (at least two layers)
     * @param patterns the training patterns
     * @param epochs   the passes over them
     * @return the operations
     */
    public static double trainingFlops(int[] sizes, long patterns, long epochs) {
        if (sizes.length < 2) throw new IllegalArgumentException("a network has at least an input and an output layer, not " + sizes.length + " layer(s)");
        long weights = 0;
        for (int l = 1; l < sizes.length; l++) weights += (long) sizes[l] * (sizes[l - 1] + 1);
        return 6.0 * weights * patterns * epochs;
    }

    /**
     * Says how much training work this process is about to do, before the kernels are chosen (the
     * first {@link #get}); later calls change nothing. Used by {@code auto} only: a short run takes
     * OpenBLAS where it runs tuned kernels ({@link #preferred(boolean, int, boolean, String, double)}).
     * The choice is made once, before training, so a run's weights never depend on when it was made.
     *
     * @param flops the expected floating-point operations (e.g. epochs × patterns × 6 × weights)
     */
    public static void expectWork(double flops) {
        if (instance != null) return;
        expectedWork = flops;
        // the element-wise loops too, for the shortest runs: their scalar form gives the same bits and needs
        // no JIT warm-up of Vector API code, but costs more per step, which a longer run pays many times over
        // longer ones take the scalar loops too until the vector loops are compiled, on a thread of their own;
        // either way not where -Dbackprop4j.vector.elementwiseMin fixes the loops
        if (flops < Double.POSITIVE_INFINITY) {
            Elementwise.scalarLoops(flops < SCALAR_LOOPS_FLOPS, WARM_UP_MILLIS);
            declaredLoops = loops(flops < SCALAR_LOOPS_FLOPS);
        }
    }

    /**
     * The element-wise loops the latest declaration chose, for {@link VectorModule}: 1 the vector form
     * (after its warm-up), 0 the scalar form, -1 no declaration yet, 2 the vector form as -Dbackprop4j.vector.elementwiseMin fixes it.
     */
    private static volatile int declaredLoops = -1;

    /** {@link #declaredLoops} for a declaration's choice, or the form {@code -Dbackprop4j.vector.elementwiseMin} fixes. */
    private static int loops(boolean scalar) {
        if (Elementwise.pinned) return Elementwise.VECTOR_MIN < Integer.MAX_VALUE ? 2 : 0;
        return scalar ? 0 : 1;
    }

    /** The element-wise loops declared ({@link #declaredLoops}; {@link VectorModule}). */
    static int declaredLoops() {
        return declaredLoops;
    }

    /** {@return the operations this process declared it is about to train ({@link #expectWork}), NaN if none} */
    public static double expectedWork() {
        return expectedWork;
    }

    /** How long the element-wise loops' background warm-up may try before the run keeps the scalar loops. */
    static final long WARM_UP_MILLIS = 15_000;

    /**
     * Element-wise values below which a run declared with {@link #expectWork(double, double)} takes the
     * scalar element-wise loops: the Vector API loops cost a fixed warm-up (they run interpreted,
     * slow and allocating, until C2 has compiled them, later still in a process whose compiler is busy
     * with other code, e.g. a Spark executor's), the scalar ones a little more per value (where the two
     * cross for full-batch training: docs/bench-log/2026-12-07-spark-vs-mlpc.md).
     */
    public static final double SCALAR_LOOPS_VALUES = 1e9;

    /**
     * Says how much work this process's training is about to do, in the two measures the choices are
     * made by: {@code flops}, the products' floating-point operations, which choose the kernels as
     * {@link #expectWork(double)} does (NaN: unknown; ignored once the kernels are chosen), and
     * {@code elementwise}, the values the element-wise loops ({@link Elementwise}: bias adds,
     * activations, their derivatives, bias gradients) will compute, e.g. about four per hidden and
     * output unit, pattern and pass. Operations alone misjudge the loops' share of a run (a pass
     * computes six operations per weight but only a few values per unit), so a caller that can count
     * the values gives them: below {@link #SCALAR_LOOPS_VALUES} every element-wise loop takes its
     * scalar form, else the scalar form until the vector one is compiled on a thread of its own
     * ({@link Elementwise}; at once if an earlier run compiled it). Both forms give the same bits, so
     * unlike the kernels the loops follow the latest declaration (a Spark executor that runs a short
     * fit, then a long one), except where {@code -Dbackprop4j.vector.elementwiseMin} fixes them.
     *
     * @param flops the expected floating-point operations of the products (e.g. epochs × patterns × 6 × weights), or NaN
     * @param elementwise the expected values computed by the element-wise loops
     */
    public static void expectWork(double flops, double elementwise) {
        if (!Double.isNaN(flops) && instance == null) expectedWork = flops;
        if (!Double.isNaN(elementwise)) {
            Elementwise.scalarLoops(scalarLoops(elementwise), WARM_UP_MILLIS);
            declaredLoops = loops(scalarLoops(elementwise));
        }
    }

    /** The rule of {@link #expectWork(double, double)} for the element-wise loops: scalar below {@link #SCALAR_LOOPS_VALUES}. */
    static boolean scalarLoops(double elementwise) {
        return elementwise < SCALAR_LOOPS_VALUES;
    }

    /** OpenBLAS being loaded ahead of the choice ({@link #prepareInBackground}), or null. */
    private static volatile java.util.concurrent.FutureTask<Kernels> openBlasAhead;

    /**
     * Loads OpenBLAS on a daemon thread of its own (library lookup, symbols, downcall handles), so that
     * the choice at the first {@link #get} need not wait for it: for a caller with other work to do
     * first, such as reading the data. Changes nothing about which kernels are chosen; does nothing once
     * they are chosen, or when {@value #PROPERTY} names kernels other than OpenBLAS.
     */
    public static synchronized void prepareInBackground() {
        if (instance == null) loadAhead();
    }

    /** {@link #prepareInBackground} whether or not the kernels are chosen already (for tests). */
    static synchronized void loadAhead() {
        String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (openBlasAhead != null || !(wanted.equals("auto") || wanted.equals("openblas"))) return;
        openBlasLoading();
    }

    /**
     * OpenBLAS being loaded for the choice ({@link #prepareInBackground}, started here if it was not),
     * for {@link VectorModule} to look at without taking it from the choice; once the choice has taken
     * OpenBLAS (a primer may ask for the kernels before the run's last check), the OpenBLAS it took, not a second load.
     */
    static synchronized java.util.concurrent.Future<Kernels> openBlasLoading() {
        return openBlasLoading(instance);
    }

    /** {@link #openBlasLoading()} with the process's kernels as given ({@code chosen}, null: not chosen yet). */
    static synchronized java.util.concurrent.Future<Kernels> openBlasLoading(Kernels chosen) {
        if (openBlasAhead == null && chosen != null && chosen.singleThreaded() instanceof OpenBlasKernels taken) {
            return java.util.concurrent.CompletableFuture.completedFuture(taken);
        }
        if (openBlasAhead == null) {
            java.util.concurrent.FutureTask<Kernels> f = new java.util.concurrent.FutureTask<>(() -> load("openblas"));
            openBlasAhead = f;
            Thread.ofPlatform().daemon().name("backprop4j-load-openblas").start(f);
        }
        return openBlasAhead;
    }

    /** OpenBLAS being loaded ahead, or null (for tests). */
    static java.util.concurrent.FutureTask<Kernels> ahead() {
        return openBlasAhead;
    }

    /** {@code load("openblas")}, or the instance {@link #prepareInBackground} loaded (its failure as load would throw it). */
    static Kernels openBlas() {
        java.util.concurrent.FutureTask<Kernels> f = openBlasAhead;
        if (f == null) return load("openblas");
        openBlasAhead = null;   // one taker: the choice
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return load("openblas");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new UnsupportedOperationException("OpenBLAS failed to load: " + e.getCause());
        }
    }

    /** The process-wide kernels. */
    public static Kernels get() {
        Kernels k = instance;
        if (k == null) {
            synchronized (KernelProvider.class) {
                k = instance;
                if (k == null) {
                    Choice ch = choose(System.getProperty(PROPERTY, "auto"));
                    int threads = threads();
                    k = new ParallelKernels(ch.kernels, threads);
                    LOG.log(ch.warning ? java.util.logging.Level.WARNING : java.util.logging.Level.INFO,
                            ch.message + ", " + threads + " compute thread" + (threads == 1 ? "" : "s"));
                    instance = k;
                }
            }
        }
        return k;
    }

    /** The system property that sets the compute threads (default: the available processors). */
    public static final String THREADS_PROPERTY = "backprop4j.threads";

    /** Compute threads: {@code -Dbackprop4j.threads=N}, else the number of available processors. */
    public static int threads() {
        Integer t = Integer.getInteger(THREADS_PROPERTY);
        return Math.max(1, t == null ? Runtime.getRuntime().availableProcessors() : t);
    }

    /** Kernels by name (scalar | vector | openblas), or {@code null} if that implementation cannot be loaded here. */
    public static Kernels byName(String name) {
        try {
            return load(name);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether the {@code jdk.incubator.vector} module is present in this JVM's boot layer. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * Loads kernels by name.
     *
     * @throws UnsupportedOperationException with a one-line reason if the implementation cannot run here
     * @throws IllegalArgumentException for an unknown name
     */
    static Kernels load(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "scalar" -> new ScalarKernels();
            case "vector" -> loadVector();
            case "openblas" -> loadOpenBlas();
            default -> throw new IllegalArgumentException("unknown kernels '" + name
                    + "' (expected scalar, vector, openblas or auto)");
        };
    }

    private static Kernels loadVector() {
        if (!vectorModulePresent()) {
            throw new UnsupportedOperationException("module " + VECTOR_MODULE
                    + " is not present (start the JVM with --add-modules " + VECTOR_MODULE + ")");
        }
        try {
            // reflective, so that this class never links against jdk.incubator.vector by itself
            return (Kernels) Class.forName("org.backprop4j.kernel.VectorKernels").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new UnsupportedOperationException("vector kernels failed to load: " + cause);
        }
    }

    private static Kernels loadOpenBlas() {
        // without native access the JVM would print a four-line warning at the first FFM call (JEP 472):
        // an embedding application that did not ask for native code gets the scalar kernels and one log line
        if (!KernelProvider.class.getModule().isNativeAccessEnabled()) {
            throw new UnsupportedOperationException("native access is not enabled for OpenBLAS (start the JVM with --enable-native-access="
                    + (KernelProvider.class.getModule().isNamed() ? KernelProvider.class.getModule().getName() : "ALL-UNNAMED") + ")");
        }
        try {
            return new OpenBlasKernels();
        } catch (LinkageError | IllegalStateException | IllegalCallerException e) {
            // e.g. native access disabled (--illegal-native-access=deny) or a broken library
            throw new UnsupportedOperationException("OpenBLAS failed to load: " + e);
        }
    }

    /** The name plus details (library, vector shape) where the implementation gives them. */
    static String describe(Kernels k) {
        return k instanceof ScalarKernels ? k.name() : k.toString();
    }

    /** The kernels picked for a requested name and the one line that says why. */
    record Choice(Kernels kernels, String message, boolean warning) {}

    static Choice choose(String wanted) {
        String w = wanted.trim().toLowerCase(Locale.ROOT);
        if (!"auto".equals(w)) {
            try {
                Kernels k = w.equals("openblas") ? openBlas() : load(w);
                return new Choice(k, "backprop4j kernels: " + describe(k) + " (requested by -D" + PROPERTY + "=" + wanted + ")", false);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                Kernels k = autoChoice(new StringBuilder());
                return new Choice(k, "backprop4j kernels: " + describe(k) + " (requested '" + wanted + "' is not available: "
                        + e.getMessage() + ")", true);
            }
        }
        StringBuilder why = new StringBuilder();
        Kernels k = autoChoice(why);
        return new Choice(k, "backprop4j kernels: " + describe(k) + (why.isEmpty() ? "" : " (" + why + ")"), false);
    }

    /**
     * The automatic choice; appends why the others were passed over. See {@link #preferred}.
     * The vector kernels' cost is the JIT: a few seconds of slow first steps, which
     * {@code Trainer.warmUp} takes out of a timed run. {@code -Dbackprop4j.kernel=...} overrides.
     */
    private static Kernels autoChoice(StringBuilder why) {
        Kernels vector = null, openblas = null;
        if (expectedWork < SHORT_RUN_FLOPS) {
            // a short run takes tuned OpenBLAS whatever the vectors (preferred): the Vector API classes need not load
            try {
                OpenBlasKernels ob = (OpenBlasKernels) openBlas();
                if (OpenBlasKernels.tunedCore(ob.coreName())) {
                    why.append(shortRun(expectedWork, ob.coreName()));
                    return ob;
                }
                openblas = ob;
            } catch (UnsupportedOperationException e) {
                why.append(e.getMessage());
            }
        }
        try {
            vector = load("vector");
        } catch (UnsupportedOperationException e) {
            why.append(e.getMessage());
        }
        int bits = vector == null ? 0 : preferredVectorBits();
        String core = openblas == null ? null : ((OpenBlasKernels) openblas).coreName();
        if (openblas == null && (vector == null || bits < 512) && !(expectedWork < SHORT_RUN_FLOPS)) {   // a short run tried it above
            try {
                openblas = openBlas();
                core = ((OpenBlasKernels) openblas).coreName();
            } catch (UnsupportedOperationException e) {
                why.append(why.isEmpty() ? "" : "; ").append(e.getMessage());
            }
        }
        String pick = preferred(vector != null, bits, openblas != null, core, expectedWork);
        if (pick.equals("openblas") && vector != null && bits >= 512) {
            why.append(shortRun(expectedWork, core));
        } else if (pick.equals("openblas") && vector != null) {
            why.append(bits).append("-bit vectors: OpenBLAS's ").append(core).append(" kernels are faster here");
        } else if (pick.equals("vector") && openblas != null) {
            why.append("OpenBLAS core ").append(core == null ? "unknown" : core).append(" is not tuned for this CPU");
        }
        return switch (pick) {
            case "vector" -> vector;
            case "openblas" -> openblas;
            default -> new ScalarKernels();
        };
    }

    /** Why a short run took OpenBLAS, in the words of the log line. */
    static String shortRun(double flops, String core) {
        return "a short run (" + twoDigits(flops) + " FLOP expected): OpenBLAS's " + core + " kernels need no JIT warm-up";
    }

    /**
     * {@code String.format(Locale.ROOT, "%.2g", x)} without java.util.Formatter: a process's first
     * format loads the formatter and the locale data, a cold start's cost on the path of every short
     * run's kernel choice (docs/bench-log/2026-12-07-cold-start.md). Rounded half up, as %g does.
     */
    static String twoDigits(double x) {
        if (!Double.isFinite(x) || x == 0 || Math.abs(x) < 100) return String.format(Locale.ROOT, "%.2g", x);
        // |x| ≥ 100 has at least three digits, so the rounded value keeps two: d.d × 10^exp
        java.math.BigDecimal r = new java.math.BigDecimal(Math.abs(x)).round(new java.math.MathContext(2, java.math.RoundingMode.HALF_UP));
        String digits = r.unscaledValue().toString();
        int exp = digits.length() - 1 - r.scale();
        return (x < 0 ? "-" : "") + digits.charAt(0) + "." + digits.charAt(1) + "e+" + (exp < 10 ? "0" : "") + exp;
    }

    /**
     * The rule behind {@code auto}, from the whole workloads measured on three machine kinds
     * (BENCHMARKS.md): with 512-bit vectors (AVX-512) the Vector API kernels, which were faster
     * than OpenBLAS on both AVX-512 machines (Intel Emerald Rapids, AMD Zen 5) and do not depend on
     * OpenBLAS recognising the CPU; with narrower vectors (AVX2, NEON) OpenBLAS if it runs kernels
     * tuned for the CPU ({@link OpenBlasKernels#tunedCore}: with AVX2 a wider Java micro-tile
     * does not fit C2's registers; figures in docs/KERNELS.md), else the vector kernels; OpenBLAS when there is no vector module;
     * scalar when there is neither.
     */
    static String preferred(boolean vector, int vectorBits, boolean openblas, String openblasCore) {
        return preferred(vector, vectorBits, openblas, openblasCore, Double.NaN);
    }

    /**
     * {@link #preferred(boolean, int, boolean, String)} for a run of known size: below
     * {@link #SHORT_RUN_FLOPS}, tuned OpenBLAS also where vectors are 512 bits wide (the Vector API code
     * is compiled during the first epoch; docs/bench-log/2026-12-07-cold-start.md).
     */
    static String preferred(boolean vector, int vectorBits, boolean openblas, String openblasCore, double expectedFlops) {
        if (vector && vectorBits >= 512 && openblas && OpenBlasKernels.tunedCore(openblasCore) && expectedFlops < SHORT_RUN_FLOPS) return "openblas";
        if (vector && vectorBits >= 512) return "vector";
        if (openblas && (!vector || OpenBlasKernels.tunedCore(openblasCore))) return "openblas";
        if (vector) return "vector";
        return openblas ? "openblas" : "scalar";
    }

    /** FloatVector.SPECIES_PREFERRED's width in bits, read reflectively (only when the module is present). */
    static int preferredVectorBits() {
        try {
            Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
            return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("vectorBitSize").invoke(species);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return 0;
        }
    }


}
