package org.backprop4j.spark;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;

/**
 * When a fit can keep every partition's task running for its whole training loop ({@link Hub}):
 * Spark's barrier execution mode starts all tasks of a stage at once, and only where it can. Also
 * the messages between the driver and those tasks ({@link Out}, {@link In}).
 */
final class Mesh {
    private Mesh() {}

    /** Switch for the tests, which take both paths; users turn the mode off with {@code spark.backprop4j.barrier=false}. */
    static boolean enabled = true;

    /** The most partitions a fit's tasks are kept for: above, a job per pass sums the shares in groups on the executors first. */
    static int maxPartitions = Partial.treeAbove;

    /**
     * Whether a job in barrier mode can run on {@code blocks}: the mode is on, Spark's RPC is not
     * encrypted (the tasks' connections to the driver would not be), there are at most
     * {@link #maxPartitions} partitions and at least as many task slots (Spark would wait for
     * them, then fail), no dynamic allocation (Spark refuses barrier stages with it), and every RDD
     * computed in the stage has as many partitions as the blocks (Spark refuses e.g. a coalesce
     * there).
     */
    static boolean usable(JavaSparkContext sc, JavaRDD<FloatBlock> blocks) {
        if (!enabled || !sc.getConf().getBoolean("spark.backprop4j.barrier", true)) return false;
        if (sc.getConf().getBoolean("spark.network.crypto.enabled", false) || sc.getConf().getBoolean("spark.ssl.enabled", false)) return false;
        if (sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) return false;
        int p = blocks.getNumPartitions();
        if (p < 1 || p > maxPartitions) return false;
        try {
            org.apache.spark.SparkContext s = sc.sc();
            if (s.maxNumConcurrentTasks(s.resourceProfileManager().defaultResourceProfile()) < p) return false;
        } catch (RuntimeException e) {
            return false;   // no scheduler figures: one job per pass
        }
        return sameWidthWithinStage(blocks.rdd(), p, new java.util.IdentityHashMap<>());
    }

    /** Spark's rule for a barrier stage's RDDs: each has {@code p} partitions and at most one shuffle dependency. */
    private static boolean sameWidthWithinStage(RDD<?> rdd, int p, java.util.Map<RDD<?>, Boolean> seen) {
        if (seen.put(rdd, Boolean.TRUE) != null) return true;
        if (rdd.getNumPartitions() != p) return false;
        int shuffles = 0;
        Iterator<org.apache.spark.Dependency<?>> deps = scala.jdk.javaapi.CollectionConverters.asJava(rdd.dependencies().iterator());
        while (deps.hasNext()) {
            org.apache.spark.Dependency<?> d = deps.next();
            if (d instanceof org.apache.spark.ShuffleDependency<?, ?, ?>) shuffles++;
            else if (!sameWidthWithinStage(d.rdd(), p, seen)) return false;
        }
        return shuffles <= 1;
    }

    /** A message being written: a byte buffer of known size. */
    static final class Out {
        private final ByteBuffer b;

        Out(int bytes) {
            b = ByteBuffer.allocate(bytes);
        }

        /**
         * An empty message of at least {@code bytes}: {@code old}'s buffer when it is large enough (null:
         * none). An averaging round's message is megabytes, above G1's humongous threshold for larger
         * networks: allocated once per connection and reused, not once per round.
         */
        static Out reuse(Out old, int bytes) {
            if (old == null || old.b.capacity() < bytes) return new Out(bytes);
            old.b.clear();
            return old;
        }

        static int floats(float[] a) { return 4 + 4 * (a == null ? 0 : a.length); }
        static int doubles(double[] a) { return 4 + 8 * (a == null ? 0 : a.length); }
        static int text(String s) { return 4 + s.getBytes(StandardCharsets.UTF_8).length; }

        Out b(int v) { b.put((byte) v); return this; }
        Out i(int v) { b.putInt(v); return this; }
        Out l(long v) { b.putLong(v); return this; }
        Out d(double v) { b.putDouble(v); return this; }

        Out s(String v) {
            byte[] u = v.getBytes(StandardCharsets.UTF_8);
            b.putInt(u.length).put(u);
            return this;
        }

        /** A float array (null is written as length −1). */
        Out f(float[] a) {
            if (a == null) return i(-1);
            b.putInt(a.length);
            b.asFloatBuffer().put(a);
            b.position(b.position() + 4 * a.length);
            return this;
        }

        /** A double array (null is written as length −1). */
        Out dd(double[] a) {
            if (a == null) return i(-1);
            b.putInt(a.length);
            b.asDoubleBuffer().put(a);
            b.position(b.position() + 8 * a.length);
            return this;
        }

        /** The message's bytes: {@link #array} up to {@link #size}. */
        byte[] array() { return b.array(); }

        int size() { return b.position(); }
    }

    /** Reads a connection's messages into one buffer, grown to the largest message and reused (no buffer per message). */
    static final class Inbox {
        private byte[] buf = new byte[1 << 12];

        /** The next message; valid until the next call. */
        In next(java.io.DataInputStream i) throws java.io.IOException {
            int n = i.readInt();
            if (n < 0) throw new java.io.IOException("a message of " + n + " bytes");
            if (buf.length < n) buf = new byte[n];
            i.readFully(buf, 0, n);
            return new In(buf, n);
        }
    }

    /** A message being read, in the order it was written. */
    static final class In {
        private final ByteBuffer b;

        In(byte[] bytes) {
            b = ByteBuffer.wrap(bytes);
        }

        /** The first {@code length} bytes of {@code bytes}. */
        In(byte[] bytes, int length) {
            b = ByteBuffer.wrap(bytes, 0, length);
        }

        boolean empty() { return !b.hasRemaining(); }
        byte b() { return b.get(); }
        int i() { return b.getInt(); }
        long l() { return b.getLong(); }
        double d() { return b.getDouble(); }

        String s() {
            byte[] u = new byte[b.getInt()];
            b.get(u);
            return new String(u, StandardCharsets.UTF_8);
        }

        float[] f() {
            return f(null);
        }

        /** A float array, in {@code into} if it has the length (a buffer reused message after message), else in a new one. */
        float[] f(float[] into) {
            int n = b.getInt();
            if (n < 0) return null;
            float[] a = into != null && into.length == n ? into : new float[n];
            b.asFloatBuffer().get(a);
            b.position(b.position() + 4 * n);
            return a;
        }

        double[] dd() {
            return dd(null);
        }

        /** A double array, in {@code into} if it has the length, else in a new one. */
        double[] dd(double[] into) {
            int n = b.getInt();
            if (n < 0) return null;
            double[] a = into != null && into.length == n ? into : new double[n];
            b.asDoubleBuffer().get(a);
            b.position(b.position() + 8 * n);
            return a;
        }
    }
}
