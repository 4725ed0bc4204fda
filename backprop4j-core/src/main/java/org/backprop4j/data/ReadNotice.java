package org.backprop4j.data;

/**
 * Something a reader inferred or changed that the user should know about, in one line: which task
 * the target column gave and why, columns dropped, the text encoding used. Delivered to
 * {@link ReadOptions#onNotice}; nothing is inferred silently.
 */
public record ReadNotice(Kind kind, String source, String message) {
    public enum Kind {
        /** How the target became classes or a regression target, and how to choose the other. */
        TASK,
        /** Columns dropped (e.g. Excel's empty trailing columns). */
        COLUMNS,
        /** The text encoding, when it is not UTF-8. */
        ENCODING,
        /** A memory-mapped cache of the parsed data made, reused, rebuilt or moved ({@link DataCache}). */
        CACHE
    }

    @Override
    public String toString() {
        return source + ": " + message;
    }
}
