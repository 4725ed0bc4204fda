package org.backprop4j.cli.progress;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * Makes a {@link ProgressDisplay} per training run, all writing to one stream (lines of concurrent
 * runs do not interleave). Immutable; the {@code with...} methods return adjusted copies.
 *
 * <pre>{@code
 * ProgressFactory progress = ProgressFactory.create(ProgressMode.fromFlags(quiet, json, false), System.err);
 * try (ProgressDisplay p = progress.start("train", config.maxEpochs())) {
 *     TrainingResult r = trainer.addListener(p).fit(train, validation);
 *     p.finish(r);
 * }
 * }</pre>
 */
public final class ProgressFactory {
    /** Default throttle of {@link ProgressMode#PLAIN}: at most one line per second. */
    public static final long DEFAULT_MIN_INTERVAL_MILLIS = 1000;

    private final ProgressMode mode;
    private final PrintStream stream;
    private final PrintWriter writer;
    private final Object lock;
    private final long minIntervalMillis;
    private final int width;
    private final boolean interactive;
    private final LongSupplier nanoTime;

    private ProgressFactory(ProgressMode mode, PrintStream stream, PrintWriter writer, Object lock, long minIntervalMillis,
                            int width, boolean interactive, LongSupplier nanoTime) {
        this.mode = mode;
        this.stream = stream;
        this.writer = writer;
        this.lock = lock;
        this.minIntervalMillis = minIntervalMillis;
        this.width = width;
        this.interactive = interactive;
        this.nanoTime = nanoTime;
    }

    /**
     * A factory writing to {@code out}; {@link ProgressMode#AUTO} is resolved here, against this
     * process's terminal ({@link ProgressMode#isInteractiveTerminal()}).
     */
    public static ProgressFactory create(ProgressMode mode, PrintStream out) {
        if (mode == null || out == null) throw new IllegalArgumentException("mode and stream are required");
        return new ProgressFactory(mode.resolve(), out, new PrintWriter(out, true, out.charset()), new Object(),
                DEFAULT_MIN_INTERVAL_MILLIS, -1, true, SYSTEM_CLOCK);
    }

    /** A factory writing to a {@link PrintWriter} (e.g. picocli's {@code spec.commandLine().getErr()}). */
    public static ProgressFactory create(ProgressMode mode, PrintWriter out) {
        if (mode == null || out == null) throw new IllegalArgumentException("mode and writer are required");
        PrintStream ps = new PrintStream(new WriterOutputStream(out), true, StandardCharsets.UTF_8);
        return new ProgressFactory(mode.resolve(), ps, out, new Object(), DEFAULT_MIN_INTERVAL_MILLIS, -1, true, SYSTEM_CLOCK);
    }

    /** The resolved mode (never {@link ProgressMode#AUTO}). */
    public ProgressMode mode() {
        return mode;
    }

    /** {@link ProgressMode#PLAIN}: the least time between two printed epochs (0 prints every epoch). */
    public ProgressFactory withMinIntervalMillis(long millis) {
        if (millis < 0) throw new IllegalArgumentException("interval must be ≥ 0: " + millis);
        return new ProgressFactory(mode, stream, writer, lock, millis, width, interactive, nanoTime);
    }

    /**
     * {@link ProgressMode#BAR}: render into {@code columns} columns instead of asking the terminal,
     * and without cursor movement (for a captured stream).
     */
    public ProgressFactory withFixedWidth(int columns) {
        if (columns < 10) throw new IllegalArgumentException("width must be ≥ 10 columns: " + columns);
        return new ProgressFactory(mode, stream, writer, lock, minIntervalMillis, columns, false, nanoTime);
    }

    /**
     * The clock of the throttle and the ETA (tests). With a clock of its own, the plain display does
     * not poll the trainer's counter by itself: the test calls {@link PlainProgress#poll}.
     */
    ProgressFactory withClock(LongSupplier nanoTime) {
        return new ProgressFactory(mode, stream, writer, lock, minIntervalMillis, width, interactive, nanoTime);
    }

    private boolean polls() {
        return nanoTime == SYSTEM_CLOCK;
    }



    private static final LongSupplier SYSTEM_CLOCK = System::nanoTime;

    /**
     * Starts the display of one run.
     *
     * @param run       its name ("train", "fold 2/5"; null or blank for none)
     * @param maxEpochs the epoch limit of the run (for epoch/max and the ETA)
     */
    public ProgressDisplay start(String run, int maxEpochs) {
        if (maxEpochs < 0) throw new IllegalArgumentException("maxEpochs must be ≥ 0: " + maxEpochs);
        return switch (mode) {
            case QUIET -> QuietProgress.INSTANCE;
            case PLAIN -> new PlainProgress(writer, lock, run, maxEpochs, nanoTime, minIntervalMillis, polls());
            case JSON -> new JsonProgress(writer, lock, run, maxEpochs);
            case BAR -> new BarProgress(stream, run, maxEpochs, width, interactive, nanoTime);
            case AUTO -> throw new AssertionError("AUTO is resolved in create");
        };
    }
}
