package org.backprop4j.train;

import java.util.List;

/**
 * A partition of the parameters into classes that share a prior precision α_c in Bayesian
 * regularisation (MacKay 1992b, "A practical Bayesian framework for backpropagation networks":
 * one regulariser per class of weights, so that the prior does not depend on the scale of the
 * inputs and outputs, which a single α over all weights does).
 *
 * @param classOf the class of every parameter, 0 .. names.size() − 1, in {@link org.backprop4j.Network#params()} order
 * @param names   what each class holds, e.g. "layer 1 weights"
 */
public record WeightClasses(int[] classOf, List<String> names) {

    /** Checks that every class index is in range and every class has a parameter. */
    public WeightClasses {
        names = List.copyOf(names);
        classOf = classOf.clone();
        int[] count = new int[names.size()];
        for (int c : classOf) {
            if (c < 0 || c >= count.length) throw new IllegalArgumentException("class " + c + " of " + names.size());
            count[c]++;
        }
        for (int c = 0; c < count.length; c++) {
            if (count[c] == 0) throw new IllegalArgumentException("class '" + names.get(c) + "' holds no parameter");
        }
    }

    /** One class holding all n parameters (MATLAB trainbr's single α). */
    public static WeightClasses single(int n) {
        return new WeightClasses(new int[n], List.of("all parameters"));
    }

    /** Number of classes. */
    public int count() {
        return names.size();
    }

    /** Parameters in each class. */
    public int[] sizes() {
        int[] k = new int[names.size()];
        for (int c : classOf) k[c]++;
        return k;
    }

    @Override
    public int[] classOf() {
        return classOf.clone();
    }
}
