package org.backprop4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fraction done (the trainer's counter, else whole epochs) and the ETA on it, on a fake clock. */
class RunProgressTest {
    private static final long MS = 1_000_000L;

    /**
     * 2 epochs of 1,000 patterns, polled every 250 ms: a JIT warm-up crawls (100 patterns in the
     * first 3 s), then 200 patterns a second. The first steps end at the first poll that saw a
     * pattern (0.25 s, 8 patterns); at 12 s (1,900 patterns) the recent quarter reaches back to
     * 12 − 11.75/4 = 9.0625 s, so the reference is the 9.25 s observation (1,350): 550 patterns in 2.75 s = 200 a
     * second, and the 100 left take 0.5 s. Elapsed over done would say 0.63 s; from the warm-up
     * alone, 30 s per 100 patterns.
     */
    @Test
    void theEtaFollowsTheCounterPastAWarmUp() {
        AtomicLong clock = new AtomicLong(), patterns = new AtomicLong();
        RunProgress run = new RunProgress(2, clock::get);
        run.start(patterns::get, 1000);
        assertTrue(Double.isNaN(run.millisLeft()));
        for (long t = 250; t <= 12_000; t += 250) {
            clock.set(t * MS);
            patterns.set(t <= 3000 ? t / 30 : 100 + (t - 3000) / 5);
            run.millisLeft();
        }
        assertEquals(1900, run.patterns());
        assertEquals(0.95, run.fraction());
        assertEquals(500, run.millisLeft(), 1e-9);
    }

    /** Before the trainer's counter is known, whole epochs count; then the counter, within the epoch. */
    @Test
    void epochsUntilTheCounterIsKnown() {
        AtomicLong clock = new AtomicLong();
        RunProgress run = new RunProgress(4, clock::get);
        assertEquals(0.0, run.fraction());
        run.epochDone(1);
        assertEquals(0.25, run.fraction());
        assertEquals(0, run.perEpoch());
        run.start(() -> 150, 100);
        assertEquals(150, run.patterns());
        assertEquals(100, run.perEpoch());
        assertEquals(0.375, run.fraction());
    }
}
