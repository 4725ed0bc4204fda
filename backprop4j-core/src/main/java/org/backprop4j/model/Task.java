package org.backprop4j.model;

/** What a model predicts: a class among named classes, or one or more numbers. */
public enum Task {
    /** Class labels: the outputs are class probabilities (or one logistic output for two classes). */
    CLASSIFICATION,
    /** Numbers: the outputs are the targets, in the training data's units. */
    REGRESSION;

    /** {@return the lower-case name used in model files ({@code classification}, {@code regression})} */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The task of a model-file name.
     *
     * @param id {@code classification} or {@code regression}
     * @return the task
     * @throws IllegalArgumentException for any other text
     */
    public static Task parse(String id) {
        return switch (id) {
            case "classification" -> CLASSIFICATION;
            case "regression" -> REGRESSION;
            default -> throw new IllegalArgumentException("task must be classification or regression, not '" + id + "'");
        };
    }
}
