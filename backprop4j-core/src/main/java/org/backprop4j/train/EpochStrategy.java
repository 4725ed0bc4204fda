package org.backprop4j.train;

import org.backprop4j.Backprop;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.kernel.Kernels;

/**
 * How one epoch presents the patterns and changes the weights, chosen once per run
 * ({@link #choose}); each strategy owns its buffers. An epoch's work is a method of its own,
 * called once per epoch, so that the JIT compiles it from the warm-up's epochs
 * ({@link Trainer#warmUp}) instead of compiling the trainer's whole loop on-stack during the first
 * epochs of a run, on a core the training needs (docs/ENGINE.md).
 */
abstract sealed class EpochStrategy permits EpochStrategy.FullBatch, EpochStrategy.Batches, EpochStrategy.Online {
    /** Σ_p E_p of the epoch's batches, each before its update. */
    double sumE;
    /** Updates so far (carried from epoch to epoch). */
    long updates;
    /** Where the running epoch has got, stored after every batch for a display to poll ({@link Trainer#patternsPresented}). */
    final Progress progress = new Progress();

    /** Runs one epoch; returns what diverged in it, or null. */
    abstract String epoch(Rng rng);

    /** A reason to stop after this epoch, or null. */
    String stopReason() {
        return null;
    }

    /** The run's last epoch is done: what the rule does at the end ({@link FullBatchOptimizer#finish}), or null. */
    String finish() {
        return null;
    }

    /**
     * The strategy for a run: full-batch methods iterate on the whole objective; plain or classical
     * momentum SGD (no Nesterov, clipping or schedule: the rule is exactly {@link Sgd}'s) is fused
     * into the backward pass ({@link Sgd#fusedStep}), online without decay a whole epoch per call;
     * every other rule gets a gradient per batch and makes its own step. Examples not on the heap
     * (a memory-mapped cache) always go through {@link Batches}, which copies each batch out of them
     * (online SGD as batches of one: the same bits, {@link Backprop#descendOnline}); full-batch
     * methods need a {@link DataSet} (the trainer refuses others before this).
     */
    static EpochStrategy choose(Network net, Loss loss, TrainingConfig config, Kernels kernels, Optimizer opt,
                                Backprop engine, Examples train, int[] order) {
        if (opt instanceof FullBatchOptimizer fbo) return new FullBatch(net, loss, config, kernels, fbo, (DataSet) train);
        int batch = config.effectiveBatch(train.size());
        boolean reorder = config.shuffle() && config.mode() != TrainingConfig.Mode.FULL_BATCH;
        Sgd sgd = opt instanceof Sgd sg && !sg.nesterov() && !opt.usesError() && batch <= Backprop.CHUNK ? sg : null;
        if (sgd != null && batch == 1 && config.lambda() == 0 && train instanceof DataSet ds) return new Online(engine, ds, reorder ? order : null, sgd);
        return new Batches(net, loss, config, kernels, opt, sgd, engine, train, reorder ? order : null, batch);
    }

    /** One iteration of a full-batch method (L-BFGS, SCG, Levenberg–Marquardt) on the whole training error. */
    static final class FullBatch extends EpochStrategy {
        private final Network net;
        private final Loss loss;
        private final TrainingConfig config;
        private final FullBatchOptimizer fbo;
        private final NetworkObjective objective;
        private final int size;

        FullBatch(Network net, Loss loss, TrainingConfig config, Kernels kernels, FullBatchOptimizer fbo, DataSet train) {
            this.net = net;
            this.loss = loss;
            this.config = config;
            this.fbo = fbo;
            this.objective = new NetworkObjective(net, loss, train, config.lambda(), config.decayBiases(), kernels);
            this.size = train.size();
        }

        @Override
        String epoch(Rng rng) {
            double eNew = fbo.iterate(objective, net.params());
            sumE = (eNew - Backprop.decayPenalty(net, config.lambda(), config.decayBiases())) / loss.scale(size);
            updates++;
            progress.at(size);
            return Double.isFinite(eNew) ? null : "the training error became " + eNew;
        }

        @Override
        String stopReason() {
            return fbo.stopReason();
        }

        @Override
        String finish() {
            return fbo.finish(objective, net.params());
        }
    }

    /**
     * Online SGD without decay: an epoch in a few engine calls ({@link Backprop#descendOnline}) of
     * {@value #SLICE} patterns each; only the first-layer update of a slice's last pattern is not fused
     * with the next product.
     */
    static final class Online extends EpochStrategy {
        static final int SLICE = 1024;
        private final Backprop engine;
        private final DataSet train;
        private final int[] order;   // null: the data's order
        private final Sgd sgd;
        private final double[] sums = new double[2];

        Online(Backprop engine, DataSet train, int[] order, Sgd sgd) {
            this.engine = engine;
            this.train = train;
            this.order = order;
            this.sgd = sgd;
        }

        @Override
        String epoch(Rng rng) {
            if (order != null) rng.shuffle(order);
            int size = train.size();
            // in slices, so that a display sees the epoch advance: each pattern's step is the same
            // bits in whichever slice it falls (descendOnline = descend per pattern), and the error
            // is summed on in one accumulator as one call would
            sums[0] = 0;
            for (int first = 0; first < size; first += SLICE) {
                int count = Math.min(SLICE, size - first);
                int ok = sgd.descendOnline(engine, train.x(), train.d(), order, first, count, sums);
                updates += ok;
                if (ok < count) {
                    sumE = sums[0];
                    return "the error of the batch at update " + (updates + 1) + " became " + sums[1];
                }
                progress.at(first + count);
            }
            sumE = sums[0];
            return null;
        }
    }

    /**
     * Mini-batches (or the whole set as one batch, in order): per batch a gradient and the rule's
     * step, or with SGD the step fused into the backward pass. Shuffled batches are copied into
     * contiguous buffers; when the kernels split the first layer's product across threads, the next
     * batch is copied by idle workers while this one trains (two buffers). Batches in order are
     * read in place from a {@link DataSet}; from other examples the fused SGD step's batch (at most
     * {@link Backprop#CHUNK} patterns) is copied, and a gradient is computed by
     * {@link Backprop#gradient(Examples, int, int, float[], double, boolean)}, which copies chunk by
     * chunk: no buffer of a full batch's size.
     */
    static final class Batches extends EpochStrategy {
        private final Network net;
        private final Loss loss;
        private final TrainingConfig config;
        private final Kernels kernels;
        private final Optimizer opt;
        private final Backprop engine;
        private final Backprop.WeightStep fused;   // null: gradient, then opt.step
        private final Sgd sgd;
        private final Examples train;
        private final DataSet heap;                // train if on the heap, else null
        private final int[] order;                 // null: batches in the data's order (copied only from examples not on the heap)
        private final int batch;
        private final BatchCopy[] copies;
        private final boolean background;
        private final float[] grad;

        Batches(Network net, Loss loss, TrainingConfig config, Kernels kernels, Optimizer opt, Sgd sgd,
                Backprop engine, Examples train, int[] order, int batch) {
            this.net = net;
            this.loss = loss;
            this.config = config;
            this.kernels = kernels;
            this.opt = opt;
            this.sgd = sgd;
            this.engine = engine;
            this.train = train;
            this.heap = train instanceof DataSet ds ? ds : null;
            this.order = order;
            this.batch = batch;
            this.fused = sgd == null ? null : sgd.fusedStep((float) config.lambda(), config.decayBiases());
            int[] sizes = net.sizes();
            this.background = order != null && kernels.splits(2L * batch * sizes[0] * sizes[1]);
            this.copies = order == null ? (heap == null && fused != null ? new BatchCopy[] {new BatchCopy(train, null, batch)} : null)
                    : background ? new BatchCopy[] {new BatchCopy(train, order, batch), new BatchCopy(train, order, batch)}
                    : new BatchCopy[] {new BatchCopy(train, order, batch)};
            this.grad = new float[net.paramCount()];
        }

        @Override
        String epoch(Rng rng) {
            double sumE = 0;
            String bad = null;
            if (order != null) rng.shuffle(order);
            int size = train.size();
            int cur = 0;             // the buffer of this batch
            boolean copied = false;  // whether it was copied in the background during the last step
            float[] w = net.params();
            for (int start = 0; start < size; start += batch) {
                int m = Math.min(batch, size - start);
                double batchE;
                if (order != null) {
                    BatchCopy bc = copies[cur];
                    if (!copied) bc.copyAll(start, m);
                    int next = start + batch;
                    copied = background && next < size && kernels.startBackground(Math.min(batch, size - next), copies[cur ^ 1].at(next));
                    try {
                        batchE = step(bc.x, bc.d, 0, m, w);
                    } finally {
                        if (copied) kernels.finishBackground();
                    }
                    if (copied) cur ^= 1;
                } else if (heap != null) {
                    batchE = step(heap.x(), heap.d(), start, m, w);
                } else if (fused != null) {
                    BatchCopy bc = copies[0];
                    train.copyPatterns(start, m, bc.x, bc.d);
                    batchE = step(bc.x, bc.d, 0, m, w);
                } else {
                    batchE = engine.gradient(train, start, m, grad, config.lambda(), config.decayBiases());
                }
                // divergence, checked per step at the cost of one comparison: the batch error is a
                // sum over every output, so a NaN/Inf output or weight feeding one makes it non-finite
                if (!Double.isFinite(batchE)) {
                    bad = "the error of the batch at update " + (updates + 1) + " became " + batchE;
                    break;
                }
                sumE += batchE;
                if (fused == null) {
                    if (opt.usesError()) {
                        // E(w) of this batch as minimised: data term plus λ/2‖W‖²
                        opt.step(w, grad, loss.scale(m) * batchE + Backprop.decayPenalty(net, config.lambda(), config.decayBiases()));
                    } else {
                        opt.step(w, grad);
                    }
                }
                updates++;
                progress.at(start + m);
            }
            this.sumE = sumE;
            return bad;
        }

        /** One batch's backward pass: the fused SGD step, or the gradient into grad. */
        private double step(float[] x, float[] d, int row, int m, float[] w) {
            if (fused != null) return engine.descend(x, d, row, m, sgd.prepare(fused, w.length));
            return engine.gradient(x, d, row, m, grad, config.lambda(), config.decayBiases());
        }
    }

    /**
     * A batch of shuffled patterns copied into contiguous buffers, one pattern (row) per task so
     * that {@link Kernels#startBackground} can spread the copy over idle workers.
     */
    static final class BatchCopy implements java.util.function.IntConsumer {
        final float[] x, d;
        private final Examples src;
        private final float[] srcX, srcD;   // a DataSet's arrays (copied directly), or null
        private final int[] order;
        private final int in, out;
        private int start;

        BatchCopy(Examples train, int[] order, int batch) {
            this.src = train;
            this.srcX = train instanceof DataSet ds ? ds.x() : null;
            this.srcD = train instanceof DataSet ds ? ds.d() : null;
            this.order = order;
            this.in = train.inputs();
            this.out = train.outputs();
            this.x = new float[batch * in];
            this.d = new float[batch * out];
        }

        /** Sets the batch to patterns order[start ..] (for the tasks that follow). */
        BatchCopy at(int start) {
            this.start = start;
            return this;
        }

        void copyAll(int start, int m) {
            this.start = start;
            for (int r = 0; r < m; r++) accept(r);
        }

        /** Copies row r of the batch: pattern order[start + r]. */
        @Override
        public void accept(int r) {
            int p = order[start + r];
            if (srcX == null) {
                src.copyPattern(p, x, r * in, d, r * out);
                return;
            }
            System.arraycopy(srcX, p * in, x, r * in, in);
            System.arraycopy(srcD, p * out, d, r * out, out);
        }
    }
}
