package org.backprop4j;

import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ScratchPool;

/**
 * Thread-safe predictions from a trained network: any number of threads, platform or virtual, may
 * call it at once. A call borrows an engine (its activation buffers) from a bounded pool shared by
 * all threads and returns it when it ends, so the engines made depend on how many calls run at
 * once, not on how many threads ever called. The network's weights are only read, so they must not
 * be changed (e.g. by training) while predictions run.
 */
public final class Predictor {
    private final Network net;
    private final ScratchPool<Backprop> engines;

    public Predictor(Network net, Loss loss) {
        this(net, loss, KernelProvider.get());
    }

    public Predictor(Network net, Loss loss, Kernels kernels) {
        this.net = net;
        this.engines = new ScratchPool<>(() -> new Backprop(net, loss, kernels));
    }

    /** {@return how many engines this predictor has made} For tests. */
    long enginesCreated() {
        return engines.created();
    }

    public Network network() {
        return net;
    }

    /** Outputs for one pattern (a new array). */
    public float[] predict(float[] x) {
        if (x.length != net.inputs()) throw new IllegalArgumentException("expected " + net.inputs() + " inputs, got " + x.length);
        Backprop e = engines.borrow();
        try {
            // the engine's buffer may be longer (sized by an earlier batch): copy this pattern's outputs only
            return java.util.Arrays.copyOf(e.forward(x, 0, 1), net.outputs());
        } finally {
            engines.release(e);
        }
    }

    /** Outputs for m patterns stored row-major in x (a new m×outputs array). */
    public float[] predict(float[] x, int m) {
        if (m < 0) throw new IllegalArgumentException("a negative number of patterns: " + m);
        if (x.length < (long) m * net.inputs()) throw new IllegalArgumentException("x holds fewer than " + m + " patterns");
        float[] out = new float[m * net.outputs()];
        Backprop e = engines.borrow();
        try {
            int batch = 256;
            for (int row = 0; row < m; row += batch) {
                int b = Math.min(batch, m - row);
                float[] o = e.forward(x, row, b);
                System.arraycopy(o, 0, out, row * net.outputs(), b * net.outputs());
            }
        } finally {
            engines.release(e);
        }
        return out;
    }

    /** The predicted class of one pattern (argmax, or output ≥ 0.5 for a single output). */
    public int classify(float[] x) {
        float[] o = predict(x);
        return predictedClass(o, 0, o.length);
    }

    /** The class an output row predicts: the argmax, or output ≥ 0.5 for a single output. */
    public static int predictedClass(float[] out, int off, int n) {
        if (n == 1) return out[off] >= 0.5f ? 1 : 0;
        int best = 0;
        for (int k = 1; k < n; k++) if (out[off + k] > out[off + best]) best = k;
        return best;
    }
}
