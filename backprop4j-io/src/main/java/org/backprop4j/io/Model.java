package org.backprop4j.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop4j.Loss;
import org.backprop4j.Network;

/**
 * A trained model as stored in a model file: the network and its loss, what its inputs and
 * outputs mean, the preprocessing to apply before it, and where it came from.
 *
 * @param network       architecture and weights
 * @param loss          the loss it was trained with (determines how outputs are read)
 * @param inputNames    names of the network's inputs (after preprocessing), n0 of them
 * @param classNames    class names for classification (index = output unit, or 0/1 for one logistic
 *                      output), null for regression
 * @param targetNames   names of the regression targets (or the class attribute), may be empty
 * @param preprocessing fitted preprocessing parameters (plain maps, lists, strings and numbers), may be empty
 * @param training      training configuration and outcome (optimizer, epochs, seed, stop reason, ...)
 * @param data          description of the training data (fingerprint, pattern count, file name)
 * @param provenance    library version, Java version, OS, kernel, creation time
 */
public record Model(Network network, Loss loss, List<String> inputNames, List<String> classNames,
                    List<String> targetNames, Map<String, Object> preprocessing, Map<String, Object> training,
                    Map<String, Object> data, Map<String, Object> provenance) {

    public Model {
        if (network == null || loss == null) throw new IllegalArgumentException("a model needs a network and a loss");
        inputNames = inputNames == null ? List.of() : List.copyOf(inputNames);
        classNames = classNames == null ? null : List.copyOf(classNames);
        targetNames = targetNames == null ? List.of() : List.copyOf(targetNames);
        preprocessing = preprocessing == null ? Map.of() : unmodifiable(preprocessing);
        training = training == null ? Map.of() : unmodifiable(training);
        data = data == null ? Map.of() : unmodifiable(data);
        provenance = provenance == null ? Map.of() : unmodifiable(provenance);
        if (!inputNames.isEmpty() && inputNames.size() != network.inputs()) {
            throw new IllegalArgumentException(inputNames.size() + " input names for " + network.inputs() + " inputs");
        }
    }

    /** A model with just a network and loss (no metadata). */
    public static Model of(Network network, Loss loss) {
        return new Model(network, loss, null, null, null, null, null, null, null);
    }

    public boolean isClassification() {
        return classNames != null;
    }

    private static Map<String, Object> unmodifiable(Map<String, Object> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
