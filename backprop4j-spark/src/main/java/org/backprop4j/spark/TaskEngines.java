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

    /** The single-threaded kernels every task uses (the same kernels the library picked, without its pool). */
    static Kernels kernels() {
        Kernels k = KernelProvider.get();
        return k instanceof ParallelKernels p ? p.delegate() : k;
    }

    /** This thread's engine for the shape, holding the weights {@code w}. */
    static Backprop engine(NetSpec spec, float[] w) {
        return engine(spec, w, Double.NaN);
    }

    /**
     * {@link #engine(NetSpec, float[])} for a fit of {@code work} floating-point operations in all
     * (NaN: unknown): an executor whose kernels are not chosen yet chooses them as the library's
     * {@code train} does for a run of that size ({@link KernelProvider#expectWork}), the same on
     * every executor and on the driver, since every task of a fit carries the same figure.
     */
    static Backprop engine(NetSpec spec, float[] w, double work) {
        if (!Double.isNaN(work)) KernelProvider.expectWork(work);
        Backprop e = ENGINES.get().computeIfAbsent(spec, s -> new Backprop(s.build(new float[paramCount(s)]), s.loss(), kernels()));
        e.network().setParams(w);
        return e;
    }

    /** A fit's work as the library's train counts it: 6 operations per weight, row and epoch. */
    static double work(NetSpec s, long rows, int epochs) {
        return 6.0 * paramCount(s) * rows * epochs;
    }

    static int paramCount(NetSpec s) {
        int[] n = s.sizes();
        long c = 0;
        for (int l = 1; l < n.length; l++) c += (long) n[l] * n[l - 1] + n[l];
        return Math.toIntExact(c);
    }
}
