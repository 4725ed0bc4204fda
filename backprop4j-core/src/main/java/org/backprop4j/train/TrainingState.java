package org.backprop4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a run's update rule left off, kept with a model so that training it again continues the
 * rule instead of starting it afresh (a warm start, as scikit-learn's {@code warm_start} and
 * {@code partial_fit}; {@link Trainer#continueFrom}): the rule's own state (Adam's moments, the
 * momentum velocity, Rprop's step sizes, Quickprop's previous slopes, the L-BFGS memory, LM's μ,
 * Bayesian regularisation's α and β, ...: {@link Optimizer#exportState()}), the epoch count that
 * learning-rate schedules read, and the shuffling generator's stream. Two runs of 50 epochs, the
 * second continuing the first, give the weights of one run of 100, bit for bit.
 *
 * <p>The state only fits the run it came from: {@link #rule} records the settings it depends on
 * (network, loss, update rule with its schedule and clipping, presentation and batch size, decay)
 * and a run with other ones starts the rule fresh. A {@link Checkpoint} holds the same state and
 * more (history, early stopping, divergence restarts) for resuming an interrupted run.
 *
 * @param rule            the settings the state belongs to, {@code key=value;…}
 * @param seed            the seed of the shuffling generator's stream
 * @param epochs          epochs completed in all (a continued run numbers its epochs from here)
 * @param updates         weight updates made in all
 * @param rngState        the shuffling generator's state (the pattern order it left is rebuilt from the seed:
 *                        the generator serves only the shuffles, so replaying them until it reaches this state
 *                        gives the order back without storing one number per pattern)
 * @param lrFactor        the factor divergence restarts left on the learning rate (1, ½, ¼, …)
 * @param optimizerState  {@link Optimizer#exportState()} at the end of the run
 * @param dataSize        patterns in the training set the state was made on
 * @param dataFingerprint {@link Checkpoint#fingerprint} of that set
 */
public record TrainingState(String rule, long seed, int epochs, long updates, long rngState, double lrFactor,
                           double[] optimizerState, int dataSize, long dataFingerprint) {

    /** Checks the parts that can be checked alone (a model file's section is read into this). */
    public TrainingState {
        if (rule == null || rule.contains("\n")) throw new IllegalArgumentException("the rule's settings must be one line");
        if (epochs < 0) throw new IllegalArgumentException("epochs must be ≥ 0: " + epochs);
        if (updates < 0) throw new IllegalArgumentException("updates must be ≥ 0: " + updates);
        if (!(lrFactor > 0 && lrFactor <= 1)) throw new IllegalArgumentException("the learning-rate factor must be in (0, 1]: " + lrFactor);
        if (dataSize < 1) throw new IllegalArgumentException("the training set had " + dataSize + " patterns");
        optimizerState = optimizerState.clone();
    }

    @Override
    public double[] optimizerState() { return optimizerState.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingState t && rule.equals(t.rule) && seed == t.seed && epochs == t.epochs && updates == t.updates
                && rngState == t.rngState && Double.compare(lrFactor, t.lrFactor) == 0
                && Arrays.equals(optimizerState, t.optimizerState) && dataSize == t.dataSize && dataFingerprint == t.dataFingerprint;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rule.hashCode() + epochs) + Arrays.hashCode(optimizerState);
    }

    @Override
    public String toString() {
        return "TrainingState[" + rule + "; epochs=" + epochs + ", updates=" + updates + ", " + optimizerState.length + " state values]";
    }

    /**
     * Which entries of two {@code key=value;…} descriptions differ, as "key=a in X, key=b in this
     * run; …" in the order of ours (then keys only theirs has), an entry one side lacks as
     * "no key", or null when they are equal ({@code where} names the first, e.g. "the checkpoint").
     */
    static String differences(String theirs, String ours, String where) {
        if (theirs.equals(ours)) return null;
        java.util.Map<String, String> a = entries(theirs), b = entries(ours);
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(b.keySet());
        keys.addAll(a.keySet());
        List<String> diff = new ArrayList<>();
        for (String k : keys) {
            String x = a.get(k), y = b.get(k);
            if (java.util.Objects.equals(x, y)) continue;
            diff.add((x == null ? "no " + k : k + "=" + x) + " in " + where + ", " + (y == null ? "no " + k : k + "=" + y) + " in this run");
        }
        return "its settings differ: " + String.join("; ", diff);
    }

    /** The entries of a {@code key=value;…} description, in order (an entry without '=' is its own key). */
    static java.util.Map<String, String> entries(String s) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String e : s.split(";")) {
            int eq = e.indexOf('=');
            m.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
        }
        return m;
    }
}
