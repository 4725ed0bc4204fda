package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command line end to end, in-process: outputs and exit codes. */
class CliTest {

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void demoSolvesXorAndMonk1() {
        Result r = run("demo");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("hidden  unit 1: net = 4.000000, o = logistic(net) = 0.982014"), r.out());
        // seed 000's history (issue 22.7): the perceptron converges on AND (traced in ThresholdUnitTest) and cycles on XOR
        assertTrue(r.out().contains("  AND, perceptron (threshold unit, Δw = η(d − o)x, η = 1): errors per epoch [1, 3, 3, 2, 1, 0] → converged: w = (2, 1), b = -2"), r.out());
        assertTrue(r.out().contains("it cycles for ever (not linearly separable)"), r.out());
        assertTrue(r.out().contains("  AND, delta rule (linear unit, LMS, η = 0.05, 500 epochs): w = (0.53, 0.51), b = -0.26, E = 0.126, 0 of 4 misclassified"), r.out());
        assertTrue(r.out().contains("  accuracy 100%"), r.out());
        Matcher m = Pattern.compile("test accuracy on all 432 patterns ([0-9.]+)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) >= 95.0, "MONK-1 test accuracy " + m.group(1));
    }

    @Test
    void explainJacobs() {
        Result r = run("explain", "--jacobs");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("output  unit 2: δ = d − o = -0.984486"), r.out());
    }

    @Test
    void gradcheckPassesForEveryDefaultPair() {
        for (String[] a : new String[][] {{"tanh", "softmax", "ce"}, {"logistic", "logistic", "bce"}, {"relu", "identity", "mse"}}) {
            Result r = run("gradcheck", "--activation", a[0], "--output", a[1], "--loss", a[2]);
            assertEquals(0, r.code(), r.out() + r.err());
            assertFalse(r.out().contains("FAIL"), r.out());
        }
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        Result r = run("gradcheck", "--loss", "nonsense");
        assertEquals(2, r.code());
        assertEquals("backprop4j: unknown loss 'nonsense' (expected sse, mse, bce, ce, mae or huber)", r.err().strip());
        assertFalse(r.err().contains("at org."), "no stack trace");
    }
}
