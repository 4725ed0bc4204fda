package org.backprop4j.data;

/**
 * What a reader does with a missing input value ({@code ?} in ARFF; an empty field or {@code ?} in
 * CSV). See docs/DATA.md. A missing target is always an error.
 */
public enum MissingValues {
    /** The default: the reader rejects the file with a DataFormatException naming line and column. */
    REJECT,
    /**
     * The reader keeps the value as NaN (a numeric column, or every column of a nominal
     * attribute's one-hot block); a fitted {@link Pipeline} then replaces it by the training
     * mean (numeric) or the training set's most frequent value (nominal).
     */
    KEEP
}
