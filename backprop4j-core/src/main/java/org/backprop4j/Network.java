package org.backprop4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fully connected feed-forward network (multi-layer perceptron): layers l = 1..L, layer l has
 * n_l units, weights W^l (n_l × n_{l−1}, row t holds the weights w_tu into unit t) and biases b^l.
 * Forward pass (seed 001/002): net^l = W^l·o^{l−1} + b^l, o^l = f_l(net^l), o^0 = x.
 *
 * <p>All parameters live in one flat float array ({@link #params()}): for each layer, W^l row-major,
 * then b^l. Optimizers work on that vector directly. A bias is a weight on a constant input 1
 * (seed 002: W̃ = [b W], x̃ = [1 x]).
 */
public final class Network {
    private final int[] sizes;          // n_0 .. n_L
    private final Activation[] act;     // act[l] for l = 1..L (act[0] unused)
    private final int[] wOff;           // offset of W^l in params
    private final int[] bOff;           // offset of b^l in params
    private final float[] params;

    public Network(int[] sizes, Activation[] activations) {
        if (sizes.length < 2) throw new IllegalArgumentException("a network needs an input size and at least one layer");
        if (activations.length != sizes.length - 1) {
            throw new IllegalArgumentException("need one activation per layer: " + (sizes.length - 1));
        }
        for (int s : sizes) if (s <= 0) throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
        for (int l = 0; l < activations.length - 1; l++) {
            if (activations[l] == Activation.SOFTMAX) throw new IllegalArgumentException("softmax is only allowed on the output layer");
        }
        this.sizes = sizes.clone();
        int layers = sizes.length - 1;
        this.act = new Activation[layers + 1];
        System.arraycopy(activations, 0, act, 1, layers);
        this.wOff = new int[layers + 1];
        this.bOff = new int[layers + 1];
        long off = 0;
        for (int l = 1; l <= layers; l++) {
            wOff[l] = (int) off;
            off += (long) sizes[l] * sizes[l - 1];
            bOff[l] = (int) off;
            off += sizes[l];
            if (off > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("network too large: " + off + " parameters");
        }
        this.params = new float[(int) off];
    }

    /** Starts a network description with the given number of inputs. */
    public static Builder builder(int inputs) {
        return new Builder(inputs);
    }

    /** Number of layers L (hidden layers + output layer). */
    public int layers() { return sizes.length - 1; }
    /** n_l; n_0 is the number of inputs. */
    public int size(int l) { return sizes[l]; }
    public int inputs() { return sizes[0]; }
    public int outputs() { return sizes[sizes.length - 1]; }
    public int[] sizes() { return sizes.clone(); }
    /** f_l for l = 1..L. */
    public Activation activation(int l) {
        if (l < 1 || l > layers()) throw new IndexOutOfBoundsException("layer " + l);
        return act[l];
    }
    public Activation outputActivation() { return act[layers()]; }
    /** The live parameter vector (W^1, b^1, W^2, b^2, ...). */
    public float[] params() { return params; }
    public int paramCount() { return params.length; }
    public int weightOffset(int l) { return wOff[l]; }
    public int biasOffset(int l) { return bOff[l]; }

    /** w_tu of layer l: weight from unit u of layer l−1 into unit t of layer l (0-based). */
    public float weight(int l, int t, int u) {
        return params[wOff[l] + t * sizes[l - 1] + u];
    }
    public void setWeight(int l, int t, int u, float v) {
        params[wOff[l] + t * sizes[l - 1] + u] = v;
    }
    public float bias(int l, int t) {
        return params[bOff[l] + t];
    }
    public void setBias(int l, int t, float v) {
        params[bOff[l] + t] = v;
    }

    /** Whether parameter index i is a bias (for decay masks). */
    public boolean isBias(int i) {
        for (int l = 1; l <= layers(); l++) {
            if (i >= bOff[l] && i < bOff[l] + sizes[l]) return true;
        }
        return false;
    }

    /** Sets all parameters from a vector of the same length. */
    public void setParams(float[] p) {
        if (p.length != params.length) throw new IllegalArgumentException("expected " + params.length + " parameters, got " + p.length);
        System.arraycopy(p, 0, params, 0, p.length);
    }

    /** A deep copy. */
    public Network copy() {
        Activation[] a = Arrays.copyOfRange(act, 1, act.length);
        Network n = new Network(sizes, a);
        System.arraycopy(params, 0, n.params, 0, params.length);
        return n;
    }

    /** e.g. {@code 2-2(logistic)-1(logistic)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder().append(sizes[0]);
        for (int l = 1; l <= layers(); l++) sb.append('-').append(sizes[l]).append('(').append(act[l].id()).append(')');
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Network[" + describe() + ", " + params.length + " parameters]";
    }

    /** Fluent description of the architecture. */
    public static final class Builder {
        private final int inputs;
        private final List<Integer> sizes = new ArrayList<>();
        private final List<Activation> acts = new ArrayList<>();

        Builder(int inputs) {
            this.inputs = inputs;
        }

        /** Adds a fully connected layer of n units with activation f. */
        public Builder layer(int n, Activation f) {
            sizes.add(n);
            acts.add(f);
            return this;
        }

        public Network build() {
            int[] s = new int[sizes.size() + 1];
            s[0] = inputs;
            for (int i = 0; i < sizes.size(); i++) s[i + 1] = sizes.get(i);
            return new Network(s, acts.toArray(new Activation[0]));
        }

        /** Builds and initialises with the given scheme and seed. */
        public Network build(Init init, long seed) {
            Network n = build();
            init.initialize(n, new Rng(seed));
            return n;
        }
    }
}
