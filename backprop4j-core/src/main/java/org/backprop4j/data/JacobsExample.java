package org.backprop4j.data;

import org.backprop4j.Activation;
import org.backprop4j.Network;

/**
 * Seed 003's worked example (Jacobs 2008): a 2-2-2 network, logistic hidden units, linear outputs,
 * sum-of-squares error, input (1, 2), targets (1, 0).
 */
public final class JacobsExample {
    private JacobsExample() {}

    public static final double[] X = {1, 2};
    public static final double[] D = {1, 0};

    /** The network with Jacobs' weights (his Figure 1). */
    public static Network network() {
        Network net = Network.builder(2).layer(2, Activation.LOGISTIC).layer(2, Activation.IDENTITY).build();
        // input → hidden: both weights from x1 are 1; x2 → h1 is 1, x2 → h2 is 2; hidden biases 1
        net.setWeight(1, 0, 0, 1);
        net.setWeight(1, 0, 1, 1);
        net.setWeight(1, 1, 0, 1);
        net.setWeight(1, 1, 1, 2);
        net.setBias(1, 0, 1);
        net.setBias(1, 1, 1);
        // hidden → output: from h1 both 1, from h2 both −1; output biases 1
        net.setWeight(2, 0, 0, 1);
        net.setWeight(2, 0, 1, -1);
        net.setWeight(2, 1, 0, 1);
        net.setWeight(2, 1, 1, -1);
        net.setBias(2, 0, 1);
        net.setBias(2, 1, 1);
        return net;
    }
}
