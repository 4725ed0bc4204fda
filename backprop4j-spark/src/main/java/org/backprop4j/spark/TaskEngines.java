package org.backprop4j.spark;

import java.util.HashMap;
import java.util.Map;
import org.backprop4j.Backprop;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ParallelKernels;

/**
 * One engine per executor thread and network shape, kept between tasks, so that a task of an
 * iteration allocates nothing but its result. A Spark task owns one core
 * ({@code spark.task.cpus = 1}), so the engine runs the single-threaded kernels behind the
 * process's {@link ParallelKernels}: two tasks on two cores never compete for one pool.
 */
final class TaskEngines {
    private TaskEngines() {}

    private static final ThreadLocal<Map<NetSpec, Backprop>> ENGINES = ThreadLocal.withInitial(HashMap::new);

    private static final ThreadLocal<float[][]> TARGETS = ThreadLocal.withInitial(() -> new float[1][]);

    private static final ThreadLocal<double[][]> SUMS = ThreadLocal.withInitial(() -> new double[1][0]);
    private static final ThreadLocal<float[][]> GRADIENT = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * This thread's zeroed double buffer of n values for a share's sums, kept between passes: a pass
     * allocates only its result, so a fit's garbage, and the fresh heap pages it touches, do not grow
     * with its passes.
     */
    static double[] sums(int n) {
        double[][] b = SUMS.get();
        if (b[0].length != n) b[0] = new double[n];
        else java.util.Arrays.fill(b[0], 0);
        return b[0];
    }

    /** This thread's float buffer of n values for a block's gradient (overwritten by each use), kept between passes. */
    static float[] gradient(int n) {
        float[][] b = GRADIENT.get();
        if (b[0].length != n) b[0] = new float[n];
        return b[0];
    }

    /** This thread's buffer for a block's one-hot targets ({@link FloatBlock#targets}), kept between tasks. */
    static float[][] targetBuffer() {
        return TARGETS.get();
    }

    /** The single-threaded kernels every task uses (the same kernels the library picked, without its pool). */
    static Kernels kernels() {
        Kernels k = KernelProvider.get();
        return k instanceof ParallelKernels p ? p.delegate() : k;
    }

    /** This thread's engine for the shape, holding the weights {@code w}. */
    static Backprop engine(NetSpec spec, float[] w) {
        return engine(spec, w, null);
    }

    /**
     * {@link #engine(NetSpec, float[])} for a fit of the given {@code work} (null: unknown): the
     * executor declares it ({@link KernelProvider#expectWork(double, double)}), so that kernels not
     * chosen yet are chosen as the library's {@code train} does for a run of that size, and the
     * element-wise loops take the form that suits it, the same on every executor and on the driver,
     * since every task of a fit carries the same figures.
     */
    static Backprop engine(NetSpec spec, float[] w, Work work) {
        if (work != null) KernelProvider.expectWork(work.flops(), work.elementwise());
        // the products on this thread; a large block's row groups shared with the fit's other kept tasks in this JVM (Crew)
        Backprop e = ENGINES.get().computeIfAbsent(spec, s -> new Backprop(s.build(new float[paramCount(s)]), s.loss(), new Crew.Shared(kernels())));
        e.network().setParams(w);
        return e;
    }

    /** A fit's expected work: the products' operations and the element-wise loops' values ({@link KernelProvider#expectWork(double, double)}). */
    record Work(double flops, double elementwise) implements java.io.Serializable {}

    /**
     * A fit's work: the products' operations ({@link KernelProvider#trainingFlops}), and 4
     * element-wise values per hidden and output unit, row and epoch (the bias add and the activation
     * forward, the derivative and the bias gradient backward).
     */
    static Work work(NetSpec s, long rows, int epochs) {
        int[] n = s.sizes();
        long units = 0;
        for (int l = 1; l < n.length; l++) units += n[l];
        return new Work(KernelProvider.trainingFlops(n, rows, epochs), 4.0 * units * rows * epochs);
    }

    static int paramCount(NetSpec s) {
        int[] n = s.sizes();
        long c = 0;
        for (int l = 1; l < n.length; l++) c += (long) n[l] * n[l - 1] + n[l];
        return Math.toIntExact(c);
    }
}
