package org.backprop4j.data;

import java.io.IOException;

/**
 * Malformed input: the one exception every reader (and the model-file loader) throws for bad
 * content. Its message is one line naming the source, the line (and column, when known) and what
 * was expected, e.g. {@code iris.csv:12:3: expected a number, found "abc"}.
 */
public class DataFormatException extends IOException {
    private final String source;
    private final long line;
    private final int column;

    /**
     * @param source file name (or another description of the input)
     * @param line   1-based line number, 0 if not applicable
     * @param column 1-based column (field) number, 0 if not applicable
     * @param problem what is wrong and what was expected
     */
    public DataFormatException(String source, long line, int column, String problem) {
        super(format(source, line, column, problem));
        this.source = source;
        this.line = line;
        this.column = column;
    }

    private static String format(String source, long line, int column, String problem) {
        StringBuilder sb = new StringBuilder(source == null ? "<input>" : source);
        if (line > 0) sb.append(':').append(line);
        if (column > 0) sb.append(':').append(column);
        return sb.append(": ").append(problem).toString();
    }

    public String source() { return source; }
    public long line() { return line; }
    public int column() { return column; }
}
