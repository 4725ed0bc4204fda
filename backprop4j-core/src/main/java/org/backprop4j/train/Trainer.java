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

    /** Trains on {@code train}, reporting the error on {@code validation} (may be null) each epoch. */
    public TrainingResult fit(DataSet train, DataSet validation) {
        check(train);
        if (validation != null) check(validation);
        stopRequest = null;
        Optimizer opt = config.optimizer().get();
        Backprop engine = new Backprop(net, loss, kernels);
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
        List<EpochStats> history = new ArrayList<>();
        long updates = 0;
        String reason = "max epochs (" + config.maxEpochs() + ")";

        for (int epoch = 0; epoch < config.maxEpochs(); epoch++) {
            long t0 = System.nanoTime();
            opt.startEpoch(epoch);
            if (reorder) rng.shuffle(order);
            double sumE = 0;
            for (int start = 0; start < size; start += batch) {
                int m = Math.min(batch, size - start);
                if (reorder) {
                    for (int r = 0; r < m; r++) {
                        int p = order[start + r];
                        System.arraycopy(train.x(), p * in, bx, r * in, in);
                        System.arraycopy(train.d(), p * out, bd, r * out, out);
                    }
                    sumE += engine.gradient(bx, bd, 0, m, grad, config.lambda(), config.decayBiases());
                } else {
                    sumE += engine.gradient(train.x(), train.d(), start, m, grad, config.lambda(), config.decayBiases());
                }
                opt.step(w, grad);
                updates++;
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
            if (config.targetError() > 0 && e < config.targetError()) {
                reason = "target error reached (E = " + e + " < " + config.targetError() + ")";
                break;
            }
            if (stopRequest != null) {
                reason = stopRequest;
                break;
            }
        }
        return new TrainingResult(List.copyOf(history), reason);
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
