package org.backprop4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;

/**
 * The architecture and loss of a network in a form Spark can ship to executors (the library's
 * {@link Network} is not {@link Serializable}): layer sizes, one activation per layer, the loss.
 */
record NetSpec(int[] sizes, Activation[] activations, Loss loss) implements Serializable {

    NetSpec {
        sizes = sizes.clone();
        activations = activations.clone();
    }

    static NetSpec of(Network net, Loss loss) {
        Activation[] a = new Activation[net.layers()];
        for (int l = 1; l <= net.layers(); l++) a[l - 1] = net.activation(l);
        return new NetSpec(net.sizes(), a, loss);
    }

    /** A network of this shape holding {@code params} (copied). */
    Network build(float[] params) {
        Network n = new Network(sizes, activations);
        n.setParams(params);
        return n;
    }

    int inputs() { return sizes[0]; }
    int outputs() { return sizes[sizes.length - 1]; }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetSpec s && Arrays.equals(sizes, s.sizes) && Arrays.equals(activations, s.activations) && loss == s.loss;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(sizes) + Arrays.hashCode(activations)) + loss.hashCode();
    }

    @Override
    public String toString() {
        return Arrays.toString(sizes) + " " + Arrays.toString(activations) + " " + loss.id();
    }
}
