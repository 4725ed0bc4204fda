package org.backprop4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.backprop4j.Loss;
import org.backprop4j.data.JacobsExample;
import org.backprop4j.reference.Explainer;
import org.backprop4j.reference.ReferenceNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a pattern's forward values, deltas and gradients from the reference engine. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Print one pattern's forward values, deltas and gradients in the seeds' notation (reference engine).")
final class ExplainCommand implements Callable<Integer> {

    @Option(names = "--jacobs", required = true, description = "Seed 003's worked 2-2-2 example (Jacobs 2008).")
    boolean jacobs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Jacobs' example (seed 003): logistic hidden units, linear outputs, E_p = ½Σ(d − o)²");
        out.println("(Jacobs differentiates log L = −E, so his eqs. 16–25 are the negatives of ∂E/∂w below.)");
        out.print(Explainer.explain(new ReferenceNetwork(JacobsExample.network(), Loss.SSE), JacobsExample.X, JacobsExample.D));
        return 0;
    }
}
