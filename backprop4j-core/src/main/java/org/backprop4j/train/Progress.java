package org.backprop4j.train;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How many patterns a run has presented, written by the training thread after every batch and
 * read by any other (a progress display's refresh thread). The write is an opaque store: on the
 * usual hardware a plain store, with no fence in the training loop, and a {@code long} that is never
 * seen half-written; the reader sees it a little late at worst, which a display does not mind.
 */
final class Progress {
    private static final VarHandle PATTERNS;

    static {
        try {
            PATTERNS = MethodHandles.lookup().findVarHandle(Progress.class, "patterns", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through PATTERNS
    private long patterns;
    /** Patterns of the epochs before the running one; set by the training thread at each epoch's start. */
    long base;

    /** The running epoch has presented {@code done} patterns. */
    void at(long done) {
        PATTERNS.setOpaque(this, base + done);
    }

    /** A new epoch starts after {@code epochs} complete ones of {@code size} patterns. */
    void epoch(long epochs, int size) {
        base = epochs * size;
        PATTERNS.setOpaque(this, base);
    }

    long patterns() {
        return (long) PATTERNS.getOpaque(this);
    }
}
