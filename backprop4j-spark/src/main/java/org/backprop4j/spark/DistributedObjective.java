package org.backprop4j.spark;

import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.backprop4j.Backprop;
import org.backprop4j.Network;
import org.backprop4j.train.Objective;

/**
 * The full-batch training error E(w) = loss over all training rows + λ/2‖W‖² (seed 003's batch
 * error), computed by Spark: one pass per evaluation, a Spark job of its own (the driver ships w)
 * or a command to the fit's kept tasks ({@link Passes}, {@link Hub}). Every
 * partition runs the fast engine ({@link Backprop#gradient}) over its cached {@link FloatBlock}s
 * and contributes its share (Σ_p ∂E_p/∂w as float32, Σ_p E_p); {@link Partial#sum} adds the shares
 * in partition order, in double; the optimizer's side scales by the loss's 1/m and adds the decay
 * term exactly as the single-machine {@code NetworkObjective} does. Any library optimizer then steps.
 */
final class DistributedObjective implements Objective {
    private final JavaSparkContext sc;
    private final JavaRDD<FloatBlock> blocks;
    private final NetSpec spec;
    private final long rows;
    private final double lambda;
    private final boolean decayBiases;
    private final Network net;   // the optimizer's side's copy, for the decay term
    private final TaskEngines.Work work;   // the fit's expected work, for the executors' choice of kernels and loops (null: unknown)
    private final Passes passes;   // null: a Spark job per pass
    final Timings timings = new Timings();
    private long evaluations;

    DistributedObjective(JavaSparkContext sc, JavaRDD<FloatBlock> blocks, NetSpec spec, long rows, double lambda, boolean decayBiases) {
        this(sc, blocks, spec, rows, lambda, decayBiases, null);
    }

    DistributedObjective(JavaSparkContext sc, JavaRDD<FloatBlock> blocks, NetSpec spec, long rows, double lambda, boolean decayBiases, TaskEngines.Work work) {
        this(sc, blocks, spec, rows, lambda, decayBiases, work, null);
    }

    /** {@code passes}: where a pass runs instead of a Spark job of its own (when it returns a result). */
    DistributedObjective(JavaSparkContext sc, JavaRDD<FloatBlock> blocks, NetSpec spec, long rows, double lambda, boolean decayBiases,
                         TaskEngines.Work work, Passes passes) {
        this.work = work;
        this.sc = sc;
        this.blocks = blocks;
        this.spec = spec;
        this.rows = rows;
        this.lambda = lambda;
        this.decayBiases = decayBiases;
        this.passes = passes;
        this.net = spec.build(new float[TaskEngines.paramCount(spec)]);
    }

    /**
     * Parameters up to which w travels inside the task binary rather than in a broadcast of its own:
     * Spark warns about task binaries above 1000 KiB, and the closure also carries the RDD's lineage.
     * (Not final: the tests take both paths.)
     */
    static int inlineFloats = 1 << 17;

    long evaluations() { return evaluations; }

    @Override
    public int dimension() {
        return net.paramCount();
    }

    @Override
    public double valueAndGradient(float[] w, float[] grad) {
        evaluations++;
        long t1 = System.nanoTime();
        Partial.Total total = passes != null ? passes.gradient(w, timings) : null;
        if (total == null) total = sparkPass(w);
        long t2 = System.nanoTime();
        if (total.rows() != rows) throw new IllegalStateException("the pass saw " + total.rows() + " rows, the fit has " + rows);
        // E = scale(m)·Σ_p E_p + λ/2‖W‖² and ∂E/∂w = scale(m)·Σ_p ∂E_p/∂w + λw, as NetworkObjective and Backprop.gradient
        double scale = spec.loss().isMean() ? 1.0 / rows : 1.0;
        double[] g = total.grad();
        for (int i = 0; i < grad.length; i++) grad[i] = (float) (g[i] * scale);
        net.setParams(w);
        if (lambda != 0) {
            float lam = (float) lambda;
            for (int l = 1; l <= net.layers(); l++) {
                int end = net.biasOffset(l) + (decayBiases ? net.size(l) : 0);
                for (int i = net.weightOffset(l); i < end; i++) grad[i] += lam * w[i];
            }
        }
        double e = scale * total.sumE() + Backprop.decayPenalty(net, lambda, decayBiases);
        timings.add(t2 - t1, total.computeNanos(), total.fetchNanos(), System.nanoTime() - t2);
        timings.executors.addAll(total.executors());
        return e;
    }

    /**
     * Where a pass runs when not as a Spark job of its own: the fit's kept tasks ({@link Hub}),
     * whose shares it returns summed in partition order; null: none are kept, a job it is.
     */
    interface Passes {
        Partial.Total gradient(float[] w, Timings timings);
    }

    /** One pass as a Spark job: w in the task binary (or a broadcast of its own), the shares summed in partition order. */
    private Partial.Total sparkPass(float[] w) {
        long t0 = System.nanoTime();
        // a small w rides in the task binary, which Spark broadcasts for every pass anyway: one
        // broadcast per pass instead of two (each costs a broadcast block's buffer on the driver)
        float[] inline = w.length <= inlineFloats ? w.clone() : null;
        Broadcast<float[]> bw = inline == null ? sc.broadcast(w.clone()) : null;
        timings.broadcastNanos += System.nanoTime() - t0;
        timings.jobs++;
        NetSpec s = spec;
        TaskEngines.Work wk = work;
        try {
            if (blocks.getNumPartitions() <= Partial.treeAbove) {
                ShareTask task = new ShareTask(s, inline, bw, wk);
                java.util.List<Partial> shares = InputException.unwrap(() -> pass(task));
                timings.addMean(shares);
                return Partial.sum(shares, timings.sumNanos);
            }
            FlatMapFunction<Iterator<FloatBlock>, Partial> share = it -> Collections.singletonList(share(s, inline, bw, it, wk)).iterator();
            return InputException.unwrap(() -> Partial.sum(blocks.mapPartitions(share), timings.sumNanos));
        } finally {
            if (bw != null) bw.destroy();
        }
    }

    @Override
    public double value(float[] w) {
        return valueAndGradient(w, new float[w.length]);
    }

    /**
     * One pass as one Spark job whose task function is an instance of a named class, not a lambda:
     * Spark's ClosureCleaner reads the class files behind every lambda a job is given (for
     * {@code mapPartitions} and {@code collect}, Spark's own), garbage and driver time in every pass,
     * and skips other functions. The shares come back in partition order.
     */
    private java.util.List<Partial> pass(ShareTask task) {
        return inPartitionOrder(sc, blocks, task, Partial.class);
    }

    /** One job running {@code task} on every partition of {@code blocks}; the results in partition order. */
    static <T> java.util.List<T> inPartitionOrder(JavaSparkContext sc, JavaRDD<FloatBlock> blocks,
                                                  scala.Function2<org.apache.spark.TaskContext, scala.collection.Iterator<FloatBlock>, T> task, Class<T> type) {
        int n = blocks.getNumPartitions();
        @SuppressWarnings("unchecked")
        T[] out = (T[]) java.lang.reflect.Array.newInstance(type, n);
        java.util.List<Integer> parts = java.util.stream.IntStream.range(0, n).boxed().toList();
        @SuppressWarnings("unchecked")
        scala.collection.immutable.Seq<Object> seq = (scala.collection.immutable.Seq<Object>) (Object) scala.jdk.javaapi.CollectionConverters.asScala(parts).toSeq();
        scala.Function2<Object, T, scala.runtime.BoxedUnit> handler = (i, p) -> {
            out[(Integer) i] = p;
            return scala.runtime.BoxedUnit.UNIT;
        };
        sc.sc().runJob(blocks.rdd(), task, seq, handler, scala.reflect.ClassTag$.MODULE$.apply(type));
        return java.util.Arrays.asList(out);
    }

    /** A pass's task ({@link #pass}): the partition's share at w. */
    static final class ShareTask extends AtWeights<Partial> {
        ShareTask(NetSpec spec, float[] inline, Broadcast<float[]> bw, TaskEngines.Work work) {
            super(new Weights(spec, inline, bw, work));
        }

        @Override
        public Partial apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<FloatBlock> it) {
            return share(at.spec(), at.inline(), at.bw(), scala.jdk.javaapi.CollectionConverters.asJava(it), at.work());
        }
    }

    /** What a pass at w ships: the network's shape, w (in the task binary, else in a broadcast) and the fit's expected work. */
    record Weights(NetSpec spec, float[] inline, Broadcast<float[]> bw, TaskEngines.Work work) implements java.io.Serializable {
        float[] w() { return inline != null ? inline : bw.value(); }
    }

    /**
     * A job's task function at given weights, a named class rather than a lambda ({@link #pass}):
     * runs once per partition, in partition order through {@link #inPartitionOrder}.
     */
    abstract static class AtWeights<T> extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext, scala.collection.Iterator<FloatBlock>, T>
            implements java.io.Serializable {
        final Weights at;

        AtWeights(Weights at) {
            this.at = at;
        }
    }

    /** One partition's share at w ({@code inline}, else the broadcast's value): the engine over its training blocks, the block gradients summed in double. */
    static Partial share(NetSpec spec, float[] inline, Broadcast<float[]> bw, Iterator<FloatBlock> it, TaskEngines.Work work) {
        long t0 = System.nanoTime();
        float[] w = inline != null ? inline : bw.value();
        return shareAt(spec, w, it, work, System.nanoTime() - t0);
    }

    /** One partition's share at w over the blocks {@code it} gives (validation blocks skipped); {@code fetchNanos}: the time it took to get w. */
    static Partial shareAt(NetSpec spec, float[] w, Iterator<FloatBlock> it, TaskEngines.Work work, long fetchNanos) {
        long t1 = System.nanoTime();
        Backprop e = TaskEngines.engine(spec, w, work);
        double[] acc = TaskEngines.sums(w.length);
        float[] g = TaskEngines.gradient(w.length);
        double sumE = 0;
        long rows = 0;
        int partition = org.apache.spark.TaskContext.getPartitionId();
        while (it.hasNext()) {
            FloatBlock b = it.next();
            if (b.validation()) continue;
            sumE += e.gradient(b.x(), b.targets(spec.outputs(), TaskEngines.targetBuffer()), 0, b.rows(), g, 0, false);
            // the engine scales by the loss's 1/rows of the block; undo it so that shares add up
            double f = spec.loss().isMean() ? b.rows() : 1.0;
            for (int i = 0; i < acc.length; i++) acc[i] += f * g[i];
            rows += b.rows();
        }
        return Partial.of(partition, acc, sumE, rows, System.nanoTime() - t1, fetchNanos, new java.util.TreeSet<>(java.util.Set.of(executorId())));
    }

    /** The id of the executor running this task ("driver" in local mode). */
    static String executorId() {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        return env == null ? "driver" : env.executorId();
    }

    /** Where the time of the passes went (sums over all passes, nanoseconds), and which executors computed them. */
    static final class Timings implements java.io.Serializable {
        long passes, jobs, broadcastNanos, jobNanos, computeNanos, fetchNanos, driverNanos;
        long meanTaskComputeNanos;   // the tasks' mean compute per pass, summed over passes (up to Partial.treeAbove partitions; the slowest task's is computeNanos)
        final java.util.TreeSet<String> executors = new java.util.TreeSet<>();
        final long[] sumNanos = new long[1];   // the in-order sum of the shares (part of the job's wall time)

        void add(long job, long compute, long fetch, long driver) {
            passes++;
            jobNanos += job;
            computeNanos += compute;
            fetchNanos += fetch;
            driverNanos += driver;
        }

        /** Adds the tasks' mean compute of one pass. */
        void addMean(java.util.List<Partial> shares) {
            long all = 0;
            for (Partial p : shares) all += p.computeNanos();
            meanTaskComputeNanos += all / Math.max(1, shares.size());
        }
    }
}
