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
 * error), computed by Spark: one job per evaluation. The driver broadcasts w; every partition runs
 * the fast engine ({@link Backprop#gradient}) over its cached {@link FloatBlock}s and returns its
 * share (Σ_p ∂E_p/∂w as float32, Σ_p E_p); {@link Partial#sum} adds the shares in partition order, in double; the
 * driver scales by the loss's 1/m and adds the decay term exactly as the single-machine
 * {@code NetworkObjective} does. Any library optimizer then steps on the driver.
 */
final class DistributedObjective implements Objective {
    private final JavaSparkContext sc;
    private final JavaRDD<FloatBlock> blocks;
    private final NetSpec spec;
    private final long rows;
    private final double lambda;
    private final boolean decayBiases;
    private final Network net;   // the driver's copy, for the decay term
    private final TaskEngines.Work work;   // the fit's expected work, for the executors' choice of kernels and loops (null: unknown)
    final Timings timings = new Timings();
    private long evaluations;

    DistributedObjective(JavaSparkContext sc, JavaRDD<FloatBlock> blocks, NetSpec spec, long rows, double lambda, boolean decayBiases) {
        this(sc, blocks, spec, rows, lambda, decayBiases, null);
    }

    DistributedObjective(JavaSparkContext sc, JavaRDD<FloatBlock> blocks, NetSpec spec, long rows, double lambda, boolean decayBiases, TaskEngines.Work work) {
        this.work = work;
        this.sc = sc;
        this.blocks = blocks;
        this.spec = spec;
        this.rows = rows;
        this.lambda = lambda;
        this.decayBiases = decayBiases;
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
        long t0 = System.nanoTime();
        // a small w rides in the task binary, which Spark broadcasts for every pass anyway: one
        // broadcast per pass instead of two (each costs a broadcast block's buffer on the driver)
        float[] inline = w.length <= inlineFloats ? w.clone() : null;
        Broadcast<float[]> bw = inline == null ? sc.broadcast(w.clone()) : null;
        long t1 = System.nanoTime();
        NetSpec s = spec;
        TaskEngines.Work wk = work;
        Partial.Total total;
        try {
            if (blocks.getNumPartitions() <= Partial.treeAbove) {
                ShareTask task = new ShareTask(s, inline, bw, wk);
                java.util.List<Partial> shares = InputException.unwrap(() -> pass(task));
                long all = 0;
                for (Partial p : shares) all += p.computeNanos();
                timings.meanTaskComputeNanos += all / Math.max(1, shares.size());
                total = Partial.sum(shares, timings.sumNanos);
            } else {
                FlatMapFunction<Iterator<FloatBlock>, Partial> share = it -> Collections.singletonList(share(s, inline, bw, it, wk)).iterator();
                total = InputException.unwrap(() -> Partial.sum(blocks.mapPartitions(share), timings.sumNanos));
            }
        } finally {
            if (bw != null) bw.destroy();
        }
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
        timings.add(t1 - t0, t2 - t1, total.computeNanos(), total.fetchNanos(), System.nanoTime() - t2);
        timings.executors.addAll(total.executors());
        return e;
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
        long t1 = System.nanoTime();
        Backprop e = TaskEngines.engine(spec, w, work);
        double[] acc = new double[w.length];
        float[] g = new float[w.length];
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
        return Partial.of(partition, acc, sumE, rows, System.nanoTime() - t1, t1 - t0, new java.util.TreeSet<>(java.util.Set.of(executorId())));
    }

    /** The id of the executor running this task ("driver" in local mode). */
    static String executorId() {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        return env == null ? "driver" : env.executorId();
    }

    /** Where the time of the passes went (sums over all passes, nanoseconds), and which executors computed them. */
    static final class Timings implements java.io.Serializable {
        long passes, broadcastNanos, jobNanos, computeNanos, fetchNanos, driverNanos;
        long meanTaskComputeNanos;   // the tasks' mean compute per pass, summed over passes (up to Partial.treeAbove partitions; the slowest task's is computeNanos)
        final java.util.TreeSet<String> executors = new java.util.TreeSet<>();
        final long[] sumNanos = new long[1];   // the driver's in-order sum of the shares (part of the job's wall time)

        void add(long broadcast, long job, long compute, long fetch, long driver) {
            passes++;
            broadcastNanos += broadcast;
            jobNanos += job;
            computeNanos += compute;
            fetchNanos += fetch;
            driverNanos += driver;
        }
    }
}
