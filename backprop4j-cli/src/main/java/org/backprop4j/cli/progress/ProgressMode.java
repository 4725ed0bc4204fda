package org.backprop4j.cli.progress;

import java.io.Console;
import java.util.Map;

/**
 * How training progress is shown.
 *
 * <ul>
 *   <li>{@link #AUTO}: {@link #BAR} on an interactive terminal, {@link #PLAIN} otherwise;</li>
 *   <li>{@link #BAR}: a live progress bar per run (epoch/max, losses, accuracy, ETA), redrawn in place;</li>
 *   <li>{@link #PLAIN}: one line per epoch, throttled to about one line per second plus the first and last epochs;</li>
 *   <li>{@link #QUIET}: nothing;</li>
 *   <li>{@link #JSON}: one JSON object per line and epoch (every epoch), for scripts.</li>
 * </ul>
 */
public enum ProgressMode {
    AUTO, BAR, PLAIN, QUIET, JSON;

    /**
     * The mode the command-line flags ask for: {@code --quiet} wins over {@code --json}, which wins
     * over {@code --plain}; none of them gives {@link #AUTO}.
     */
    public static ProgressMode fromFlags(boolean quiet, boolean json, boolean plain) {
        if (quiet) return QUIET;
        if (json) return JSON;
        if (plain) return PLAIN;
        return AUTO;
    }

    /** {@link #AUTO} resolved against {@code terminal}; every other mode is returned unchanged. */
    public ProgressMode resolve(boolean terminal) {
        return this == AUTO ? (terminal ? BAR : PLAIN) : this;
    }

    /** {@link #AUTO} resolved against this process's terminal ({@link #isInteractiveTerminal()}). */
    public ProgressMode resolve() {
        return this == AUTO ? resolve(isInteractiveTerminal()) : this;
    }

    /**
     * Whether this process talks to an interactive terminal that can redraw a line.
     * Since JDK 22 {@link System#console()} is non-null even when the streams are redirected, so
     * {@link Console#isTerminal()} is the test that matters; a {@code TERM} of {@code dumb} (Emacs
     * shells, some CI runners) also counts as no terminal.
     */
    public static boolean isInteractiveTerminal() {
        return isInteractiveTerminal(System.console(), System.getenv());
    }

    static boolean isInteractiveTerminal(Console console, Map<String, String> env) {
        if (console == null || !console.isTerminal()) return false;
        String term = env.get("TERM");
        return term == null || !term.equals("dumb");
    }
}
