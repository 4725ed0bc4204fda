package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The network's shape, its parameter layout, and the combinations it refuses. */
class NetworkTest {

    @Test
    void layersOfAnyCountAndWidthShareOneParameterVector() {
        Network net = Network.builder(3).layer(5, Activation.RELU).layer(1, Activation.TANH).layer(4, Activation.LEAKY_RELU)
                .layer(2, Activation.SOFTMAX).build();
        assertEquals(4, net.layers());
        assertEquals("3-5(relu)-1(tanh)-4(leaky_relu)-2(softmax)", net.describe());
        assertEquals(5 * 3 + 5 + 1 * 5 + 1 + 4 * 1 + 4 + 2 * 4 + 2, net.paramCount());
        // W^l row-major (row t = weights into unit t), then b^l, layer after layer
        int i = 0;
        for (int l = 1; l <= net.layers(); l++) {
            assertEquals(i, net.weightOffset(l));
            for (int t = 0; t < net.size(l); t++) {
                for (int u = 0; u < net.size(l - 1); u++) {
                    net.setWeight(l, t, u, i);
                    assertFalse(net.isBias(i));
                    assertEquals(i, net.params()[i++], 0f);
                }
            }
            assertEquals(i, net.biasOffset(l));
            for (int t = 0; t < net.size(l); t++) {
                net.setBias(l, t, -i);
                assertTrue(net.isBias(i));
                assertEquals(-i, net.params()[i++], 0f);
            }
        }
        assertEquals(net.paramCount(), i);
    }

    @Test
    void softmaxOnlyOnTheOutputLayer() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Network.builder(2).layer(3, Activation.SOFTMAX).layer(2, Activation.SOFTMAX).build());
        assertEquals("softmax is only allowed on the output layer", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Network.builder(2).layer(0, Activation.TANH).build());
        assertThrows(IllegalArgumentException.class, () -> Network.builder(2).build());
    }

    @Test
    void lossesNeedOutputsInTheirRange() {
        for (Activation out : new Activation[] {Activation.IDENTITY, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU,
                Activation.SOFTPLUS, Activation.ELU, Activation.GELU, Activation.SIN}) {
            Network net = Network.builder(2).layer(2, out).build();
            var ce = assertThrows(IllegalArgumentException.class, () -> new Backprop(net, Loss.CROSS_ENTROPY));
            assertEquals("cross-entropy needs softmax outputs, not " + out.id(), ce.getMessage());
            var bce = assertThrows(IllegalArgumentException.class, () -> new Backprop(net, Loss.BINARY_CROSS_ENTROPY));
            assertEquals("binary cross-entropy needs logistic outputs, not " + out.id(), bce.getMessage());
            new Backprop(net, Loss.SSE);   // sums of squares take any output
            new Backprop(net, Loss.MSE);
            new Backprop(net, Loss.MAE);
            new Backprop(net, Loss.HUBER);
        }
    }

    /** Issue 22.4: −Σ d log o with logistic outputs never pushes a d = 0 output down, so it is refused, naming both fixes. */
    @Test
    void crossEntropyWithLogisticOutputsIsRefusedNamingSoftmaxAndBce() {
        Network net = Network.builder(2).layer(3, Activation.LOGISTIC).build();
        var e = assertThrows(IllegalArgumentException.class, () -> new Backprop(net, Loss.CROSS_ENTROPY));
        assertEquals("cross-entropy (ce) needs softmax outputs (one class per pattern); for logistic outputs, each an "
                + "independent yes/no (multi-label), use bce", e.getMessage());
        new Backprop(net, Loss.BINARY_CROSS_ENTROPY);
    }
}
