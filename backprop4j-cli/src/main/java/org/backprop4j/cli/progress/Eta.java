package org.backprop4j.cli.progress;

/**
 * The time left in a run, from its measured speed once it is under way:
 * <pre>
 * ETA = (1 − f) · (t − t_r) / (f − f_r)
 * </pre>
 * where f is the fraction of the run done at time t (patterns presented over max epochs × patterns
 * per epoch) and (t_r, f_r) an earlier observation: the oldest one within the recent quarter of the
 * time since the run's first steps ended, and at most {@value #WINDOW_MILLIS} ms back. The first
 * steps' time is never counted: it holds class loading, the first evaluation and the start of the
 * JIT's compilation of the training step, in which a step runs many times slower than later
 * (docs/ENGINE.md), so a rate that includes it, such as epoch 1's, overstates the time left many
 * times over. Measuring over the recent quarter drops the rest of the warm-up (seconds on a
 * loaded machine) from the rate soon after it ends, and the {@value #WINDOW_MILLIS} ms cap follows a
 * change of speed (another job on the cores). While the JIT is still warming up, the estimate is
 * high: no formula knows how much faster the compiled code will be.
 *
 * <p>Not thread-safe: its owner serializes the calls. Observations are kept at most every
 * {@value #SAMPLE_MILLIS} ms in a fixed ring (no allocation per call).
 */
final class Eta {
    /** Longest window the rate is measured over. */
    static final long WINDOW_MILLIS = 30_000;
    /** Least time between two kept observations. */
    static final long SAMPLE_MILLIS = 250;
    private static final int SLOTS = (int) (WINDOW_MILLIS / SAMPLE_MILLIS) + 2;
    private static final long MS = 1_000_000L;

    private final long[] times = new long[SLOTS];
    private final double[] done = new double[SLOTS];
    private int oldest, count;
    private boolean hasOrigin;
    private double origin;       // the fraction at the first observation (not 0 after a resume)
    private long baselineNanos;  // the end of the first steps: the first observation that moved past the origin
    private double lastFraction;

    /**
     * Records the fraction {@code f} of the run done at {@code nanos}. The first call sets where
     * the run started; the first later call with more done ends the first steps. A fraction below
     * the last one (a divergence restart repeats an epoch) starts the measurement again.
     */
    void observe(long nanos, double f) {
        if (!hasOrigin || f < lastFraction) {
            restart(f);
            return;
        }
        lastFraction = f;
        if (count == 0) {
            if (f <= origin) return;       // the first steps have not ended yet
            baselineNanos = nanos;
            add(nanos, f);
            return;
        }
        if (nanos - times[(oldest + count - 1) % SLOTS] >= SAMPLE_MILLIS * MS) add(nanos, f);
    }

    /**
     * The run starts (again) from {@code f}: the next observation with more done ends its first
     * steps (a resumed run starts part-way; the time before it is not this run's).
     */
    void restart(double f) {
        hasOrigin = true;
        origin = f;
        count = 0;
        lastFraction = f;
    }

    private void add(long nanos, double f) {
        if (count == SLOTS) {
            oldest = (oldest + 1) % SLOTS;
            count--;
        }
        int i = (oldest + count) % SLOTS;
        times[i] = nanos;
        done[i] = f;
        count++;
    }

    /**
     * The estimated milliseconds left at {@code nanos} with {@code f} done (after
     * {@link #observe}{@code (nanos, f)}), or NaN while the speed is not known yet (the first
     * steps not over, or no progress measured since).
     */
    double millisLeft(long nanos, double f) {
        if (f >= 1) return 0;
        if (count == 0) return Double.NaN;
        long window = Math.min(WINDOW_MILLIS * MS, (nanos - baselineNanos) / 4);
        // the oldest kept observation inside the window (the newest if none is)
        int pick = count - 1;
        for (int k = 0; k < count; k++) {
            if (nanos - times[(oldest + k) % SLOTS] <= window) {
                pick = k;
                break;
            }
        }
        // progress is stepwise when it is counted per epoch: go back until some was made
        while (pick > 0 && done[(oldest + pick) % SLOTS] >= f) pick--;
        int i = (oldest + pick) % SLOTS;
        double df = f - done[i];
        long dt = nanos - times[i];
        if (df <= 0 || dt <= 0) return Double.NaN;
        return (1 - f) * (dt / 1e6) / df;
    }
}
