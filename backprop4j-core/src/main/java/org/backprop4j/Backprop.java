package org.backprop4j;

import org.backprop4j.kernel.Elementwise;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;

/**
 * The fast engine: forward and backward passes in matrix form over a batch of m patterns
 * (seed 001), float32 storage and arithmetic, loss sums in double.
 *
 * <p>Patterns are rows, so with O^l the m×n_l matrix of layer l's outputs:
 * <pre>
 *   NET^l = O^{l−1}·(W^l)ᵀ + 1·(b^l)ᵀ,   O^l = f_l(NET^l)               forward (seed 001/002)
 *   Δ^L   = f'(NET^L) ⊙ ∂E/∂O^L   (= O^L − D, scaled, for the canonical pairs)   (seed 001; seed 003 eqs. 31–40)
 *   Δ^l   = f'(NET^l) ⊙ (Δ^{l+1}·W^{l+1})                                hidden deltas (seed 004 case 2)
 *   ∂E/∂W^l = (Δ^l)ᵀ·O^{l−1},  ∂E/∂b^l = Σ_rows Δ^l                      (seed 001; seed 004: δ_t·o_u)
 * </pre>
 * Here Δ = ∂E/∂net (seeds 001 and 002's sign); seed 004's δ is its negative.
 *
 * <p>Buffers are sized once for the largest batch seen, so the steady state allocates nothing.
 * An instance is not thread-safe: use one per thread.
 */
public final class Backprop {
    private final Network net;
    private final Loss loss;
    private final Kernels kernels;
    private final int layers;
    private final int[] n;
    private int capacity;          // batch rows the buffers hold
    private float[][] o;           // o[l]: m×n_l outputs, l = 1..L (o[0] is the caller's input)
    private float[][] delta;       // delta[l]: m×n_l, ∂E/∂net; delta[0] is scratch for the last back-product
    private float[] netOut;        // m×n_L pre-activations of the output layer (for exact log-losses)
    private float[][] pre;         // pre[l]: m×n_l net inputs of hidden layers whose f' needs them (Activation.needsNet)
    private double[] rowLse;       // softmax outputs: per row, the log of the normaliser (log-sum-exp of net)
    private final float[] biasSums; // Σ_rows Δ^l of one layer in descend (the widest layer's size)

    public Backprop(Network net, Loss loss) {
        this(net, loss, KernelProvider.get());
    }

    public Backprop(Network net, Loss loss, Kernels kernels) {
        this.net = net;
        this.loss = loss;
        this.kernels = kernels;
        this.layers = net.layers();
        this.n = net.sizes();
        checkPairing(net.outputActivation(), loss);
        this.groupChunk = groupChunk(n[0]);
        int widest = 0;
        for (int l = 1; l <= layers; l++) widest = Math.max(widest, n[l]);
        this.biasSums = new float[widest];
        ensureCapacity(1);
    }

    /** See {@link #groupChunk}: 2^⌊log₂(2¹⁸/inputs)⌋ rows, within 64 .. CHUNK. */
    static int groupChunk(int inputs) {
        int rows = Integer.highestOneBit(Math.max(1, (1 << 18) / Math.max(1, inputs)));
        return Math.max(64, Math.min(CHUNK, rows));
    }

    /** Rejects combinations whose loss is undefined for the outputs' range. */
    public static void checkPairing(Activation out, Loss loss) {
        if (loss == Loss.CROSS_ENTROPY && out == Activation.LOGISTIC) {
            // −Σ d_k log o_k alone never pushes a d = 0 output down (seed 003, eq. 36 assumes eq. 37's softmax)
            throw new IllegalArgumentException("cross-entropy (ce) needs softmax outputs (one class per pattern); "
                    + "for logistic outputs, each an independent yes/no (multi-label), use bce");
        }
        if (loss == Loss.CROSS_ENTROPY && out != Activation.SOFTMAX) {
            throw new IllegalArgumentException("cross-entropy needs softmax outputs, not " + out.id());
        }
        if (loss == Loss.BINARY_CROSS_ENTROPY && out != Activation.LOGISTIC && out != Activation.SOFTMAX) {
            throw new IllegalArgumentException("binary cross-entropy needs logistic outputs, not " + out.id());
        }
    }

    public Network network() { return net; }
    public Loss loss() { return loss; }
    public Kernels kernels() { return kernels; }

    private void ensureCapacity(int m) {
        if (m <= capacity) return;
        o = new float[layers + 1][];
        delta = new float[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            if (l > 0) o[l] = new float[m * n[l]];
            delta[l] = new float[m * n[l]];
        }
        netOut = new float[m * n[layers]];
        pre = new float[layers + 1][];
        for (int l = 1; l < layers; l++) if (net.activation(l).needsNet()) pre[l] = new float[m * n[l]];
        rowLse = new double[m];
        capacity = m;
    }

    /**
     * Forward pass over m patterns: rows {@code row .. row+m−1} of the row-major input matrix x.
     * Returns the output buffer (m×n_L, row-major), valid until the next call.
     */
    public float[] forward(float[] x, int row, int m) {
        if (m < 1) throw new IllegalArgumentException("a batch needs at least one pattern");
        return forward(x, row, m, false);
    }

    /** {@link #forward(float[], int, int)}; with {@code firstProductDone}, NET¹ is already in o[1] ({@link #descendOnline}). */
    private float[] forward(float[] x, int row, int m, boolean firstProductDone) {
        ensureCapacity(m);
        float[] p = net.params();
        float[] in = x;
        int inOff = row * n[0];
        for (int l = 1; l <= layers; l++) {
            float[] out = o[l];
            int nl = n[l], nprev = n[l - 1];
            // NET^l = O^{l−1}·(W^l)ᵀ  (net_t = Σ_u w_tu·o_u, seed 004)
            if (l > 1 || !firstProductDone) kernels.sgemm(false, true, m, nl, nprev, 1f, in, inOff, nprev, p, net.weightOffset(l), nprev, 0f, out, 0, nl);
            Elementwise.addToRows(out, 0, m, nl, p, net.biasOffset(l));   // + b^l (bias = weight on a constant 1, seed 002)
            if (l == layers) System.arraycopy(out, 0, netOut, 0, m * nl);
            else if (pre[l] != null) System.arraycopy(out, 0, pre[l], 0, m * nl);
            if (l == layers && net.activation(l) == Activation.SOFTMAX) Activation.softmax(out, 0, m, nl, rowLse);
            else net.activation(l).apply(out, 0, m, nl);  // o = f(net)
            in = out;
            inOff = 0;
        }
        return o[layers];
    }

    /**
     * Forward and backward pass over rows {@code row .. row+m−1}: writes ∂E/∂w for the batch error
     * E (see {@link Loss} for the 1/m factor) plus the decay term λ·w into {@code grad}
     * (overwritten, same layout as {@link Network#params()}), and returns Σ_p E_p, the batch's
     * summed per-pattern data error (no decay, no 1/m).
     */
    public double gradient(float[] x, float[] d, int row, int m, float[] grad, double lambda, boolean decayBiases) {
        if (m < 1) throw new IllegalArgumentException("a batch needs at least one pattern");
        float scale = (float) loss.scale(m);
        double sumE = m <= CHUNK ? pass(x, d, row, m, scale, gradientStep.into(grad, false), false, false)
                : groupGradient(x, d, null, row, m, grad, scale);
        if (lambda != 0) addDecay(grad, (float) lambda, decayBiases);
        return sumE;
    }

    /**
     * {@link #gradient(float[], float[], int, int, float[], double, boolean)} over patterns
     * {@code first .. first+m−1} of any {@link org.backprop4j.data.Examples}: a data set's own
     * arrays are used as they are; other examples (a memory-mapped cache) are copied a chunk at a
     * time into buffers of this engine (at most {@link #CHUNK} rows, one set per group of a large
     * batch), so a full batch of any size needs no array of its size. The chunks, groups and the
     * order of every sum are those of the array path, so the result is the same bits.
     */
    public double gradient(org.backprop4j.data.Examples src, int first, int m, float[] grad, double lambda, boolean decayBiases) {
        if (src instanceof org.backprop4j.data.DataSet ds) return gradient(ds.x(), ds.d(), first, m, grad, lambda, decayBiases);
        if (m < 1) throw new IllegalArgumentException("a batch needs at least one pattern");
        float scale = (float) loss.scale(m);
        double sumE;
        if (m <= CHUNK) {
            sourceBuffers(m);
            src.copyPatterns(first, m, srcX, srcD);
            sumE = pass(srcX, srcD, 0, m, scale, gradientStep.into(grad, false), false, false);
        } else {
            sumE = groupGradient(null, null, src, first, m, grad, scale);
        }
        if (lambda != 0) addDecay(grad, (float) lambda, decayBiases);
        return sumE;
    }

    private float[] srcX = new float[0], srcD = new float[0];   // patterns copied from Examples

    private void sourceBuffers(int rows) {
        if (srcX.length < rows * n[0]) srcX = new float[rows * n[0]];
        if (srcD.length < rows * n[layers]) srcD = new float[rows * n[layers]];
    }

    /** At most this many groups per large batch (see {@link #groups}). */
    static final int MAX_GROUPS = 16;
    /** The group gradients of a batch together take at most this many floats (64 MB). */
    static final long GROUP_FLOATS = 1L << 24;
    private Backprop[] groupEngines = new Backprop[0];
    private float[][] groupGrad = new float[0][];
    private double[] groupE = new double[0];

    /**
     * Groups of a batch of m rows cut into chunks of {@code chunk} rows: one per two chunks, at
     * least 2 and at most {@link #MAX_GROUPS}, and no more than fit {@link #GROUP_FLOATS} with one
     * gradient of {@code params} floats each. Depends only on the sizes, never on the thread count.
     */
    static int groups(int m, int chunk, int params) {
        int chunks = (m + chunk - 1) / chunk;
        long byMemory = Math.max(2, GROUP_FLOATS / Math.max(1, params));
        return (int) Math.max(2, Math.min(Math.min(MAX_GROUPS, chunks / 2), byMemory));
    }

    /**
     * A large batch (full-batch training): the rows are cut into chunks of {@link #groupChunk}
     * rows (so a pass stays in cache), and runs of consecutive chunks form {@link #groups} groups;
     * each group's gradient is summed over its chunks in order by an engine of its own, and the
     * group gradients are added in group order (seed 003: the batch gradient is the sum of the
     * per-pattern gradients). The kernels' {@link Kernels#forEach} hands the groups to the threads
     * as they finish the previous one (with up to 16 groups a thread that runs faster, here or on a
     * busy machine, takes more of them instead of waiting at the end), each group's products on one
     * thread ({@link Kernels#singleThreaded()}): whole chunks, forward and backward, with no hand-off
     * per product; the final sum is split by parameter ranges. Groups, chunks and the order of every
     * sum depend only on m and the network, never on the thread count, so the result is the same
     * bits on 1, 2 or more threads.
     */
    private double groupGradient(float[] x, float[] d, org.backprop4j.data.Examples src, int row, int m, float[] grad, float scale) {
        int chunk = groupChunk;
        int chunks = (m + chunk - 1) / chunk;
        int groups = groups(m, chunk, grad.length);
        if (groupEngines.length < groups) {
            Kernels single = kernels.singleThreaded();
            Backprop[] e = java.util.Arrays.copyOf(groupEngines, groups);
            for (int g = groupEngines.length; g < groups; g++) e[g] = new Backprop(net, loss, single);
            groupEngines = e;
            groupGrad = java.util.Arrays.copyOf(groupGrad, groups);
            groupE = new double[groups];
        }
        for (int g = 0; g < groups; g++) {
            if (groupGrad[g] == null || groupGrad[g].length != grad.length) groupGrad[g] = new float[grad.length];
        }
        java.util.function.IntConsumer task = g -> {
            int c0 = (int) ((long) chunks * g / groups), c1 = (int) ((long) chunks * (g + 1) / groups);
            int r0 = c0 * chunk, r1 = Math.min(m, c1 * chunk);
            Backprop e = groupEngines[g];
            float[] gg = groupGrad[g];
            double sum = 0;
            for (int start = r0; start < r1; start += chunk) {
                int len = Math.min(chunk, r1 - start);
                if (src == null) {
                    sum += e.pass(x, d, row + start, len, scale, e.gradientStep.into(gg, start > r0), false, false);
                } else {   // the chunk copied into the group engine's own buffers (its thread's alone)
                    e.sourceBuffers(len);
                    src.copyPatterns(row + start, len, e.srcX, e.srcD);
                    sum += e.pass(e.srcX, e.srcD, 0, len, scale, e.gradientStep.into(gg, start > r0), false, false);
                }
            }
            groupE[g] = sum;
        };
        kernels.forEach(groups, task);
        // grad = g_0 + g_1 + .. + g_{G−1}, element by element in group order, in parameter ranges
        int n = grad.length, block = 16384, blocks = (n + block - 1) / block;
        java.util.function.IntConsumer sum = bi -> {
            int lo = bi * block, hi = Math.min(n, lo + block);
            System.arraycopy(groupGrad[0], lo, grad, lo, hi - lo);
            for (int g = 1; g < groups; g++) {
                float[] gg = groupGrad[g];
                for (int i = lo; i < hi; i++) grad[i] += gg[i];
            }
        };
        kernels.forEach(blocks, sum);
        double sumE = 0;
        for (int g = 0; g < groups; g++) sumE += groupE[g];
        return sumE;
    }

    /**
     * Plain gradient descent fused into the backward pass (seed 004: w ← w + η·δ·o, here
     * W^l ← W^l − η·(Δ^l)ᵀ·O^{l−1} with Δ = ∂E/∂net): each layer's deltas are propagated with its
     * old weights, then the layer is updated in place by one kernel call (α = −η, β = 1), so no
     * gradient vector is written and read back. With L2 decay the weights are first scaled by
     * (1 − ηλ). Gives the same weights as {@link #gradient} followed by w −= η·g, up to float
     * rounding (the products are summed in another order). For batches of at most {@link #CHUNK}.
     *
     * @return Σ_p E_p of the batch before the update
     */
    public double descend(float[] x, float[] d, int row, int m, float eta, float lambda, boolean decayBiases) {
        return descend(x, d, row, m, eta, 0f, null, lambda, decayBiases);
    }

    /**
     * Gradient descent with classical momentum fused into the backward pass (Rumelhart, Hinton &amp;
     * Williams 1986, eq. 16: Δw(t) = −η·∂E/∂w + α·Δw(t−1)). {@code velocity} holds Δw(t−1) in the
     * layout of {@link Network#params()} and is overwritten with Δw(t); per layer one kernel call
     * computes V^l ← α·V^l − η·(Δ^l)ᵀ·O^{l−1} and adds it to W^l block by block
     * ({@link Kernels#sgemmAddTo}). L2 decay adds −ηλ·w to the velocity first. With
     * {@code velocity == null} (α ignored) this is the plain step above. Same result as
     * {@link #gradient} followed by {@code Sgd.step}, up to float rounding.
     *
     * @return Σ_p E_p of the batch before the update
     */
    public double descend(float[] x, float[] d, int row, int m, float eta, float momentum, float[] velocity,
                          float lambda, boolean decayBiases) {
        if (m < 1 || m > CHUNK) throw new IllegalArgumentException("descend takes 1.." + CHUNK + " patterns, not " + m);
        if (velocity != null && velocity.length != net.paramCount()) {
            throw new IllegalArgumentException("velocity has " + velocity.length + " values, the network " + net.paramCount());
        }
        return descend(x, d, row, m, descentStep(eta, momentum, velocity, lambda, decayBiases));
    }

    /**
     * One batch of at most {@link #CHUNK} patterns with the weights updated inside the backward
     * pass as {@code step} says (see {@link WeightStep}).
     *
     * @return Σ_p E_p of the batch before the update
     */
    public double descend(float[] x, float[] d, int row, int m, WeightStep step) {
        if (m < 1 || m > CHUNK) throw new IllegalArgumentException("descend takes 1.." + CHUNK + " patterns, not " + m);
        if (step.kind == WeightStep.Kind.GRADIENT) throw new IllegalArgumentException("descend updates the weights: use gradient()");
        if (step.velocity != null && step.velocity.length != net.paramCount()) {
            throw new IllegalArgumentException("velocity has " + step.velocity.length + " values, the network " + net.paramCount());
        }
        return pass(x, d, row, m, (float) loss.scale(m), step, false, false);
    }

    /** The step of the descend/descendOnline overloads that take its parameters (reused: steps allocate nothing). */
    private WeightStep descentStep(float eta, float momentum, float[] velocity, float lambda, boolean decayBiases) {
        WeightStep s = descentStep;
        s.kind = velocity == null ? WeightStep.Kind.DESCENT : WeightStep.Kind.MOMENTUM;
        s.momentum = velocity == null ? 0f : momentum;
        s.lambda = lambda;
        s.decayBiases = decayBiases;
        return s.rate(eta).velocity(velocity);
    }

    private final WeightStep descentStep = WeightStep.descent(0f, false);

    /**
     * Online gradient descent, one update per pattern (seed 004's per-pattern rule
     * w ← w − η·∂E_p/∂w; plain, no momentum or decay): the patterns {@code rows[first ..
     * first+count)} (or rows {@code first .. first+count−1} if {@code rows} is null), in that order.
     * Each step gives the same bits as {@code descend(x, d, row, 1, eta, 0, false)}, but the update
     * of W¹ for one pattern and the next pattern's first product NET¹ = W¹·x are one kernel call
     * ({@link Kernels#updateThenGemv}): otherwise W¹ is read twice and written once per pattern,
     * and that traffic is what bounds an online step (figures: docs/ENGINE.md). Stops after the first pattern whose error is not finite, that pattern's update
     * done, as {@code descend} does.
     *
     * @param sums out: {@code sums[0]} = Σ_p E_p of the patterns with a finite error;
     *             {@code sums[1]} = the first non-finite error (0 if none)
     * @return how many patterns had a finite error ({@code count} if all did)
     */
    public int descendOnline(float[] x, float[] d, int[] rows, int first, int count, float eta, double[] sums) {
        return descendOnline(x, d, rows, first, count, eta, 0f, null, sums);
    }

    /**
     * {@link #descendOnline(float[], float[], int[], int, int, float, double[])} with classical
     * momentum (Rumelhart, Hinton &amp; Williams 1986, eq. 16, per pattern): each step the same bits
     * as {@code descend(x, d, row, 1, eta, momentum, velocity, 0, false)}; with a velocity, W¹'s
     * update V ← αV − η·δ¹·xᵀ, W ← W + V and the next product are one call
     * ({@link Kernels#updateAddThenGemv}).
     */
    public int descendOnline(float[] x, float[] d, int[] rows, int first, int count, float eta, float momentum,
                             float[] velocity, double[] sums) {
        return descendOnline(x, d, rows, first, count, eta, momentum, velocity, sums, false);
    }

    /**
     * {@link #descendOnline(float[], float[], int[], int, int, float, float, float[], double[])}, with
     * {@code accumulate}: the errors are added on to {@code sums[0]} in the one accumulator, so that an
     * epoch presented in several calls sums its error exactly as a single call would (the
     * trainer's slices, which let a display see the epoch advance).
     */
    public int descendOnline(float[] x, float[] d, int[] rows, int first, int count, float eta, float momentum,
                             float[] velocity, double[] sums, boolean accumulate) {
        if (count < 0 || sums.length < 2) throw new IllegalArgumentException("count " + count + ", sums of length " + sums.length);
        if (velocity != null && velocity.length != net.paramCount()) {
            throw new IllegalArgumentException("velocity has " + velocity.length + " values, the network " + net.paramCount());
        }
        int n0 = n[0], n1 = n[1], w1 = net.weightOffset(1);
        float[] p = net.params();
        WeightStep step = descentStep(eta, momentum, velocity, 0f, false);
        float scale = (float) loss.scale(1);
        double sum = accumulate ? sums[0] : 0;
        boolean ready = false;   // NET¹ of the next pattern computed by the last fused call
        for (int i = 0; i < count; i++) {
            int row = rows == null ? first + i : rows[first + i];
            // the backward pass with W¹'s update left out: done below, fused with the next product
            double e = pass(x, d, row, 1, scale, step, ready, true);
            boolean finite = Double.isFinite(e);
            if (finite && i + 1 < count) {
                int next = rows == null ? first + i + 1 : rows[first + i + 1];
                // W¹ ← W¹ − η·δ¹·xᵀ (this pattern, seed 004), then NET¹ = W¹·x' (the next one)
                // (with momentum: V¹ ← αV¹ − η·δ¹·xᵀ, W¹ ← W¹ + V¹, then the product)
                if (velocity == null) kernels.updateThenGemv(n1, n0, -eta, delta[1], 0, x, row * n0, p, w1, n0, x, next * n0, o[1], 0);
                else kernels.updateAddThenGemv(n1, n0, -eta, delta[1], 0, x, row * n0, momentum, velocity, w1, p, w1, n0, x, next * n0, o[1], 0);
                ready = true;
            } else {
                if (velocity == null) kernels.sgemm(true, false, n1, n0, 1, -eta, delta[1], 0, n1, x, row * n0, n0, 1f, p, w1, n0);
                else kernels.sgemmAddTo(true, false, n1, n0, 1, -eta, delta[1], 0, n1, x, row * n0, n0, momentum, velocity, w1, n0, p, w1);
                ready = false;
            }
            if (!finite) {
                sums[0] = sum;
                sums[1] = e;
                return i;
            }
            sum += e;
        }
        sums[0] = sum;
        sums[1] = 0;
        return count;
    }

    /**
     * What the backward pass does with each layer's ∂E/∂W^l = (Δ^l)ᵀ·O^{l−1} and ∂E/∂b^l = Σ_rows Δ^l:
     * write it into a gradient vector ({@link #gradient}, for any update rule), or apply gradient
     * descent to the layer at once, plain or with classical momentum (the fused step of
     * {@code train.Sgd}), so that no gradient vector is written and read back. Mutable, reused
     * from batch to batch: the rate and the velocity are set before each step.
     */
    public static final class WeightStep {
        enum Kind { GRADIENT, DESCENT, MOMENTUM }

        Kind kind;
        float momentum, lambda;
        boolean decayBiases;
        float eta;
        float[] velocity;
        float[] grad;
        boolean accumulate;

        private WeightStep(Kind kind, float momentum, float lambda, boolean decayBiases) {
            this.kind = kind;
            this.momentum = momentum;
            this.lambda = lambda;
            this.decayBiases = decayBiases;
        }

        /**
         * W^l ← W^l − η·∂E/∂W^l (seed 004: w ← w + η·δ·o with δ = −Δ); with L2 decay the weights are
         * first scaled by (1 − ηλ).
         */
        public static WeightStep descent(float lambda, boolean decayBiases) {
            return new WeightStep(Kind.DESCENT, 0f, lambda, decayBiases);
        }

        /**
         * V^l ← α·V^l − η·∂E/∂W^l, W^l ← W^l + V^l (Rumelhart, Hinton &amp; Williams 1986, eq. 16);
         * L2 decay adds −ηλ·w to the velocity first. The velocity is in {@link Network#params()}'s layout.
         */
        public static WeightStep momentum(float momentum, float lambda, boolean decayBiases) {
            return new WeightStep(Kind.MOMENTUM, momentum, lambda, decayBiases);
        }

        /** The learning rate η of the next step. */
        public WeightStep rate(float eta) {
            this.eta = eta;
            return this;
        }

        /** The velocity Δw(t−1) the next momentum step reads and overwrites with Δw(t). */
        public WeightStep velocity(float[] v) {
            this.velocity = v;
            return this;
        }

        /** Writes (or with {@code accumulate} adds) ∂E/∂w into grad. */
        WeightStep into(float[] grad, boolean accumulate) {
            this.grad = grad;
            this.accumulate = accumulate;
            return this;
        }
    }

    /** This engine's gradient-writing step (the gradient vector is set per call). */
    private final WeightStep gradientStep = new WeightStep(WeightStep.Kind.GRADIENT, 0f, 0f, false);

    /**
     * The one backward pass: forward over rows {@code row .. row+m−1}, output deltas (× scale), then
     * for each layer from the output down: Δ^{l−1} = (Δ^l·W^l) ⊙ f'(NET^{l−1}) with W^l as it was
     * (seed 004 case 2), and the layer's weight step ({@link WeightStep}). With
     * {@code firstProductDone} NET¹ is already in o[1]; with {@code deferFirstUpdate} W¹'s weights
     * (not its biases) are left for the caller ({@link #descendOnline}).
     *
     * @return Σ_p E_p of the rows
     */
    private double pass(float[] x, float[] d, int row, int m, float scale, WeightStep step,
                        boolean firstProductDone, boolean deferFirstUpdate) {
        forward(x, row, m, firstProductDone);
        float[] p = net.params();
        int L = layers;
        double sumE = outputDelta(d, row * n[L], m, scale);
        for (int l = L; l >= 1; l--) {
            int nl = n[l], nprev = n[l - 1];
            if (l > 1) {
                // Δ^{l−1} = (Δ^l·W^l) ⊙ f'(NET^{l−1})   (δ_j = (Σ_k δ_k w_kj)·f'_j(net_j), seed 004 case 2)
                float[] dp = delta[l - 1];
                kernels.sgemm(false, false, m, nprev, nl, 1f, delta[l], 0, nl, p, net.weightOffset(l), nprev, 0f, dp, 0, nprev);
                net.activation(l - 1).multiplyDerivative(dp, o[l - 1], pre[l - 1], 0, m * nprev);
            }
            layerStep(step, l, m, l == 1 ? x : o[l - 1], l == 1 ? row * n[0] : 0, l == 1 && deferFirstUpdate);
        }
        return sumE;
    }

    /** Layer l's part of {@code step}: ∂E/∂W^l = (Δ^l)ᵀ·O^{l−1} (∂E/∂w_tu = δ_t·o_u, seed 004 / seed 001) written or applied. */
    private void layerStep(WeightStep s, int l, int m, float[] prev, int prevOff, boolean deferWeights) {
        float[] p = net.params();
        float[] dl = delta[l];
        int nl = n[l], nprev = n[l - 1];
        int w = net.weightOffset(l), b = net.biasOffset(l);
        if (s.kind == WeightStep.Kind.GRADIENT) {
            kernels.sgemm(true, false, nl, nprev, m, 1f, dl, 0, nl, prev, prevOff, nprev, s.accumulate ? 1f : 0f, s.grad, w, nprev);
            Elementwise.columnSums(dl, m, nl, s.grad, b, s.accumulate);   // ∂E/∂b^l = Σ_c Δ^l_{tc} (seed 001)
            return;
        }
        float eta = s.eta, lambda = s.lambda;
        int end = b + (s.decayBiases ? nl : 0);
        if (s.kind == WeightStep.Kind.DESCENT) {
            if (lambda != 0) {
                float keep = 1f - eta * lambda;
                for (int i = w; i < end; i++) p[i] *= keep;
            }
            // W^l ← W^l − η·(Δ^l)ᵀ·O^{l−1};  b^l ← b^l − η·Σ_rows Δ^l
            if (!deferWeights) kernels.sgemm(true, false, nl, nprev, m, -eta, dl, 0, nl, prev, prevOff, nprev, 1f, p, w, nprev);
            Elementwise.columnSums(dl, m, nl, biasSums, 0, false);
            for (int t = 0; t < nl; t++) p[b + t] -= eta * biasSums[t];
            return;
        }
        float[] velocity = s.velocity;
        float momentum = s.momentum, beta = momentum;
        if (lambda != 0) {
            // V ← α·V − ηλ·W (the decay part of −η·∂E/∂w), then the product below adds −η·ΔᵀO
            float el = eta * lambda;
            for (int i = w; i < end; i++) velocity[i] = momentum * velocity[i] - el * p[i];
            if (!s.decayBiases) for (int t = b; t < b + nl; t++) velocity[t] *= momentum;
            beta = 1f;
        }
        // V^l ← β·V^l − η·(Δ^l)ᵀ·O^{l−1};  W^l ← W^l + V^l   (block by block)
        if (!deferWeights) kernels.sgemmAddTo(true, false, nl, nprev, m, -eta, dl, 0, nl, prev, prevOff, nprev, beta, velocity, w, nprev, p, w);
        // v_b ← β·v_b − η·Σ_rows Δ^l;  b^l ← b^l + v_b
        Elementwise.columnSums(dl, m, nl, biasSums, 0, false);
        for (int t = 0; t < nl; t++) {
            float v = Elementwise.flush(beta * velocity[b + t] - eta * biasSums[t]);
            velocity[b + t] = v;
            p[b + t] += v;
        }
    }

    /** Rows per pass for large batches. */
    public static final int CHUNK = 2048;

    /**
     * Rows per pass within a group of a large batch: the largest power of two (64 .. {@link #CHUNK})
     * whose inputs take at most 1 MB (2¹⁸ floats; 256 rows of 784 inputs), so that a pass's inputs
     * are still in the core's L2 cache when its weight gradient reads them again after the forward
     * pass; the input matrix then comes from memory once per gradient instead of twice
     * (docs/ENGINE.md). Depends only on the layer sizes, so the summation order (and the result) does not depend on
     * the thread count.
     */
    final int groupChunk;

    /** grad += λ·w for weights (and biases if asked): the gradient of λ/2‖W‖² (seed 002). */
    private void addDecay(float[] grad, float lambda, boolean decayBiases) {
        float[] p = net.params();
        for (int l = 1; l <= layers; l++) {
            int w = net.weightOffset(l);
            int end = net.biasOffset(l) + (decayBiases ? n[l] : 0);
            for (int i = w; i < end; i++) grad[i] += lambda * p[i];
        }
    }

    /** λ/2‖W‖² (biases included only if asked), in double. */
    public static double decayPenalty(Network net, double lambda, boolean decayBiases) {
        if (lambda == 0) return 0;
        float[] p = net.params();
        double s = 0;
        for (int l = 1; l <= net.layers(); l++) {
            int end = net.biasOffset(l) + (decayBiases ? net.size(l) : 0);
            for (int i = net.weightOffset(l); i < end; i++) s += (double) p[i] * p[i];
        }
        return 0.5 * lambda * s;
    }

    /**
     * Output deltas Δ^L = scale·f'(net)⊙∂E_p/∂o into delta[L]; returns Σ_p E_p.
     * Canonical pairs use the fused form o − d (seed 003, eqs. 31·33 and 40; seed 002).
     */
    private double outputDelta(float[] d, int dOff, int m, float scale) {
        int nL = n[layers];
        float[] out = o[layers];
        float[] dl = delta[layers];
        Activation f = net.outputActivation();
        double sumE = 0;
        if (loss.fusesWith(f)) {
            for (int i = 0; i < m * nL; i++) dl[i] = scale * (out[i] - d[dOff + i]);
        } else if (f == Activation.SOFTMAX) {
            // δ_i = Σ_k ∂E/∂o_k · o_k(δ_ik − o_i)  (seed 003, eq. 39–40)
            for (int r = 0; r < m; r++) {
                int s = r * nL;
                double dot = 0;
                for (int k = 0; k < nL; k++) dot += loss.unitErrorDerivative(out[s + k], d[dOff + s + k]) * out[s + k];
                for (int i = 0; i < nL; i++) {
                    double g = loss.unitErrorDerivative(out[s + i], d[dOff + s + i]);
                    dl[s + i] = (float) (scale * out[s + i] * (g - dot));
                }
            }
        } else {
            // δ_k = f'(net_k)·∂E/∂o_k  (seed 004 case 1, with our sign)
            for (int i = 0; i < m * nL; i++) {
                dl[i] = (float) (scale * loss.unitErrorDerivative(out[i], d[dOff + i]) * f.derivative(netOut[i], out[i]));
            }
        }
        // Σ_p E_p, from net where that is exact (log-losses)
        if (loss == Loss.CROSS_ENTROPY && f == Activation.SOFTMAX) {
            for (int r = 0; r < m; r++) {
                int s = r * nL;
                double lse = rowLse[r];   // ln Σ_k e^{net_k}, from the forward pass's softmax
                for (int k = 0; k < nL; k++) {
                    float dk = d[dOff + s + k];
                    if (dk != 0f) sumE += dk * (lse - netOut[s + k]);   // −d_k·log o_k
                }
            }
        } else if (loss == Loss.BINARY_CROSS_ENTROPY && f == Activation.LOGISTIC) {
            for (int i = 0; i < m * nL; i++) {
                double z = netOut[i];
                // −[d log σ(z) + (1−d) log(1−σ(z))] = max(z,0) − d·z + log(1+e^−|z|)
                sumE += Math.max(z, 0) - d[dOff + i] * z + Math.log1p(Math.exp(-Math.abs(z)));
            }
        } else {
            for (int i = 0; i < m * nL; i++) sumE += loss.unitError(out[i], d[dOff + i]);
        }
        return sumE;
    }
}
