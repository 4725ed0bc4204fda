package org.backprop4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * One partition's share of a full-batch pass: Σ_p ∂E_p/∂w over its rows (unscaled; summed in
 * double over the partition's blocks, then rounded once to float32, which halves every task result
 * and each of the copies Spark makes of it; the single-machine library adds its group gradients
 * in float32 too), Σ_p E_p, the row count, the task's compute and broadcast-fetch times and the id
 * of the executor that ran it. {@link #sum} adds the shares in partition order, in double, so the
 * result is the same bits run to run for a fixed partitioning.
 */
record Partial(int partition, float[] grad, double sumE, long rows, long computeNanos, long fetchNanos,
               TreeSet<String> executors) implements Serializable {

    /** Partitions above which the shares are first summed in groups on the executors (two-level tree). */
    static int treeAbove = 16;

    /** A share from its gradient sum in double. */
    static Partial of(int partition, double[] grad, double sumE, long rows, long computeNanos, long fetchNanos, TreeSet<String> executors) {
        float[] f = new float[grad.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) grad[i];
        return new Partial(partition, f, sumE, rows, computeNanos, fetchNanos, executors);
    }

    /** The sum of shares in partition order: the gradient in double, the slowest task's times, the executors. */
    record Total(int partition, double[] grad, double sumE, long rows, long computeNanos, long fetchNanos, TreeSet<String> executors) {
        /** this + o (o's partitions follow this one's), in place for the gradient. */
        Total plus(Partial o) {
            float[] h = o.grad();
            for (int i = 0; i < grad.length; i++) grad[i] += h[i];
            TreeSet<String> ex = new TreeSet<>(executors);
            ex.addAll(o.executors());
            return new Total(partition, grad, sumE + o.sumE(), rows + o.rows(), Math.max(computeNanos, o.computeNanos()),
                    Math.max(fetchNanos, o.fetchNanos()), ex);
        }

        /** As a share to ship (a group's sum on its way to the driver). */
        Partial share() {
            return Partial.of(partition, grad, sumE, rows, computeNanos, fetchNanos, executors);
        }
    }

    /**
     * The sum of one share per partition, in partition order. Spark's treeAggregate would merge the
     * last level on the driver in the order the tasks finish, and floating-point addition is not
     * associative, so the bits would vary run to run; here up to {@link #treeAbove} shares are
     * collected (Spark returns them in partition order) and added in that order, and more are
     * first summed on executors in √P groups of consecutive partitions (a shuffle of one share
     * per partition, like treeAggregate's depth 2), each group in order, then the groups in order.
     */
    static Total sum(JavaRDD<Partial> shares) {
        return sum(shares, new long[1]);
    }

    /** {@link #sum(JavaRDD)}, adding the driver's time for the in-order sum (after the results arrived) to {@code driverSumNanos[0]}. */
    static Total sum(JavaRDD<Partial> shares, long[] driverSumNanos) {
        int parts = shares.getNumPartitions();
        List<Partial> list;
        if (parts <= treeAbove) {
            list = shares.collect();
        } else {
            int fan = (int) Math.ceil(Math.sqrt(parts));
            int groups = (parts + fan - 1) / fan;
            list = new ArrayList<>(shares.mapToPair(s -> new Tuple2<>(s.partition() / fan, s))
                    .groupByKey(groups)
                    .map(t -> inOrder(t._2()).share())
                    .collect());
        }
        return sum(list, driverSumNanos);
    }

    /** The shares of a pass (one per partition, any order) summed in partition order; the driver's time for it added to {@code driverSumNanos[0]}. */
    static Total sum(List<Partial> shares, long[] driverSumNanos) {
        long t0 = System.nanoTime();
        Total total = inOrder(shares);
        driverSumNanos[0] += System.nanoTime() - t0;
        return total;
    }

    private static Total inOrder(Iterable<Partial> it) {
        List<Partial> l = new ArrayList<>();
        it.forEach(l::add);
        l.sort(Comparator.comparingInt(Partial::partition));
        Partial first = l.get(0);
        double[] g = new double[first.grad().length];
        Total s = new Total(first.partition(), g, 0, 0, 0, 0, new TreeSet<>());
        for (Partial p : l) s = s.plus(p);
        return s;
    }
}
