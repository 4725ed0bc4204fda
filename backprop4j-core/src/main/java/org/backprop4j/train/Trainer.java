package org.backprop4j.train;

import java.util.ArrayList;
import java.util.List;
import org.backprop4j.Backprop;
import org.backprop4j.Evaluation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;

/**
 * The training loop of seed 004 (Algorithm 1): compute the gradient, update the weights, repeat
 * until the error is below ε or another criterion holds. Online, mini-batch and full-batch
 * presentation; the order of patterns is shuffled each epoch with a seeded generator, so the same
 * seed gives bit-identical weights.
 *
 * <p>First-order rules ({@link Optimizer#step}) get one gradient per batch, optionally clipped
 * ({@link ClipNorm}) and with a learning-rate schedule ({@link Scheduled}). Full-batch methods
 * ({@link FullBatchOptimizer}: L-BFGS, SCG, Levenberg–Marquardt) get the whole training error as an
 * {@link Objective} ({@link NetworkObjective}) and make one iteration per epoch. With
 * {@link EarlyStopping}, the validation error is watched every epoch and the best weights can be
 * put back at the end.
 */
public final class Trainer {
    private final Network net;
    private final Loss loss;
    private final TrainingConfig config;
    private final Kernels kernels;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private volatile String stopRequest;

    public Trainer(Network net, Loss loss, TrainingConfig config) {
        this(net, loss, config, KernelProvider.get());
    }

    public Trainer(Network net, Loss loss, TrainingConfig config, Kernels kernels) {
        this.net = net;
        this.loss = loss;
        this.config = config;
        this.kernels = kernels;
    }

    public Trainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** Ends training after the current epoch (callable from a listener or another thread). */
    public void stop(String reason) {
        this.stopRequest = reason == null ? "stopped" : reason;
    }

    public Network network() { return net; }
    public TrainingConfig config() { return config; }

    /** Trains on {@code train}. */
    public TrainingResult fit(DataSet train) {
        return fit(train, null);
    }

    /** The optimizer a run uses: the configured one, wrapped with clipping and schedule if asked. */
    Optimizer makeOptimizer() {
        Optimizer opt = config.optimizer().get();
        if (opt instanceof FullBatchOptimizer) {
            if (config.mode() != TrainingConfig.Mode.FULL_BATCH) {
                throw new IllegalArgumentException(opt.describe() + " is a full-batch method: train in full-batch mode");
            }
            if (config.schedule() != null) throw new IllegalArgumentException(opt.describe() + " chooses its own step lengths; drop the learning-rate schedule");
            if (config.clipNorm() > 0) throw new IllegalArgumentException(opt.describe() + " works on the full objective; drop gradient clipping");
            return opt;
        }
        if (config.clipNorm() > 0) opt = new ClipNorm(opt, config.clipNorm());
        if (config.schedule() != null) opt = new Scheduled(opt, config.schedule());
        return opt;
    }

    /** Trains on {@code train}, reporting the error on {@code validation} (may be null) each epoch. */
    public TrainingResult fit(DataSet train, DataSet validation) {
        check(train);
        if (validation != null) check(validation);
        EarlyStopping es = config.earlyStopping();
        if (es != null && validation == null) {
            throw new IllegalArgumentException("early stopping needs a validation set");
        }
        stopRequest = null;
        Optimizer opt = makeOptimizer();
        FullBatchOptimizer fbo = opt instanceof FullBatchOptimizer f ? f : null;
        Backprop engine = new Backprop(net, loss, kernels);
        NetworkObjective objective = fbo == null ? null
                : new NetworkObjective(net, loss, train, config.lambda(), config.decayBiases(), kernels);
        Rng rng = new Rng(config.seed());
        int size = train.size();
        int in = train.inputs(), out = train.outputs();
        int batch = config.effectiveBatch(size);
        boolean reorder = config.shuffle() && config.mode() != TrainingConfig.Mode.FULL_BATCH;
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        float[] bx = reorder ? new float[batch * in] : null;
        float[] bd = reorder ? new float[batch * out] : null;
        float[] grad = new float[net.paramCount()];
        float[] w = net.params();
        EarlyStopping.Monitor monitor = es == null ? null : es.monitor();
        float[] best = es != null && es.restoreBest() ? new float[w.length] : null;
        boolean needError = opt.usesError();
        List<EpochStats> history = new ArrayList<>();
        long updates = 0;
        String reason = "max epochs (" + config.maxEpochs() + ")";

        for (int epoch = 0; epoch < config.maxEpochs(); epoch++) {
            long t0 = System.nanoTime();
            opt.startEpoch(epoch);
            double sumE = 0;
            if (fbo != null) {
                double eNew = fbo.iterate(objective, w);
                sumE = (eNew - Backprop.decayPenalty(net, config.lambda(), config.decayBiases())) / loss.scale(size);
                updates++;
            } else {
                if (reorder) rng.shuffle(order);
                for (int start = 0; start < size; start += batch) {
                    int m = Math.min(batch, size - start);
                    double batchE;
                    if (reorder) {
                        for (int r = 0; r < m; r++) {
                            int p = order[start + r];
                            System.arraycopy(train.x(), p * in, bx, r * in, in);
                            System.arraycopy(train.d(), p * out, bd, r * out, out);
                        }
                        batchE = engine.gradient(bx, bd, 0, m, grad, config.lambda(), config.decayBiases());
                    } else {
                        batchE = engine.gradient(train.x(), train.d(), start, m, grad, config.lambda(), config.decayBiases());
                    }
                    sumE += batchE;
                    if (needError) {
                        // E(w) of this batch as minimised: data term plus λ/2‖W‖²
                        double e = loss.scale(m) * batchE + Backprop.decayPenalty(net, config.lambda(), config.decayBiases());
                        opt.step(w, grad, e);
                    } else {
                        opt.step(w, grad);
                    }
                    updates++;
                }
            }
            double e;
            double acc = Double.NaN;
            if (config.evaluateEachEpoch()) {
                Evaluation ev = Evaluation.of(engine, train);
                e = ev.loss();
                acc = ev.accuracy();
            } else {
                e = loss.scale(size) * sumE;
            }
            double vl = Double.NaN, va = Double.NaN;
            if (validation != null) {
                Evaluation ev = Evaluation.of(engine, validation);
                vl = ev.loss();
                va = ev.accuracy();
            }
            EpochStats stats = new EpochStats(epoch + 1, e, acc, vl, va, updates, (System.nanoTime() - t0) / 1e6);
            history.add(stats);
            for (TrainingListener l : listeners) l.onEpoch(stats, this);
            if (!Double.isFinite(e)) {
                reason = "diverged: training error is " + e + " (lower the learning rate or normalise the inputs)";
                break;
            }
            if (monitor != null && Double.isFinite(vl)) {
                if (monitor.observe(epoch + 1, vl) && best != null) System.arraycopy(w, 0, best, 0, w.length);
                String s = monitor.stopReason();
                if (s != null) {
                    reason = s;
                    break;
                }
            }
            if (config.targetError() > 0 && e < config.targetError()) {
                reason = "target error reached (E = " + e + " < " + config.targetError() + ")";
                break;
            }
            if (fbo != null && fbo.stopReason() != null) {
                reason = fbo.stopReason();
                break;
            }
            if (stopRequest != null) {
                reason = stopRequest;
                break;
            }
        }
        int bestEpoch = monitor == null ? 0 : monitor.bestEpoch();
        if (best != null && bestEpoch > 0) {
            System.arraycopy(best, 0, w, 0, w.length);
            reason += "; restored the weights of epoch " + bestEpoch;
        }
        return new TrainingResult(List.copyOf(history), reason, bestEpoch);
    }

    private void check(DataSet ds) {
        if (ds.inputs() != net.inputs()) {
            throw new IllegalArgumentException("data has " + ds.inputs() + " inputs, the network " + net.inputs());
        }
        if (ds.outputs() != net.outputs()) {
            throw new IllegalArgumentException("data has " + ds.outputs() + " target columns, the network " + net.outputs() + " outputs");
        }
        if (ds.size() == 0) throw new IllegalArgumentException("the training set is empty");
    }
}
