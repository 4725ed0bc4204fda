package org.backprop4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.train.EpochStats;
import org.junit.jupiter.api.Test;

/** The bar line: exact layout at a few widths, and it never exceeds the width. */
class EpochBarRendererTest {
    static final EpochStats S42 = new EpochStats(42, 0.1235, 0.9667, 0.141, 0.9333, 420, 50);

    @Test
    void wideTerminalShowsTheFullStatistics() {
        // ETA 2.9 s → 0:00:03; bar: 120 − 14 (head) − 16 (tail) − 50 (stats)
        // − 3 = 37 cells, 42 % of them = 15.54 → 15 full blocks and ▌ (⌊0.54·8⌋ = 4 eighths)
        String line = EpochBarRenderer.line("train", 42, 100, 0.42, EpochBarRenderer.eta(2900), S42, null, 120, true);
        assertEquals("train  42/100 │" + "█".repeat(15) + "▌" + " ".repeat(21) + "│  42% ETA 0:00:03  loss 0.1235 val 0.1410 acc 96.67% val_acc 93.33%", line);
        assertEquals(120, line.length());
    }

    @Test
    void eightyColumnsGetTheCompactStatisticsAndAnEleventhCellBar() {
        // full stats leave −3 cells; compact ones (36 columns) leave 11: 42 % of 11 = 4.62 → 4 blocks and ▌ (4/8)
        String line = EpochBarRenderer.line("train", 42, 100, 0.42, EpochBarRenderer.eta(2900), S42, null, 80, true);
        assertEquals("train  42/100 │████▌      │  42% ETA 0:00:03  loss 0.1235/0.1410 acc 96.7%/93.3%", line);
        assertEquals(80, line.length());
    }

    @Test
    void finishedRunShowsElapsedTimeAndStopReason() {
        String line = EpochBarRenderer.line("train", 100, 100, 1.0, " in 0:00:05",
                new EpochStats(100, 0.01, Double.NaN, Double.NaN, Double.NaN, 100, 5), "max epochs (100)", 80, true);
        // regression without validation: only the loss; 80 − 14 − 15 − 34 − 3 = 14 cells
        assertEquals("train 100/100 │██████████████│ 100% in 0:00:05  loss 0.01000  (max epochs (100))", line);
    }

    @Test
    void asciiBeforeTheFirstEpoch() {
        String line = EpochBarRenderer.line("fold 1/5", 0, 100, 0.0, EpochBarRenderer.eta(Double.NaN), null, null, 60, false);
        // 60 − 17 − 10 − 3 = 30 cells
        assertEquals("fold 1/5   0/100 [" + " ".repeat(30) + "]   0% ETA ?", line);
        assertEquals(60, line.length());
    }

    @Test
    void neverWiderThanTheTerminal() {
        for (int w = 1; w <= 220; w++) {
            for (EpochStats s : new EpochStats[] {null, S42}) {
                String l = EpochBarRenderer.line("fold 10/10", 42, 100, 0.425, EpochBarRenderer.eta(3000), s, w % 2 == 0 ? null : "early stopping", w, w % 3 == 0);
                assertTrue(l.length() <= w, w + ": " + l);
                if (w >= 60) assertTrue(l.contains(" 42/100 "), l);
            }
        }
    }

    @Test
    void theBarKeepsItsWidthWhileTheStatisticsChangeLengthSlightly() {
        int[] last = {-1};
        String a = EpochBarRenderer.line("t", 42, 100, 0.42, EpochBarRenderer.eta(1000), S42, null, 100, true, last);
        int first = last[0];
        // a shorter loss text ("0.1235" → "1.000") would allow a 1-column wider bar: it stays
        EpochStats shorter = new EpochStats(43, 1.0, 0.9667, 0.141, 0.9333, 430, 50);
        String b = EpochBarRenderer.line("t", 43, 100, 0.43, EpochBarRenderer.eta(1000), shorter, null, 100, true, last);
        assertEquals(first, last[0]);
        assertEquals(a.indexOf('│', 5), b.indexOf('│', 5), a + "\n" + b);
        // without the memory it would have grown
        int[] fresh = {-1};
        EpochBarRenderer.line("t", 43, 100, 0.43, EpochBarRenderer.eta(1000), shorter, null, 100, true, fresh);
        assertEquals(first + 1, fresh[0]);
    }

    /**
     * Within an epoch the bar and the percentage follow the patterns presented, while epoch/max
     * counts the epochs done: 1 epoch of 2 done and 37.5 % of the second (68.75 % of the run) on
     * 45 − 10 (head) − 16 (tail) − 3 = 16 cells = 11 full blocks (11.0).
     */
    @Test
    void theBarAdvancesWithinAnEpoch() {
        String line = EpochBarRenderer.line("train", 1, 2, 0.6875, EpochBarRenderer.eta(9000), null, null, 45, true);
        assertEquals("train 1/2 │" + "█".repeat(11) + " ".repeat(5) + "│  68% ETA 0:00:09", line);
        assertEquals(45, line.length());
    }

    /** At the end the stop reason is always shown: the statistics shrink for it, down to none. */
    @Test
    void theStopReasonIsShownEvenWhenTheStatisticsMustGo() {
        String reason = "early stopping (patience 10); restored the weights of epoch 31";
        for (int w = 100; w <= 200; w++) {
            String l = EpochBarRenderer.line("train", 41, 100, 0.41, " in 0:00:03", S42, reason, w, true);
            assertTrue(l.endsWith("  (" + reason + ")"), w + ": " + l);
            assertTrue(l.length() <= w, w + ": " + l);
        }
        // 100 columns: the head (14), tail (15) and reason (67) leave 1 cell: no bar, no statistics
        assertEquals("train  41/100  41% in 0:00:03  (" + reason + ")",
                EpochBarRenderer.line("train", 41, 100, 0.41, " in 0:00:03", S42, reason, 100, true));
    }

    @Test
    void barCellsUseEighthBlocks() {
        assertEquals("│████████│", EpochBarRenderer.bar(1.0, 8, true));
        assertEquals("│▌       │", EpochBarRenderer.bar(0.5 / 8, 8, true));
        assertEquals("│        │", EpochBarRenderer.bar(0.0, 8, true));
        assertEquals("[====>   ]", EpochBarRenderer.bar(0.5, 8, false));
        assertEquals("[        ]", EpochBarRenderer.bar(0.0, 8, false));
    }
}
