package org.backprop4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.train.EarlyStopping;
import org.backprop4j.train.FullBatchOptimizer;
import org.backprop4j.train.Optimizer;
import org.backprop4j.train.Optimizers;

/**
 * Trains a network on cached {@link FloatBlock}s with Spark, in one of two ways:
 * <ul>
 *   <li><b>full batch</b> (L-BFGS, SCG, LM, Rprop, Quickprop, GD with batch 0, ...): one pass over
 *       the partitions per error evaluation ({@link DistributedObjective}); the optimizer runs on
 *       the driver exactly as in the single-machine trainer, so the weights equal the single-machine
 *       full-batch run's up to float rounding (the sums are grouped by partition);</li>
 *   <li><b>mini-batch with parameter averaging</b> (SGD, momentum, Adam, RMSprop, AdaGrad, ...):
 *       a round starts every partition from the same weights and optimizer state; every partition takes
 *       {@code averagingSteps} local steps of {@code batch} rows on its own rows (a shuffled order per
 *       epoch and partition); the driver replaces weights and state by their average weighted by
 *       the rows each partition used (McDonald et al. 2010; Zinkevich et al. 2010). An epoch is
 *       enough rounds for the largest partition to see each of its rows once.</li>
 * </ul>
 * A pass or round is a command to the fit's kept tasks ({@link Hub}: one barrier job) where Spark can
 * run every partition's task at once ({@link Mesh#usable}), else a Spark job of its own; both give the
 * same bits. Early stopping watches the error on the held-out validation blocks after each epoch.
 */
final class DistributedTrainer {

    /** {@code work}: the fit's expected work ({@link TaskEngines#work}; null: unknown), which the executors' kernels and element-wise loops are chosen by. */
    record Config(String optimizer, int batch, int epochs, double lambda, boolean decayBiases,
                  int averagingSteps, int patience, long seed, TaskEngines.Work work) implements Serializable {}


    private final JavaSparkContext sc;
    private final JavaRDD<FloatBlock> blocks;
    private final NetSpec spec;
    private final long trainRows, validationRows;
    private final Config cfg;
    private EpochListener listener;

    DistributedTrainer(JavaSparkContext sc, JavaRDD<FloatBlock> blocks, NetSpec spec, long trainRows, long validationRows, Config cfg) {
        this.sc = sc;
        this.blocks = blocks;
        this.spec = spec;
        this.trainRows = trainRows;
        this.validationRows = validationRows;
        this.cfg = cfg;
    }

    /** Whether this configuration trains full batch (one pass per update). */
    static boolean fullBatch(String optimizer, int batch) {
        return batch == 0 || Optimizers.create(optimizer) instanceof FullBatchOptimizer;
    }

    DistributedTrainer listener(EpochListener l) {
        this.listener = l;
        return this;
    }

    /** Trains w in place. */
    FitSummary train(float[] w) {
        long t0 = System.nanoTime();
        boolean full = fullBatch(cfg.optimizer(), cfg.batch());
        if (!full) maxPartitionRows();   // before the fit's tasks are kept: a job of its own needs a free slot
        DistributedObjective objective = new DistributedObjective(sc, blocks, spec, trainRows, cfg.lambda(), cfg.decayBiases(), cfg.work(),
                (ww, timing) -> kept(h -> h.gradient(ww, timing)));
        double[][] state = {Optimizers.create(cfg.optimizer()).exportState()};
        EpochRun averaging = (epoch, ww) -> {
            double e = averagingEpoch(epoch, ww, state[0]);
            state[0] = lastState;
            return e;
        };
        // the listener may run Spark jobs (scoring a DataFrame): the kept tasks are released first, and kept again at the next pass
        EpochListener l = listener == null ? null : (done, net) -> {
            closeHub();
            listener.epochEnded(done, net);
        };
        Loop loop;
        double[] fin;
        try {
            loop = loop(cfg, full, spec, objective, averaging, validationRows > 0 ? this::validation : null, l, w);
            fin = evaluate(w);
            closeHub();
        } catch (RuntimeException | Error e) {
            if (hub != null) hub.abort();
            throw e;
        }
        DistributedObjective.Timings t = objective.timings;
        java.util.TreeSet<String> executors = new java.util.TreeSet<>(t.executors);
        executors.addAll(roundExecutors);
        return new FitSummary(loop.history(), loop.reason(), loop.bestEpoch(), full, t.passes + rounds,
                t.broadcastNanos / 1e9, t.jobNanos / 1e9, t.computeNanos / 1e9, t.fetchNanos / 1e9, t.driverNanos / 1e9,
                t.sumNanos[0] / 1e9, t.meanTaskComputeNanos / 1e9, (System.nanoTime() - t0) / 1e9, fin[0], fin[1], fin[2], fin[3],
                blocks.getNumPartitions(), List.copyOf(executors), jobs + t.jobs, barrier);
    }

    /** Spark jobs of the fit after the one that read the blocks (the objective counts its own). */
    private long jobs;
    /** Whether the fit kept its tasks ({@link Hub}) for its passes or rounds. */
    private boolean barrier;
    private Boolean usable;
    /** The fit's kept tasks while they are kept, else null. */
    private Hub hub;

    /** The kept tasks, started if Spark can run them ({@link Mesh#usable}, asked once per fit); null: a job per pass or round. */
    private Hub hub() {
        if (usable == null) usable = Mesh.usable(sc, blocks);
        if (hub == null && usable) {
            try {
                hub = Hub.open(sc, blocks, spec, cfg);
            } catch (Hub.Unavailable e) {
                if (e.submitted) jobs++;
                jobPerPass(e.getMessage() + "; a Spark job per pass instead");   // e.g. a firewall between the executors and the driver
                return null;
            }
            jobs++;
            barrier = true;
        }
        return hub;
    }

    /**
     * The command's answer from the kept tasks; null where they are not kept, or are lost (an executor
     * failed: Spark would start the barrier stage again, but its new tasks cannot join a fit already
     * running), after which the fit runs a Spark job per pass, which Spark retries as it retries any
     * task: the same bits, since a command's answer depends only on its arguments and the blocks.
     */
    private <T> T kept(java.util.function.Function<Hub, T> command) {
        Hub h = hub();
        if (h == null) return null;
        try {
            return command.apply(h);
        } catch (Hub.Lost e) {
            hub = null;
            jobPerPass(e.getMessage() + "; a Spark job per pass from here");
            return null;
        }
    }

    /** The fit's passes and rounds are Spark jobs from here on, and the log says why. */
    private void jobPerPass(String why) {
        usable = false;
        System.getLogger(DistributedTrainer.class.getName()).log(System.Logger.Level.WARNING, why);
    }

    /** Releases the kept tasks (their job ends). */
    private void closeHub() {
        if (hub == null) return;
        Hub h = hub;
        hub = null;
        h.close();
    }

    /** What an epoch loop did: the epochs, why it stopped, the epoch whose weights it kept (0: the last). */
    record Loop(List<FitSummary.Epoch> history, String reason, int bestEpoch) implements Serializable {}

    /** One epoch of mini-batch averaging on w (in place); returns the epoch's training error. */
    interface EpochRun {
        double run(int epoch, float[] w);
    }

    /**
     * The epoch loop (on the driver): full batch, the
     * optimizer's {@code iterate} (or a step from one gradient) on {@code objective}; else one epoch
     * of {@code averaging}. After each epoch the validation error ({@code validation}: {loss,
     * accuracy} at w; null without a split) for early stopping, and the listener (null: none).
     */
    static Loop loop(Config cfg, boolean full, NetSpec spec, org.backprop4j.train.Objective objective, EpochRun averaging,
                     java.util.function.Function<float[], double[]> validation, EpochListener listener, float[] w) {
        Optimizer opt = Optimizers.create(cfg.optimizer());
        EarlyStopping.BestWeights keeper = validation != null ? EarlyStopping.patience(cfg.patience()).bestWeights(w.length) : null;
        float[] grad = new float[w.length];
        List<FitSummary.Epoch> history = new ArrayList<>();
        String reason = "max epochs (" + cfg.epochs() + ")";
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            long e0 = System.nanoTime();
            double e;
            if (full) {
                opt.startEpoch(epoch);
                if (opt instanceof FullBatchOptimizer fbo) {
                    e = fbo.iterate(objective, w);
                } else {
                    e = objective.valueAndGradient(w, grad);   // E at the weights the step starts from, as the Trainer reports it
                    if (opt.usesError()) opt.step(w, grad, e);
                    else opt.step(w, grad);
                }
            } else {
                e = averaging.run(epoch, w);
            }
            if (!Double.isFinite(e)) {
                reason = "the training error became " + e + " in epoch " + (epoch + 1) + " (lower the learning rate)";
                break;
            }
            double vl = Double.NaN, va = Double.NaN;
            if (validation != null) {
                double[] v = validation.apply(w);
                vl = v[0];
                va = v[1];
            }
            FitSummary.Epoch done = new FitSummary.Epoch(epoch + 1, e, vl, va, (System.nanoTime() - e0) / 1e9);
            history.add(done);
            if (listener != null) listener.epochEnded(done, spec.build(w));
            String stop = null;
            if (keeper != null) stop = keeper.observe(epoch + 1, vl, w);
            if (stop == null && full && opt instanceof FullBatchOptimizer fbo && fbo.stopReason() != null) stop = fbo.stopReason();
            if (stop != null) {
                reason = stop;
                break;
            }
        }
        int bestEpoch = keeper == null ? 0 : keeper.monitor().bestEpoch();
        if (keeper != null) reason = keeper.restore(w, reason);
        return new Loop(history, reason, bestEpoch);
    }

    // ---- mini-batch with parameter averaging ----

    private double[] lastState;
    private long rounds;
    private final java.util.TreeSet<String> roundExecutors = new java.util.TreeSet<>();

    /**
     * One local round's outcome on one partition, and the executor that computed it. The optimizer's
     * state travels as float32 ({@code stateF}) when every value of it is a float (Adam's, RMSprop's,
     * AdaGrad's and momentum's per-weight arrays are, and their step counts are small integers), which
     * halves the result and gives the driver the same values; else as double ({@code stateD}).
     */
    record Local(int partition, float[] w, float[] stateF, double[] stateD, long rows, double sumE, String executor) implements Serializable {
        static Local of(int partition, float[] w, double[] state, long rows, double sumE, String executor) {
            float[] f = new float[state.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) state[i];
                if (f[i] != state[i] && !(Double.isNaN(state[i]))) return new Local(partition, w, null, state, rows, sumE, executor);
            }
            return new Local(partition, w, f, null, rows, sumE, executor);
        }

        int stateLength() { return stateF != null ? stateF.length : stateD.length; }

        double state(int i) { return stateF != null ? stateF[i] : stateD[i]; }
    }

    /** What a round starts from: the weights and the optimizer's state, in one broadcast. */
    record Start(float[] w, double[] state) implements Serializable {}

    /** The largest number of training rows on one partition (an epoch is enough rounds for it to see each once). */
    private long maxPartitionRows = -1;

    /** Sets {@link #maxPartitionRows} when the caller counted it already (else one job counts it, once per fit). */
    DistributedTrainer maxPartitionRows(long rows) {
        this.maxPartitionRows = rows;
        return this;
    }

    private long maxPartitionRows() {
        if (maxPartitionRows < 0) {
            jobs++;
            maxPartitionRows = InputException.unwrap(() -> blocks.mapPartitions((FlatMapFunction<Iterator<FloatBlock>, Long>) it -> {
                long n = 0;
                while (it.hasNext()) {
                    FloatBlock b = it.next();
                    if (!b.validation()) n += b.rows();
                }
                return Collections.singletonList(n).iterator();
            }).reduce(Math::max));
        }
        return maxPartitionRows;
    }

    /** One epoch of rounds on w (in place); returns the mean training error of the epoch's batches (before each step). */
    private double averagingEpoch(int epoch, float[] w, double[] state) {
        long maxRows = maxPartitionRows();
        int batch = cfg.batch(), k = cfg.averagingSteps();
        long stepsPerEpoch = (maxRows + batch - 1) / batch;
        long roundCount = (stepsPerEpoch + k - 1) / k;
        double sumE = 0;
        long seen = 0;
        double[] st = state;
        for (long round = 0; round < roundCount; round++) {
            long first = round * k;
            double[] from = st;
            List<Local> parts = kept(h -> h.round(epoch, first, w, from));
            if (parts == null) parts = roundJob(epoch, first, w, st);
            rounds++;
            for (Local l : parts) if (l.rows() > 0) roundExecutors.add(l.executor());
            Averaged a = average(parts, st);
            if (a == null) break;
            System.arraycopy(a.w(), 0, w, 0, w.length);
            st = a.state();
            sumE += a.sumE();
            seen += a.rows();
        }
        lastState = st;
        return (spec.loss().isMean() ? 1.0 / Math.max(1, seen) : (double) trainRows / Math.max(1, seen)) * sumE;
    }

    /** One round as a Spark job: the start in one broadcast, every partition's local steps in partition order. */
    private List<Local> roundJob(int epoch, long first, float[] w, double[] st) {
        jobs++;
        Broadcast<Start> start = sc.broadcast(new Start(w.clone(), st));
        try {
            RoundTask task = new RoundTask(new Round(spec, cfg, epoch, first, start));
            return InputException.unwrap(() -> DistributedObjective.inPartitionOrder(sc, blocks, task, Local.class));
        } finally {
            start.destroy();
        }
    }

    /** The average of a round's weights and states, and the round's error sum and rows. */
    record Averaged(float[] w, double[] state, double sumE, long rows) {}

    /**
     * The average of the partitions' weights and optimizer states, weighted by the rows each used,
     * summed in partition order in double (the same bits wherever it runs); {@code state} when no
     * partition returned one; null when no partition took a step.
     */
    static Averaged average(List<Local> parts, double[] state) {
        long n = 0;
        for (Local l : parts) n += l.rows();
        if (n == 0) return null;
        double[] avgW = null;
        double[] avgS = null;
        double sumE = 0;
        for (Local l : parts) {
            if (l.rows() == 0) continue;
            double f = (double) l.rows() / n;
            float[] lw = l.w();
            if (avgW == null) avgW = new double[lw.length];
            for (int i = 0; i < avgW.length; i++) avgW[i] += f * lw[i];
            int sl = l.stateLength();
            if (sl > 0) {
                if (avgS == null) avgS = new double[sl];
                for (int i = 0; i < sl; i++) avgS[i] += f * l.state(i);
            }
            sumE += l.sumE();
        }
        float[] w = new float[avgW.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) avgW[i];
        return new Averaged(w, avgS != null ? avgS : state, sumE, n);
    }

    /**
     * A round's task: {@link #localSteps} on the partition. A named class, not a lambda, as
     * {@link DistributedObjective.ShareTask}: Spark's ClosureCleaner reads the class files behind every
     * lambda a job is given, in every round.
     */
    static final class RoundTask extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext, scala.collection.Iterator<FloatBlock>, Local>
            implements Serializable {
        private final Round round;

        RoundTask(Round round) {
            this.round = round;
        }

        @Override
        public Local apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<FloatBlock> it) {
            Start s = round.start().value();
            return localSteps(round.spec(), round.cfg(), round.epoch(), round.first(), s.w(), s.state(), scala.jdk.javaapi.CollectionConverters.asJava(it));
        }
    }

    /** One round's task: steps {@code first ..} of {@code epoch}, from the broadcast weights and state. */
    record Round(NetSpec spec, Config cfg, int epoch, long first, Broadcast<Start> start) implements Serializable {}

    /** Steps first .. first+k−1 of this epoch on one partition's rows. */
    static Local localSteps(NetSpec spec, Config cfg, int epoch, long first, float[] w0, double[] state, Iterator<FloatBlock> it) {
        List<FloatBlock> train = new ArrayList<>();
        int partition = org.apache.spark.TaskContext.getPartitionId();
        long m = 0;
        while (it.hasNext()) {
            FloatBlock b = it.next();
            if (!b.validation()) {
                train.add(b);
                m += b.rows();
            }
        }
        int batch = cfg.batch();
        long steps = (m + batch - 1) / batch;
        if (first >= steps) return new Local(partition, new float[0], new float[0], null, 0, 0, DistributedObjective.executorId());   // done this epoch: nothing to average
        int[] blockOf = new int[(int) m], rowOf = new int[(int) m];
        for (int bi = 0, r = 0; bi < train.size(); bi++) {
            for (int j = 0; j < train.get(bi).rows(); j++, r++) {
                blockOf[r] = bi;
                rowOf[r] = j;
            }
        }
        int[] order = new int[(int) m];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new Rng(cfg.seed() * 0x9E3779B97F4A7C15L + 1_000_003L * epoch + partition).shuffle(order);   // this epoch's order on this partition
        Backprop e = TaskEngines.engine(spec, w0, cfg.work());
        float[] w = e.network().params();
        Optimizer opt = Optimizers.create(cfg.optimizer());
        opt.startEpoch(epoch);
        if (state.length > 0) opt.importState(state);
        int in = spec.inputs(), out = spec.outputs();
        float[] xb = new float[batch * in], db = new float[batch * out], g = TaskEngines.gradient(w.length);
        long last = Math.min(steps, first + cfg.averagingSteps());
        long used = 0;
        double sumE = 0;
        for (long s = first; s < last; s++) {
            int start = (int) (s * batch), mb = (int) Math.min(batch, m - start);
            for (int r = 0; r < mb; r++) {
                int q = order[start + r];
                FloatBlock b = train.get(blockOf[q]);
                System.arraycopy(b.x(), rowOf[q] * in, xb, r * in, in);
                if (out == 1) {
                    db[r] = b.y()[rowOf[q]];
                } else {   // the class index one-hot
                    java.util.Arrays.fill(db, r * out, (r + 1) * out, 0f);
                    db[r * out + (int) b.y()[rowOf[q]]] = 1f;
                }
            }
            double be = e.gradient(xb, db, 0, mb, g, cfg.lambda(), cfg.decayBiases());
            if (opt.usesError()) opt.step(w, g, spec.loss().scale(mb) * be + Backprop.decayPenalty(e.network(), cfg.lambda(), cfg.decayBiases()));
            else opt.step(w, g);
            sumE += be;
            used += mb;
        }
        return Local.of(partition, w.clone(), opt.exportState(), used, sumE, DistributedObjective.executorId());
    }

    // ---- validation ----

    /** {loss, accuracy} on the validation blocks at w (accuracy NaN for regression). */
    double[] validation(float[] w) {
        return figures(spec, sums(w, true, false).acc(), 0);
    }

    private long fingerprint;

    /** The data's fingerprint (the sum mod 2⁶⁴ of {@link FloatBlock#fingerprint} over all blocks), known after {@link #train}. */
    long fingerprint() { return fingerprint; }

    /** {train loss, train accuracy, validation loss, validation accuracy} at w: the data error alone (NaN: not applicable); also sums up {@link #fingerprint}. */
    double[] evaluate(float[] w) {
        Sums all = sums(w, true, true);
        fingerprint = all.fingerprint();
        return finalFigures(spec, all, validationRows);
    }

    /** {train loss, train accuracy, validation loss, validation accuracy} from the sums of a pass over all blocks. */
    static double[] finalFigures(NetSpec spec, Sums all, long validationRows) {
        double[] r = all.acc();
        double[] t = figures(spec, r, 3), v = validationRows > 0 ? figures(spec, r, 0) : new double[] {Double.NaN, Double.NaN};
        return new double[] {t[0], t[1], v[0], v[1]};
    }

    /** loss and accuracy from {Σ E_p, correct, rows} at offset o (the data error alone, as the Trainer watches it). */
    static double[] figures(NetSpec spec, double[] r, int o) {
        return new double[] {spec.loss().scale((int) r[o + 2]) * r[o], spec.outputs() > 1 ? r[o + 1] / r[o + 2] : Double.NaN};
    }

    /** A partition's {Σ E_p, correct, rows} of validation, then training blocks, and the fingerprint of the blocks it scored. */
    record Sums(double[] acc, long fingerprint) implements Serializable {
        /** The partitions' sums added in partition order. */
        static Sums inOrder(List<Sums> parts) {
            double[] c = new double[6];
            long fp = 0;
            for (Sums p : parts) {
                for (int i = 0; i < 6; i++) c[i] += p.acc()[i];
                fp += p.fingerprint();
            }
            return new Sums(c, fp);
        }
    }

    /**
     * One pass: {Σ E_p, correct, rows} over the validation blocks, then over the training blocks
     * (zeros for a kind not asked for), the partitions' sums added in partition order. w travels as
     * in a full-batch pass (in the task binary up to {@link DistributedObjective#inlineFloats}).
     */
    private Sums sums(float[] w, boolean validation, boolean train) {
        List<Sums> answered = kept(h -> h.sums(w, validation, train));
        if (answered != null) return Sums.inOrder(answered);
        jobs++;
        float[] inline = w.length <= DistributedObjective.inlineFloats ? w.clone() : null;
        Broadcast<float[]> bw = inline == null ? sc.broadcast(w.clone()) : null;
        try {
            return Sums.inOrder(InputException.unwrap(() -> DistributedObjective.inPartitionOrder(sc, blocks,
                    new SumsTask(spec, inline, bw, cfg.work(), validation, train), Sums.class)));
        } finally {
            if (bw != null) bw.destroy();
        }
    }

    /** {@link #sums} on one partition: {@link #partitionSums}. A named class, as {@link RoundTask}. */
    static final class SumsTask extends DistributedObjective.AtWeights<Sums> {
        private final boolean validation, train;

        SumsTask(NetSpec spec, float[] inline, Broadcast<float[]> bw, TaskEngines.Work work, boolean validation, boolean train) {
            super(new DistributedObjective.Weights(spec, inline, bw, work));
            this.validation = validation;
            this.train = train;
        }

        @Override
        public Sums apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<FloatBlock> it) {
            return partitionSums(at.spec(), at.w(), at.work(), scala.jdk.javaapi.CollectionConverters.asJava(it), validation, train);
        }
    }

    /** One partition's {@link Sums} at w: the library's {@link Evaluation} of each validation (and/or training) block. */
    static Sums partitionSums(NetSpec spec, float[] w, TaskEngines.Work work, java.util.Iterator<FloatBlock> it, boolean validation, boolean train) {
        Backprop e = TaskEngines.engine(spec, w, work);
        double[] acc = new double[6];
        long fp = 0;
        boolean cls = spec.outputs() > 1;
        while (it.hasNext()) {
            FloatBlock b = it.next();
            if (b.validation() ? !validation : !train) continue;
            int o = b.validation() ? 0 : 3;
            DataSet ds = new DataSet(b.x(), b.d(spec.outputs()), spec.inputs(), spec.outputs(), cls ? classNames(spec.outputs()) : null, null);
            Evaluation ev = Evaluation.of(e, ds);
            acc[o] += ev.loss() / spec.loss().scale(b.rows());
            if (cls) acc[o + 1] += ev.accuracy() * b.rows();
            acc[o + 2] += b.rows();
            fp += b.fingerprint(spec.outputs());
        }
        return new Sums(acc, fp);
    }

    static List<String> classNames(int k) {
        List<String> l = new ArrayList<>(k);
        for (int i = 0; i < k; i++) l.add(Integer.toString(i));
        return l;
    }
}
