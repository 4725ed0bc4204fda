package org.backprop4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * One partition's share of a full-batch pass: Σ_p ∂E_p/∂w over its rows (unscaled, double),
 * Σ_p E_p, the row count, the task's compute and broadcast-fetch times and the id of the executor
 * that ran it (a sum: the set of them). {@link #sum} adds the
 * shares in partition order, so the result is the same bits run to run for a fixed partitioning.
 */
record Partial(int partition, double[] grad, double sumE, long rows, long computeNanos, long fetchNanos,
               java.util.TreeSet<String> executors) implements Serializable {

    /** Partitions above which the shares are first summed in groups on the executors (two-level tree). */
    static int treeAbove = 16;

    /** this + o (o's partitions follow this one's), keeping the slowest task's times. */
    Partial plus(Partial o) {
        double[] g = grad.clone();
        double[] h = o.grad;
        for (int i = 0; i < g.length; i++) g[i] += h[i];
        java.util.TreeSet<String> ex = new java.util.TreeSet<>(executors);
        ex.addAll(o.executors);
        return new Partial(partition, g, sumE + o.sumE, rows + o.rows, Math.max(computeNanos, o.computeNanos), Math.max(fetchNanos, o.fetchNanos), ex);
    }

    /**
     * The sum of one share per partition, in partition order. Spark's treeAggregate would merge the
     * last level on the driver in the order the tasks finish, and floating-point addition is not
     * associative, so the bits would vary run to run; here up to {@link #treeAbove} shares are
     * collected (Spark returns them in partition order) and added in that order, and more are
     * first summed on executors in √P groups of consecutive partitions (a shuffle of one share
     * per partition, like treeAggregate's depth 2), each group in order, then the groups in order.
     */
    static Partial sum(JavaRDD<Partial> shares) {
        return sum(shares, new long[1]);
    }

    /** {@link #sum(JavaRDD)}, adding the driver's time for the in-order sum (after the results arrived) to {@code driverSumNanos[0]}. */
    static Partial sum(JavaRDD<Partial> shares, long[] driverSumNanos) {
        int parts = shares.getNumPartitions();
        List<Partial> list;
        if (parts <= treeAbove) {
            list = shares.collect();
        } else {
            int fan = (int) Math.ceil(Math.sqrt(parts));
            int groups = (parts + fan - 1) / fan;
            list = new ArrayList<>(shares.mapToPair(s -> new Tuple2<>(s.partition() / fan, s))
                    .groupByKey(groups)
                    .map(t -> inOrder(t._2()))
                    .collect());
        }
        long t0 = System.nanoTime();
        Partial total = inOrder(list);
        driverSumNanos[0] += System.nanoTime() - t0;
        return total;
    }

    private static Partial inOrder(Iterable<Partial> it) {
        List<Partial> l = new ArrayList<>();
        it.forEach(l::add);
        l.sort(Comparator.comparingInt(Partial::partition));
        Partial s = l.get(0);
        for (int i = 1; i < l.size(); i++) s = s.plus(l.get(i));
        return s;
    }
}
