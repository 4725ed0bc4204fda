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
 * <p>{@code auto}: the Vector API kernels if the {@code jdk.incubator.vector} module is in the boot
 * layer (JVM flag {@code --add-modules jdk.incubator.vector}); else OpenBLAS if libopenblas loads
 * (FFM, see {@link OpenBlasKernels}); else the scalar kernels. The vector classes are
 * loaded reflectively and only when the module is present, so embedding the core without the flag
 * costs nothing but the log line. See docs/KERNELS.md.
 */
public final class KernelProvider {
    /** The system property that overrides the choice. */
    public static final String PROPERTY = "backprop4j.kernel";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Logger LOG = Logger.getLogger("org.backprop4j.kernel");
    private static volatile Kernels instance;

    private KernelProvider() {}

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
                Kernels k = load(w);
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
     * vector, else openblas, else scalar; appends why the others were skipped. The Java Vector API
     * kernels first: once compiled they were faster than the machine's OpenBLAS on both machine
     * kinds measured (BENCHMARKS.md), they need no native install, allocate nothing per call, and
     * they do not depend on OpenBLAS recognising the CPU (Debian's OpenBLAS 0.3.21 runs its generic
     * SSE3 "Prescott" kernels on Intel Emerald Rapids, 3x slower than its AVX-512 ones). Their cost
     * is the JIT: about a second of slow first steps, which {@code Trainer.warmUp} takes out of a
     * timed run. {@code -Dbackprop4j.kernel=openblas} chooses OpenBLAS.
     */
    private static Kernels autoChoice(StringBuilder why) {
        try {
            return load("vector");
        } catch (UnsupportedOperationException e) {
            why.append(e.getMessage());
        }
        try {
            return load("openblas");
        } catch (UnsupportedOperationException e) {
            why.append("; ").append(e.getMessage());
        }
        return new ScalarKernels();
    }


}
