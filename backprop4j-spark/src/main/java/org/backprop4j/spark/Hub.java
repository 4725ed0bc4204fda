package org.backprop4j.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;

/**
 * A fit's passes and averaging rounds without a Spark job each. One job in Spark's barrier execution
 * mode (every partition's task started at once) keeps a task running on each partition; each task
 * connects to the driver by a socket of its own and answers the driver's commands over its cached
 * blocks: a share of the gradient at w, the validation or final sums at w, or an averaging round's
 * local steps from given weights and state. The driver sends the command to every task and reads
 * their answers in partition order: what a job per pass returns, so the fit is the same bits,
 * without the job's scheduling, task launch, task binary and result transfer. (Spark's own
 * {@code BarrierTaskContext.allGather} polls for its answer once a second, too slow for a pass.)
 * The tasks prove they belong to this fit with a random token carried in the job's closure.
 */
final class Hub implements AutoCloseable {
    private static final byte STOP = 0, GRADIENT = 1, SUMS = 2, ROUND = 3;

    private final JavaFutureAction<List<Integer>> job;
    private final Socket[] sockets;
    private final DataInputStream[] in;
    private final DataOutputStream[] out;
    private final Mesh.Inbox[] inbox;
    /** The driver's command buffer and each partition's decoded arrays, reused pass after pass (no megabytes of garbage per round). */
    private Mesh.Out command;
    private final float[][] shareW, roundW, roundState;
    private boolean closed;

    private Hub(JavaFutureAction<List<Integer>> job, Socket[] sockets) throws IOException {
        this.job = job;
        this.sockets = sockets;
        in = new DataInputStream[sockets.length];
        out = new DataOutputStream[sockets.length];
        inbox = new Mesh.Inbox[sockets.length];
        shareW = new float[sockets.length][];
        roundW = new float[sockets.length][];
        roundState = new float[sockets.length][];
        for (int p = 0; p < sockets.length; p++) {
            inbox[p] = new Mesh.Inbox();
            in[p] = new DataInputStream(new BufferedInputStream(sockets[p].getInputStream(), 1 << 16));
            out[p] = new DataOutputStream(new BufferedOutputStream(sockets[p].getOutputStream(), 1 << 16));
        }
    }

    /** Starts the barrier job on {@code blocks} and waits until every partition's task has connected. */
    static Hub open(JavaSparkContext sc, JavaRDD<FloatBlock> blocks, NetSpec spec, DistributedTrainer.Config cfg) {
        int parts = blocks.getNumPartitions();
        String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
        String bind = bindAddress != null ? bindAddress : sc.getConf().get("spark.driver.bindAddress", host);
        long token = new java.security.SecureRandom().nextLong();
        Socket[] sockets = new Socket[parts];
        JavaFutureAction<List<Integer>> job = null;
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(bind, 0), parts);
            server.setSoTimeout(100);
            ClassTag<Integer> tag = scala.reflect.ClassTag$.MODULE$.apply(Integer.class);
            RDD<Integer> r = blocks.rdd().barrier().mapPartitions(new Worker(host, server.getLocalPort(), token, spec, cfg), false, tag);
            job = submit(sc, r);
            for (int connected = 0; connected < parts; ) {
                Socket s;
                try {
                    s = server.accept();
                } catch (SocketTimeoutException e) {
                    if (job.isDone()) throw new IllegalStateException("the tasks ended before connecting: " + outcome(job));
                    continue;
                }
                s.setSoTimeout(10_000);
                DataInputStream hello = new DataInputStream(s.getInputStream());
                int p;
                try {
                    if (hello.readLong() != token) throw new IOException("not a task of this fit");
                    p = hello.readInt();
                    if (p < 0 || p >= parts || sockets[p] != null) throw new IOException("partition " + p);
                } catch (IOException e) {
                    s.close();   // a stranger, or a task that gave up: not one of ours
                    continue;
                }
                s.setSoTimeout(0);
                s.setTcpNoDelay(true);
                keepAlive(s);
                sockets[p] = s;
                connected++;
            }
            return new Hub(job, sockets);
        } catch (IOException | RuntimeException e) {
            for (Socket s : sockets) closeQuietly(s);
            if (job != null) job.cancel(true);
            throw new Unavailable(job != null, e);
        }
    }

    /**
     * Submits the job that runs the kept tasks; its result, each task's count of answered commands.
     * Spark's own collectAsync hands the job a lambda of RDD's, whose class file Spark's ClosureCleaner
     * reads before every job (tens of milliseconds of a short fit's start); these functions are named classes.
     */
    private static JavaFutureAction<List<Integer>> submit(JavaSparkContext sc, RDD<Integer> r) {
        int parts = r.getNumPartitions();
        Integer[] answered = new Integer[parts];
        List<Object> all = new ArrayList<>();
        for (int p = 0; p < parts; p++) all.add(p);
        org.apache.spark.SimpleFutureAction<List<Integer>> f = sc.sc().submitJob(r, new Only(),
                scala.jdk.javaapi.CollectionConverters.asScala(all).toSeq(), new Store(answered), new Answers(answered));
        return new org.apache.spark.JavaFutureActionWrapper<>(f, new Same<>());
    }

    /** A kept task's one result. */
    private static final class Only extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>, Integer> implements Serializable {
        @Override
        public Integer apply(scala.collection.Iterator<Integer> it) {
            return it.next();
        }
    }

    private static final class Store extends scala.runtime.AbstractFunction2<Object, Integer, scala.runtime.BoxedUnit> {
        private final Integer[] answered;

        Store(Integer[] answered) {
            this.answered = answered;
        }

        @Override
        public scala.runtime.BoxedUnit apply(Object p, Integer n) {
            answered[(Integer) p] = n;
            return scala.runtime.BoxedUnit.UNIT;
        }
    }

    private static final class Answers extends scala.runtime.AbstractFunction0<List<Integer>> {
        private final Integer[] answered;

        Answers(Integer[] answered) {
            this.answered = answered;
        }

        @Override
        public List<Integer> apply() {
            return java.util.Arrays.asList(answered);
        }
    }

    private static final class Same<T> extends scala.runtime.AbstractFunction1<T, T> {
        @Override
        public T apply(T t) {
            return t;
        }
    }

    /** The address the driver listens on instead of Spark's driver address (null: Spark's); for the tests. */
    static String bindAddress;

    /** The fit's tasks could not be kept (the driver could not listen, or they could not connect): the fit runs a job per pass. */
    static final class Unavailable extends RuntimeException {
        final boolean submitted;   // whether the barrier job had been started

        Unavailable(boolean submitted, Exception cause) {
            super("the fit's tasks could not be kept: " + cause, cause);
            this.submitted = submitted;
        }
    }

    /**
     * TCP keep-alive probes after 30 s of silence, every 10 s, 3 unanswered: an executor's machine that
     * vanishes without closing the connection (power, network) ends the driver's wait for its answer in
     * about a minute instead of the system's two hours; a task that computes for long still answers the
     * probes (its kernel does). Where the system has no such options, the plain keep-alive.
     */
    static void keepAlive(Socket s) throws IOException {
        s.setKeepAlive(true);
        try {
            s.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 30);
            s.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 10);
            s.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
        } catch (UnsupportedOperationException e) {
            // the system's own keep-alive timing
        }
    }

    /** A kept task's connection failed (its task, or its executor, died): the fit can no longer use the kept tasks. */
    static final class Lost extends RuntimeException {
        Lost(IOException cause) {
            super("the fit's kept tasks were lost (" + cause + ")", cause);
        }
    }

    /** A test's executor loss: partition 0's task dies before answering its command of this number (from 0; -1: never). Read in the task's JVM. */
    static volatile int failAt = -1;

    private static String outcome(JavaFutureAction<List<Integer>> job) {
        try {
            return "returned " + job.get();
        } catch (Exception e) {
            throw InputException.rethrow(e);
        }
    }

    /** A pass: every partition's share at w, summed in partition order. */
    Partial.Total gradient(float[] w, DistributedObjective.Timings t) {
        List<Partial> shares = new ArrayList<>(sockets.length);
        command = Mesh.Out.reuse(command, 1 + Mesh.Out.floats(w)).b(GRADIENT).f(w);
        Mesh.In[] answers = ask(command);
        for (int p = 0; p < answers.length; p++) {
            Partial s = partial(answers[p], shareW[p]);
            shareW[p] = s.grad();
            shares.add(s);
        }
        t.addMean(shares);
        return Partial.sum(shares, t.sumNanos);
    }

    /** Every partition's {@link DistributedTrainer.Sums} at w, in partition order. */
    List<DistributedTrainer.Sums> sums(float[] w, boolean validation, boolean train) {
        List<DistributedTrainer.Sums> parts = new ArrayList<>(sockets.length);
        command = Mesh.Out.reuse(command, 1 + Mesh.Out.floats(w) + 2).b(SUMS).f(w).b(validation ? 1 : 0).b(train ? 1 : 0);
        for (Mesh.In m : ask(command)) {
            double[] acc = m.dd();
            parts.add(new DistributedTrainer.Sums(acc, m.l()));
        }
        return parts;
    }

    /** An averaging round: every partition's local steps {@code first ..} of {@code epoch} from w and the state, in partition order. */
    List<DistributedTrainer.Local> round(int epoch, long first, float[] w, double[] state) {
        List<DistributedTrainer.Local> parts = new ArrayList<>(sockets.length);
        command = Mesh.Out.reuse(command, 1 + 4 + 8 + Mesh.Out.floats(w) + Mesh.Out.doubles(state)).b(ROUND).i(epoch).l(first).f(w).dd(state);
        Mesh.In[] answers = ask(command);
        for (int p = 0; p < answers.length; p++) {
            DistributedTrainer.Local l = local(answers[p], roundW[p], roundState[p]);
            if (l.w().length > 0) roundW[p] = l.w();
            if (l.stateF() != null && l.stateF().length > 0) roundState[p] = l.stateF();
            parts.add(l);
        }
        return parts;
    }

    /** Sends the command to every task, then reads their answers in partition order (each valid until the next command). */
    private Mesh.In[] ask(Mesh.Out command) {
        Mesh.In[] answers = new Mesh.In[sockets.length];
        try {
            for (DataOutputStream o : out) write(o, command);
            for (int p = 0; p < sockets.length; p++) answers[p] = inbox[p].next(in[p]);
            return answers;
        } catch (IOException e) {
            abort();   // a task or its executor failed: the caller goes on without the kept tasks
            throw new Lost(e);
        }
    }

    /** Ends the tasks (they return) and waits for the job. */
    @Override
    public void close() {
        if (closed) return;
        try {
            for (DataOutputStream o : out) write(o, new Mesh.Out(1).b(STOP));
            job.get();
        } catch (Exception e) {
            abort();
            throw InputException.rethrow(e);
        } finally {
            closed = true;
            for (Socket s : sockets) closeQuietly(s);
        }
    }

    /** Closes the connections (the tasks end with an error) and cancels the job. */
    void abort() {
        if (closed) return;
        closed = true;
        for (Socket s : sockets) closeQuietly(s);
        job.cancel(true);
    }

    private static void closeQuietly(Socket s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static void write(DataOutputStream o, Mesh.Out m) throws IOException {
        o.writeInt(m.size());
        o.write(m.array(), 0, m.size());
        o.flush();
    }

    /** The task function: connects to the driver, then answers its commands over the partition's blocks until STOP. */
    static final class Worker extends scala.runtime.AbstractFunction1<scala.collection.Iterator<FloatBlock>, scala.collection.Iterator<Integer>>
            implements Serializable {
        private final String host;
        private final int port;
        private final long token;
        private final NetSpec spec;
        private final DistributedTrainer.Config cfg;

        Worker(String host, int port, long token, NetSpec spec, DistributedTrainer.Config cfg) {
            this.host = host;
            this.port = port;
            this.token = token;
            this.spec = spec;
            this.cfg = cfg;
        }

        @Override
        public scala.collection.Iterator<Integer> apply(scala.collection.Iterator<FloatBlock> it) {
            List<FloatBlock> mine = new ArrayList<>();
            scala.jdk.javaapi.CollectionConverters.asJava(it).forEachRemaining(mine::add);
            int p = org.apache.spark.TaskContext.getPartitionId();
            int answered = 0;
            Crew crew = Crew.join(token, p);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 30_000);
                s.setTcpNoDelay(true);
                DataOutputStream o = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
                DataInputStream i = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                o.writeLong(token);
                o.writeInt(p);
                o.flush();
                Mesh.Inbox commands = new Mesh.Inbox();
                Buffers buffers = new Buffers();
                while (true) {
                    Mesh.In c = commands.next(i);
                    byte k = c.b();
                    if (k == STOP) break;
                    if (p == 0 && answered == failAt) throw new IllegalStateException("partition 0's task stopped by the test");
                    write(o, answer(k, c, mine, buffers));
                    answered++;
                    crew.answered(p, answered);   // takes the JVM's other tasks' row groups until they have answered too
                }
            } catch (IOException e) {
                throw new UncheckedIOException("partition " + p + "'s task lost its connection to the driver: " + e.getMessage(), e);
            } finally {
                crew.leave(token, p);
            }
            return scala.jdk.javaapi.CollectionConverters.asScala(List.of(answered).iterator());
        }

        /** A task's buffers, reused command after command: the weights and state it is sent, the answer it writes. */
        private static final class Buffers {
            float[] w;
            double[] state;
            Mesh.Out reply;
        }

        private Mesh.Out answer(byte k, Mesh.In c, List<FloatBlock> mine, Buffers b) {
            float[] w;
            switch (k) {
                case GRADIENT:
                    w = b.w = c.f(b.w);
                    return b.reply = encode(b.reply, DistributedObjective.shareAt(spec, w, mine.iterator(), cfg.work(), 0));
                case SUMS: {
                    w = b.w = c.f(b.w);
                    boolean validation = c.b() == 1, train = c.b() == 1;
                    DistributedTrainer.Sums s = DistributedTrainer.partitionSums(spec, w, cfg.work(), mine.iterator(), validation, train);
                    return b.reply = Mesh.Out.reuse(b.reply, Mesh.Out.doubles(s.acc()) + 8).dd(s.acc()).l(s.fingerprint());
                }
                case ROUND: {
                    int epoch = c.i();
                    long first = c.l();
                    w = b.w = c.f(b.w);
                    double[] state = b.state = c.dd(b.state);
                    return b.reply = encode(b.reply, DistributedTrainer.localSteps(spec, cfg, epoch, first, w, state, mine.iterator()));
                }
                default:
                    throw new IllegalStateException("unknown command " + k);
            }
        }
    }

    static Mesh.Out encode(Mesh.Out old, Partial p) {
        String ex = p.executors().isEmpty() ? "" : p.executors().first();
        return Mesh.Out.reuse(old, 4 + 8 * 4 + Mesh.Out.text(ex) + Mesh.Out.floats(p.grad()))
                .i(p.partition()).d(p.sumE()).l(p.rows()).l(p.computeNanos()).l(p.fetchNanos()).s(ex).f(p.grad());
    }

    /** A share from its message, its gradient in {@code into} if it has the length. */
    static Partial partial(Mesh.In in, float[] into) {
        int partition = in.i();
        double sumE = in.d();
        long rows = in.l(), compute = in.l(), fetch = in.l();
        String ex = in.s();
        return new Partial(partition, in.f(into), sumE, rows, compute, fetch, new TreeSet<>(Set.of(ex)));
    }

    static Mesh.Out encode(Mesh.Out old, DistributedTrainer.Local l) {
        return Mesh.Out.reuse(old, 4 + 8 + 8 + Mesh.Out.text(l.executor()) + Mesh.Out.floats(l.w()) + Mesh.Out.floats(l.stateF()) + Mesh.Out.doubles(l.stateD()))
                .i(l.partition()).l(l.rows()).d(l.sumE()).s(l.executor()).f(l.w()).f(l.stateF()).dd(l.stateD());
    }

    /** A round's outcome from its message, the weights and float state in {@code w} and {@code state} if they have the lengths. */
    static DistributedTrainer.Local local(Mesh.In in, float[] w, float[] state) {
        int partition = in.i();
        long rows = in.l();
        double sumE = in.d();
        String ex = in.s();
        float[] lw = in.f(w), stateF = in.f(state);
        return new DistributedTrainer.Local(partition, lw, stateF, in.dd(), rows, sumE, ex);
    }
}
