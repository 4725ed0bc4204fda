package org.backprop4j.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.Loss;
import org.backprop4j.data.JacobsExample;
import org.junit.jupiter.api.Test;

class ExplainerTest {
    @Test
    void explainsJacobsExampleWithHisNumbers() {
        String s = Explainer.explain(new ReferenceNetwork(JacobsExample.network(), Loss.SSE), JacobsExample.X, JacobsExample.D);
        // forward: net 4 and 6, h = 0.982/0.998, y = 0.984 (seed 003)
        assertTrue(s.contains("hidden  unit 1: net = 4.000000, o = logistic(net) = 0.982014"), s);
        assertTrue(s.contains("hidden  unit 2: net = 6.000000, o = logistic(net) = 0.997527"), s);
        assertTrue(s.contains("output  unit 1: net = 0.984486"), s);
        // output deltas d − o: 1 − 0.984486 and 0 − 0.984486 (σ(4) − σ(6) + 1 = 0.9844864)
        assertTrue(s.contains("output  unit 1: δ = d − o = 0.015514"), s);
        assertTrue(s.contains("output  unit 2: δ = d − o = -0.984486"), s);
        // eq. 16 negated: −(1 − 0.984)(0.982)
        assertTrue(s.contains("w_11 = 1.000000: ∂E/∂w = −(0.015514)·(0.982014) = -0.015235"), s);
    }
}
