package org.backprop4j.spark;

import org.apache.spark.SparkException;

/**
 * Bad input found inside a Spark task (a NaN feature, a label out of range, a vector of the wrong
 * size): the message names the column and the fix. {@link #rethrow} unwraps it from the
 * {@link SparkException} the driver sees, so the user gets the one line instead of a stage-failure report.
 */
final class InputException extends IllegalArgumentException {
    InputException(String message) {
        super(message);
    }

    /** Runs a Spark action; an {@link InputException} from a task comes back as itself. */
    static <T> T unwrap(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) {   // Spark's SparkException is checked, yet Scala code throws it through any call
            throw rethrow(e);
        }
    }

    static RuntimeException rethrow(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputException ie) return new InputException(ie.getMessage());
            if (t instanceof SparkException && t.getMessage() != null && t.getMessage().contains(InputException.class.getName() + ": ")) {
                // a task's exception the scheduler kept only as text (e.g. from another JVM): its message line
                String m = t.getMessage();
                int i = m.indexOf(InputException.class.getName() + ": ") + InputException.class.getName().length() + 2;
                int j = m.indexOf('\n', i);
                return new InputException(j < 0 ? m.substring(i) : m.substring(i, j));
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
}
