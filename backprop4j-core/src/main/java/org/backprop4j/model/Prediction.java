package org.backprop4j.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's answer for one raw record: for classification the predicted class and every class's
 * probability; for regression the predicted values in the training data's units. Immutable.
 */
public final class Prediction {
    private final Task task;
    private final int classIndex;
    private final List<String> names;   // class names, or target names
    private final double[] values;      // raw outputs (classification) or regression values

    private Prediction(Task task, int classIndex, List<String> names, double[] values) {
        this.task = task;
        this.classIndex = classIndex;
        this.names = names;
        this.values = values;
    }

    /**
     * A classification answer from the network's outputs for one record.
     *
     * @param classNames the model's classes in output order (two for a single logistic output)
     * @param outputs    the outputs: one probability per class, or P(second class) for one logistic output
     */
    static Prediction classification(List<String> classNames, float[] outputs, int off, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = outputs[off + k];
        return new Prediction(Task.CLASSIFICATION, org.backprop4j.metrics.Evaluation.predictedClass(outputs, off, n), classNames, v);
    }

    /** A regression answer: values already in the data's units, named by the model's target names. */
    static Prediction regression(List<String> targetNames, float[] values, int off, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = values[off + k];
        return new Prediction(Task.REGRESSION, -1, targetNames, v);
    }

    /** {@return classification or regression} */
    public Task task() {
        return task;
    }

    /** {@return whether this is a class prediction} */
    public boolean isClassification() {
        return task == Task.CLASSIFICATION;
    }

    /** {@return the predicted class's index} Argmax, or output ≥ 0.5 for one logistic output; -1 for regression. */
    public int classIndex() {
        return classIndex;
    }

    /** {@return the predicted class's name; null for regression} */
    public String label() {
        return classIndex < 0 ? null : names.get(classIndex);
    }

    /**
     * {@return every class's probability, in the model's class order} Softmax outputs; for one
     * logistic output {@code 1 − o} and {@code o}; empty for regression.
     */
    public Map<String, Double> probabilities() {
        if (!isClassification()) return Map.of();
        Map<String, Double> m = new LinkedHashMap<>();
        if (values.length == 1) {
            m.put(names.get(0), 1 - values[0]);
            m.put(names.get(1), values[0]);
        } else {
            for (int k = 0; k < values.length; k++) m.put(names.get(k), values[k]);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The probability of one class.
     *
     * @param className one of the model's classes
     * @return its probability
     * @throws IllegalArgumentException if the model has no such class (or this is a regression)
     */
    public double probability(String className) {
        Double p = probabilities().get(className);
        if (p == null) throw new IllegalArgumentException("no class '" + className + "' (classes: " + probabilities().keySet() + ")");
        return p;
    }

    /** {@return the predicted values in the data's units (regression), or the network's raw outputs (classification)} A copy. */
    public double[] values() {
        return values.clone();
    }

    /**
     * The single regression value.
     *
     * @return the value in the data's units
     * @throws IllegalStateException for classification or several targets
     */
    public double value() {
        if (isClassification() || values.length != 1) {
            throw new IllegalStateException(isClassification() ? "a class prediction has no single value: use label()" : "the model has "
                    + values.length + " targets: use values() or named()");
        }
        return values[0];
    }

    /**
     * {@return target name → value, in target order (regression)} Names y1, y2, ... when the model
     * has none; empty for classification.
     */
    public Map<String, Double> named() {
        if (isClassification()) return Map.of();
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < values.length; k++) m.put(names.size() == values.length ? names.get(k) : "y" + (k + 1), values[k]);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return isClassification() ? label() + " " + probabilities() : named().toString();
    }
}
