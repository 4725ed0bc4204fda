package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Test;

/** {@link Optimizers#parse} and Nguyen–Widrow initialisation. */
class OptimizersTest {

    @Test
    void namesMakeTheRightRules() {
        assertInstanceOf(Sgd.class, Optimizers.create("sgd"));
        Sgd m = (Sgd) Optimizers.create("momentum:lr=0.05");
        assertEquals(0.05, m.learningRate());
        assertEquals(0.9, m.momentum());
        assertTrue(((Sgd) Optimizers.create("nesterov")).nesterov());
        assertEquals(Rprop.Variant.RPROP_PLUS, ((Rprop) Optimizers.create("rprop+")).variant());
        assertEquals(Rprop.Variant.RPROP_MINUS, ((Rprop) Optimizers.create("RPROP-")).variant());
        assertEquals(Rprop.Variant.IRPROP_PLUS, ((Rprop) Optimizers.create("irprop+")).variant());
        assertEquals(Rprop.Variant.IRPROP_MINUS, ((Rprop) Optimizers.create(" irprop- ")).variant());
        assertTrue(Optimizers.create("rprop+:delta0=0.05,deltamax=10").describe().contains("delta0=0.05"));
        assertInstanceOf(Quickprop.class, Optimizers.create("quickprop:lr=0.5,mu=2"));
        assertEquals("adam(lr=0.001,beta1=0.9,beta2=0.999,eps=1.0E-8)", Optimizers.create("adam").describe());
        assertTrue(Optimizers.create("adamw").describe().contains("decay=0.01"));
        assertInstanceOf(RmsProp.class, Optimizers.create("rmsprop"));
        assertInstanceOf(AdaGrad.class, Optimizers.create("adagrad"));
        assertInstanceOf(Lbfgs.class, Optimizers.create("lbfgs:m=5"));
        assertInstanceOf(ScaledConjugateGradient.class, Optimizers.create("scg"));
        assertInstanceOf(LevenbergMarquardt.class, Optimizers.create("lm"));
        assertTrue(Optimizers.isFullBatch("lbfgs") && Optimizers.isFullBatch("scg") && Optimizers.isFullBatch("lm"));
        assertFalse(Optimizers.isFullBatch("irprop-"));
        for (String n : Optimizers.NAMES) Optimizers.create(n);
        // a supplier gives fresh instances (no state shared between training runs)
        var s = Optimizers.parse("adam");
        assertTrue(s.get() != s.get());
    }

    @Test
    void badSpecsFailWithAClearMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("adamm"));
        assertTrue(e.getMessage().contains("unknown optimizer 'adamm'") && e.getMessage().contains("irprop-"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("adam:momentum=0.9"));
        assertTrue(e.getMessage().contains("unknown setting 'momentum'") && e.getMessage().contains("beta1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("sgd:lr=fast"));
        assertTrue(e.getMessage().contains("lr must be a number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("sgd:lr=-1"));
        assertTrue(e.getMessage().contains("learning rate must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("lbfgs:m=2.5"));
        assertTrue(e.getMessage().contains("m must be a whole number, found '2.5'"), e.getMessage());
        assertEquals("lbfgs(m=3,gtol=1.0E-5)", Optimizers.create("lbfgs:m=3").describe());
        assertThrows(IllegalArgumentException.class, () -> Optimizers.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.parse("sgd:lr"));
    }

    @Test
    void nguyenWidrowScalesEachUnitToBeta() {
        Network net = Network.builder(4).layer(9, Activation.TANH).layer(3, Activation.LOGISTIC).build();
        Init nw = Init.parse("nguyen-widrow");
        nw.initialize(net, new Rng(5));
        for (int l = 1; l <= 2; l++) {
            int nIn = net.size(l - 1), h = net.size(l);
            double beta = 0.7 * Math.pow(h, 1.0 / nIn);      // Nguyen & Widrow 1990: 0.7·H^{1/n}
            for (int t = 0; t < h; t++) {
                double norm = 0;
                for (int u = 0; u < nIn; u++) norm += net.weight(l, t, u) * (double) net.weight(l, t, u);
                assertEquals(beta, Math.sqrt(norm), 1e-6 * beta, "layer " + l + " unit " + t);   // float rounding
                assertTrue(Math.abs(net.bias(l, t)) <= beta);
            }
        }
        assertEquals(0.7 * Math.pow(9, 0.25), 0.7 * Math.sqrt(3), 1e-12);   // β for the hidden layer = 1.212…
        Network again = Network.builder(4).layer(9, Activation.TANH).layer(3, Activation.LOGISTIC).build();
        nw.initialize(again, new Rng(5));
        assertEquals(java.util.Arrays.toString(net.params()), java.util.Arrays.toString(again.params()));
        assertEquals("nguyen-widrow", Init.parse("nw").id());
    }
}
