package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.backprop4j.Activation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The vector loops' background warm-up compiles the loops of the activations a run declares
 * ({@link Elementwise#expectActivations}) and those every run needs, not the others: a ReLU network
 * with a softmax output (W1) does not wait for the logistic and tanh loops to be compiled.
 */
class ElementwiseWarmUpLoopsTest {
    @AfterEach
    void reset() {
        Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
    }

    @Test
    void aRoundCallsTheDeclaredActivationsLoopsAndThoseEveryRunNeeds() {
        Elementwise.expectActivations(List.of(Activation.RELU, Activation.RELU, Activation.SOFTMAX));
        assertEquals(Set.of("expShifted", "derivative 3", "scale", "flushAdd", "addToRows", "columnSums"), round(Elementwise.warmLoops()));

        Elementwise.expectActivations(List.of(Activation.TANH, Activation.LOGISTIC, Activation.IDENTITY));
        assertEquals(Set.of("logistic", "tanh", "derivative 1", "derivative 2", "scale", "flushAdd", "addToRows", "columnSums"),
                round(Elementwise.warmLoops()));

        Elementwise.expectActivations(List.of(Activation.LEAKY_RELU, Activation.SOFTMAX));
        assertEquals(Set.of("expShifted", "derivative 4", "scale", "flushAdd", "addToRows", "columnSums"), round(Elementwise.warmLoops()));
    }

    @Test
    void withoutADeclarationOrWithNoLoopsOfTheirOwnEveryLoopIsCompiled() {
        Set<String> all = Set.of("expShifted", "logistic", "tanh", "derivative 1", "derivative 2", "derivative 3", "derivative 4", "scale",
                "flushAdd", "addToRows", "columnSums");
        assertEquals(all, round(Elementwise.warmLoops()));
        Elementwise.expectActivations(List.of(Activation.IDENTITY, Activation.SOFTPLUS));
        assertEquals(all, round(Elementwise.warmLoops()));
    }

    /** The loops one warm-up round calls with these bits. */
    private static Set<String> round(int loops) {
        List<String> calls = new ArrayList<>();
        Elementwise.Impl recorder = new Elementwise.Impl() {
            public void logistic(float[] a, int off, int len) { calls.add("logistic"); }
            public void tanh(float[] a, int off, int len) { calls.add("tanh"); }
            public void expShifted(float[] a, int off, int len, float shift) { calls.add("expShifted"); }
            public void scale(float[] a, int off, int len, float s) { calls.add("scale"); }
            public void flushAdd(float[] c, int ci, float[] w, int wi, int len) { calls.add("flushAdd"); }
            public void multiplyDerivative(int f, float[] g, float[] o, int off, int len) { calls.add("derivative " + f); }
            public void columnSums(float[] d, int m, int n, float[] dst, int dstOff, boolean accumulate) { calls.add("columnSums"); }
            public void addToRows(float[] a, int off, int m, int n, float[] v, int vOff) { calls.add("addToRows"); }
            public String name() { return "recorder"; }
        };
        int m = 2, n = 128;
        Elementwise.warmRound(recorder, loops, new float[m * n], new float[m * n], new float[m * n], new float[m * n], new float[n], m, n);
        assertEquals(new TreeSet<>(calls).size(), calls.size(), "each loop once: " + calls);
        return new TreeSet<>(calls);
    }
}
