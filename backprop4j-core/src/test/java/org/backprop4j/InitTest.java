package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Initialisation schemes: their ranges, zero biases where stated, and reproducibility. */
class InitTest {

    static Network net() {
        return Network.builder(100).layer(50, Activation.RELU).layer(10, Activation.SOFTMAX).build();
    }

    /** Max |w| over layer l's weights (and biases if asked). */
    static double maxAbs(Network n, int l, boolean biases) {
        double m = 0;
        int end = n.biasOffset(l) + (biases ? n.size(l) : 0);
        for (int i = n.weightOffset(l); i < end; i++) m = Math.max(m, Math.abs(n.params()[i]));
        return m;
    }

    @Test
    void rangesFollowTheirFormulas() {
        Network x = net(), h = net(), f = net(), u = net();
        Init.xavier().initialize(x, new Rng(1));
        Init.he().initialize(h, new Rng(1));
        Init.fanIn().initialize(f, new Rng(1));
        Init.uniform(0.3).initialize(u, new Rng(1));
        // with 5000 draws the largest |w| is within 0.2% of the bound (P(all below 0.998·r) = 0.998^5000 ≈ 5e-5)
        double xb = Math.sqrt(6.0 / 150), hb = Math.sqrt(6.0 / 100), fb = 1 / Math.sqrt(100);
        assertTrue(maxAbs(x, 1, false) <= xb && maxAbs(x, 1, false) > 0.998 * xb);
        assertTrue(maxAbs(h, 1, false) <= hb && maxAbs(h, 1, false) > 0.998 * hb);
        assertTrue(maxAbs(f, 1, true) <= fb && maxAbs(f, 1, false) > 0.998 * fb);
        assertTrue(maxAbs(u, 1, true) <= 0.3 && maxAbs(u, 1, false) > 0.998 * 0.3);
        assertEquals(0.0, x.bias(1, 0));   // Xavier and He: zero biases
        assertEquals(0.0, h.bias(2, 3));
        assertTrue(f.bias(1, 0) != 0f && Math.abs(f.bias(2, 0)) <= 1 / Math.sqrt(50));   // fan-in: biases too
    }

    @Test
    void sameSeedSameWeights() {
        for (String s : new String[] {"xavier", "he", "fan-in", "uniform:0.5", "auto", "nguyen-widrow"}) {
            Network a = net(), b = net();
            Init.parse(s).initialize(a, new Rng(7));
            Init.parse(s).initialize(b, new Rng(7));
            assertArrayEquals(a.params(), b.params(), s);
        }
    }
}
