package org.backprop4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The ETA from the measured speed ({@link Eta}), on a fake clock: (1 − f)·(t − t_r)/(f − f_r) with
 * the reference in the recent quarter of the time since the first steps, at most 30 s back.
 */
class EtaTest {
    private static final long MS = 1_000_000L;

    /** Observations every 250 ms of a run of 100 units: the first unit ends at 10 s (JIT warm-up), then 1 unit a second. */
    private static double warmRun(Eta eta, double untilSeconds) {
        eta.observe(0, 0);
        eta.observe(5_000 * MS, 0);   // still in the first step: no speed yet
        assertTrue(Double.isNaN(eta.millisLeft(5_000 * MS, 0)));
        double f = 0;
        for (long t = 10_000; t <= untilSeconds * 1000; t += 250) {
            f = 0.01 + (t - 10_000) / 1e5;   // 1 % at 10 s, then 1 % a second
            eta.observe(t * MS, f);
        }
        return f;
    }

    /**
     * After a slow first step the ETA is the time left at the speed since: at 49 s, 40 % done, the
     * reference is the observation at 49 − (49 − 10)/4 = 39.25 s (30.25 % done), so the speed is 1 % a
     * second and the 60 % left take 60 s. Elapsed time over the fraction done (the old formula)
     * would say 73.5 s; from epoch 1 alone (10 s per 1 %), 990 s.
     */
    @Test
    void theFirstStepsAreNotCounted() {
        Eta eta = new Eta();
        double f = warmRun(eta, 49);
        assertEquals(0.40, f, 1e-12);
        // exact up to the doubles' rounding of the fractions (1e-9 ms on a minute)
        assertEquals(60_000, eta.millisLeft(49_000 * MS, f), 1e-6);
    }

    /** Until the first steps end there is no speed; right after them, one observation: still none. */
    @Test
    void unknownUntilProgressHasBeenMeasured() {
        Eta eta = new Eta();
        eta.observe(0, 0);
        assertTrue(Double.isNaN(eta.millisLeft(0, 0)));
        eta.observe(2_000 * MS, 0.1);   // the first steps end
        assertTrue(Double.isNaN(eta.millisLeft(2_000 * MS, 0.1)));
        eta.observe(3_000 * MS, 0.2);   // 10 % a second since
        assertEquals(8_000, eta.millisLeft(3_000 * MS, 0.2), 1e-6);
        eta.observe(3_500 * MS, 1.0);
        assertEquals(0, eta.millisLeft(3_500 * MS, 1.0));
    }

    /**
     * Progress counted per epoch (a full-batch method) moves in steps of 10 % every 10 s: at 45 s
     * (40 % done since 40 s) the window is (45 − 10)/4 = 8.75 s back, where 30 % were done: 10 % in
     * 8.75 s, so 60 % take 52.5 s (the truth: 55 s).
     */
    @Test
    void stepwiseProgress() {
        Eta eta = new Eta();
        eta.observe(0, 0);
        for (long t = 250; t <= 45_000; t += 250) eta.observe(t * MS, Math.floor(t / 10_000.0) / 10);
        assertEquals(52_500, eta.millisLeft(45_000 * MS, 0.4), 1e-6);
    }

    /**
     * The window is at most 30 s: a run that slowed down is estimated at its new speed. 0.5 % a
     * second for 100 s, then 0.1 % a second: at 160 s (56 % done) the reference is at 130 s (53 %),
     * so the 44 % left take 440 s.
     */
    @Test
    void theWindowFollowsAChangeOfSpeed() {
        Eta eta = new Eta();
        eta.observe(0, 0);
        double f = 0;
        for (long t = 250; t <= 160_000; t += 250) {
            f = t <= 100_000 ? t / 2e5 : 0.5 + (t - 100_000) / 1e6;
            eta.observe(t * MS, f);
        }
        assertEquals(0.56, f, 1e-12);
        assertEquals(440_000, eta.millisLeft(160_000 * MS, f), 1e-3);
    }

    /**
     * A resumed run starts part-way (its earlier epochs are not its time), and a divergence restart
     * moves the fraction back: both start the measurement again.
     */
    @Test
    void resumeAndRestartStartAgain() {
        Eta eta = new Eta();
        eta.restart(0.5);
        eta.observe(1_000 * MS, 0.5);
        eta.observe(2_000 * MS, 0.6);   // first steps of the resumed run end
        eta.observe(4_000 * MS, 0.7);   // 5 % a second since
        assertEquals(6_000, eta.millisLeft(4_000 * MS, 0.7), 1e-6);
        eta.observe(5_000 * MS, 0.65);  // back to the start of a repeated epoch
        assertTrue(Double.isNaN(eta.millisLeft(5_000 * MS, 0.65)));
        eta.observe(6_000 * MS, 0.66);
        eta.observe(7_000 * MS, 0.67);
        assertEquals(33_000, eta.millisLeft(7_000 * MS, 0.67), 1e-6);
    }
}
