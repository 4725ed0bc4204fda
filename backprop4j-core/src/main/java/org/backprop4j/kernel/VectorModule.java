package org.backprop4j.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Logger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Whether a run needs the Vector API module, and the launcher's protocol for starting the JVM again
 * with it (docs/KERNELS.md, "Which JVM a run gets").
 *
 * <p>An incubator module in the boot layer costs every cold JVM its archived module graph and its
 * AOT-linked classes (the JDK archives the boot layer only without incubator modules), so the
 * launcher starts {@code train} without {@code --add-modules jdk.incubator.vector} and names itself
 * in {@value #RELAUNCH_PROPERTY}. Once the run has declared its size
 * ({@link KernelProvider#expectWork}), {@link #relaunchIfUseful} asks KernelProvider's rules whether
 * the run would take the vector kernels, or the vector element-wise loops in a run long enough to earn a
 * second start ({@link #need}); if so, before anything is
 * printed or written, it replaces the process with the launcher ({@code execve}: the same process, so
 * signals and the exit code are the training JVM's own, and the launcher's filter of the JVM's
 * incubator warning still holds standard error), which starts the JVM with the module. Without the
 * property (a plain {@code java} command, tests, an embedding program) nothing happens.
 */
public final class VectorModule {
    /** Set by the launcher (and scripts/bench) to itself: a run that wants the module has it start the JVM again. */
    public static final String RELAUNCH_PROPERTY = "backprop4j.relaunch";
    /** Set by the launcher in the JVM it started again on this request: why (shown with --verbose). */
    public static final String RELAUNCHED_PROPERTY = "backprop4j.relaunched";
    /** The environment variable that tells the launcher it is starting the JVM again, and why. */
    public static final String RELAUNCHED_ENV = "BACKPROP4J_RELAUNCHED";
    /**
     * Runs below this many operations stay without the module even where they then get the scalar
     * kernels (no OpenBLAS): a second JVM start costs more than such a run.
     */
    public static final double TINY_RUN_FLOPS = 1e9;

    private static final Logger LOG = Logger.getLogger("org.backprop4j.kernel");
    /** Whether this process has settled the question (started again, or continues as it is). */
    private static volatile boolean decided;

    private VectorModule() {}

    /** The rules' answer without OpenBLAS: yes, no, or yes only if OpenBLAS is missing or not tuned for the CPU. */
    enum Need { YES, NO, UNLESS_TUNED_OPENBLAS }

    /**
     * Whether a run should be started again with the module, by KernelProvider's rules
     * ({@link KernelProvider#preferred}, {@link KernelProvider#SCALAR_LOOPS_FLOPS},
     * {@link KernelProvider#SCALAR_LOOPS_VALUES}): where it would take the vector kernels, or where the
     * vector element-wise loops are all it would take from the module, from
     * {@link KernelProvider#SHORT_RUN_FLOPS} on. The loops give the scalar loops' bits, and below that size
     * their gain does not cover the second start (docs/bench-log/2026-12-07-cold-start.md, session f).
     *
     * @param kernel the requested kernels (auto, vector, openblas, scalar)
     * @param flops the declared operations, NaN if undeclared
     * @param loops the element-wise loops the declaration chose: 1 vector, 0 scalar, -1 undeclared, 2 vector
     *              as {@code -Dbackprop4j.vector.elementwiseMin} fixes them
     */
    static Need need(String kernel, double flops, int loops) {
        if (loops < 0 || loops == 2) return Need.YES;   // undeclared: every loop of 256 values or more; fixed: asked for
        if (loops == 1 && !(flops < KernelProvider.SHORT_RUN_FLOPS)) return Need.YES;
        return switch (kernel.trim().toLowerCase(Locale.ROOT)) {
            case "vector" -> Need.YES;
            case "openblas", "scalar" -> Need.NO;
            default -> Double.isNaN(flops) ? Need.YES   // an undeclared run takes the vector kernels where vectors are 512 bits wide
                    : flops < TINY_RUN_FLOPS ? Need.NO
                    // the vector kernels where vectors are 512 bits wide: only the module tells the width, and a second start is small next to such a run
                    : flops >= KernelProvider.SHORT_RUN_FLOPS ? Need.YES
                    : Need.UNLESS_TUNED_OPENBLAS;
        };
    }

    /**
     * Starts the JVM again with the module if this run would use it and the launcher asked for that
     * ({@value #RELAUNCH_PROPERTY}); returns if not. Call it after the run's declaration
     * ({@link KernelProvider#expectWork}) and before anything is printed or written; later calls
     * do nothing once it has settled. With {@code wait} false it settles only what it can without
     * waiting for OpenBLAS (whose core decides a short run; {@link KernelProvider#prepareInBackground}
     * loads it meanwhile), so that a caller can check early, before reading its data, and again later.
     *
     * @param args the program's arguments, given again to the launcher
     * @param kernel the requested kernels, or null for {@value KernelProvider#PROPERTY} (default auto)
     * @param readAgain whether the new JVM can read the run's input again (false for a stream, which
     *                  was or is being read: the run then continues without the module and says so with --verbose)
     * @param wait whether to wait for OpenBLAS if the answer depends on it
     */
    public static void relaunchIfUseful(String[] args, String kernel, boolean readAgain, boolean wait) {
        if (decided) return;
        if (KernelProvider.vectorModulePresent()) {
            String why = System.getProperty(RELAUNCHED_PROPERTY);
            if (why != null) LOG.info("backprop4j: started again with the vector module (" + why + ")");
            decided = true;
            return;
        }
        String launcher = System.getProperty(RELAUNCH_PROPERTY);
        if (launcher == null || launcher.isEmpty() || args == null) {
            decided = true;
            return;
        }
        String requested = kernel != null ? kernel : System.getProperty(KernelProvider.PROPERTY, "auto");
        double flops = KernelProvider.expectedWork();
        String why = switch (need(requested, flops, KernelProvider.declaredLoops())) {
            case NO -> null;
            case YES -> reason(requested, flops, KernelProvider.declaredLoops());
            case UNLESS_TUNED_OPENBLAS -> {
                java.util.concurrent.Future<Kernels> ob = KernelProvider.openBlasLoading();
                if (!wait && !ob.isDone()) yield "";   // not settled yet
                yield untuned(ob, flops);
            }
        };
        if (why != null && why.isEmpty()) return;
        decided = true;
        if (why == null) return;
        if (!readAgain) {
            LOG.info("backprop4j: this run would use the vector module (" + why + "), but its data come from a stream, which is read once:"
                    + " it continues without the module (BACKPROP4J_VECTOR=1 starts it with the module)");
            return;
        }
        String failure = exec(launcher, args, why);
        LOG.info("backprop4j: this run would use the vector module (" + why + "), but the JVM could not be started again (" + failure
                + "): it continues without the module");
    }

    /** Why a run that does not depend on OpenBLAS wants the module, for the --verbose line. */
    static String reason(String kernel, double flops, int loops) {
        if (loops < 0 || Double.isNaN(flops)) return "a run of undeclared size";
        if (loops == 2) return "-Dbackprop4j.vector.elementwiseMin fixes the element-wise loops to their Vector API form";
        if (kernel.trim().equalsIgnoreCase("vector")) return "the vector kernels were asked for";
        String run = "a run of " + KernelProvider.twoDigits(flops) + " FLOP";
        if (!kernel.trim().equalsIgnoreCase("auto")) return run + " takes the Vector API element-wise loops";
        return run + " takes the vector kernels where vectors are 512 bits wide" + (loops == 1 ? " and the Vector API element-wise loops" : "");
    }

    /** Null if OpenBLAS loads with kernels tuned for the CPU, else why the run wants the vector kernels. */
    private static String untuned(java.util.concurrent.Future<Kernels> ob, double flops) {
        try {
            OpenBlasKernels k = (OpenBlasKernels) ob.get();
            if (OpenBlasKernels.tunedCore(k.coreName())) return null;
            return "OpenBLAS's core " + k.coreName() + " is not tuned for this CPU, a run of " + KernelProvider.twoDigits(flops) + " FLOP";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return "no OpenBLAS (" + e.getCause().getMessage() + "), a run of " + KernelProvider.twoDigits(flops) + " FLOP";
        }
    }

    /**
     * Whether a new process can read this input again from its start: a regular file not reached
     * through a process's own descriptors ({@code /dev/stdin}, {@code /dev/fd/N}, {@code /proc/…}),
     * which a new process may share or find consumed.
     */
    public static boolean readableAgain(Path input) {
        if (input == null) return true;
        String s = input.toAbsolutePath().normalize().toString();
        return !s.startsWith("/dev/") && !s.startsWith("/proc/") && Files.isRegularFile(input);
    }

    /**
     * Replaces this process with {@code launcher args…} ({@code execve}), the environment this JVM was
     * given plus {@value #RELAUNCHED_ENV} set to {@code why}; returns only if that failed, with the
     * reason. One downcall, and its arrays written in bulk (no var handles): each of these costs a cold
     * JVM the generation of method-handle classes, on the path of every run started again. The
     * descriptors this JVM opened (its jar, the JDK's modules file, /dev/random) stay open in the new one.
     */
    static String exec(String launcher, String[] args, String why) {
        if (!VectorModule.class.getModule().isNativeAccessEnabled()) return "native access is not enabled";
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle execve = linker.downcallHandle(linker.defaultLookup().find("execve").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
            Charset cs = platformCharset();
            try (Arena arena = Arena.ofConfined()) {
                String[] argv = new String[args.length + 1];
                argv[0] = launcher;
                System.arraycopy(args, 0, argv, 1, args.length);
                java.util.List<String> env = new java.util.ArrayList<>();
                System.getenv().forEach((k, v) -> {
                    if (!k.equals(RELAUNCHED_ENV)) env.add(k + "=" + v);
                });
                env.add(RELAUNCHED_ENV + "=" + why);
                MemorySegment path = arena.allocateFrom(launcher, cs);
                MemorySegment av = strings(arena, argv, cs), ev = strings(arena, env.toArray(String[]::new), cs);
                System.out.flush();
                System.err.flush();
                int r = (int) execve.invokeExact(path, av, ev);
                return "execve " + launcher + " returned " + r;
            }
        } catch (Throwable t) {
            return t.toString();
        }
    }

    /** A NULL-terminated array of C strings (argv, envp). */
    private static MemorySegment strings(Arena arena, String[] s, Charset cs) {
        long[] pointers = new long[s.length + 1];
        for (int i = 0; i < s.length; i++) pointers[i] = arena.allocateFrom(s[i], cs).address();
        return arena.allocateFrom(JAVA_LONG, pointers);
    }

    /** The charset the JVM decoded its arguments and environment with. */
    private static Charset platformCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
