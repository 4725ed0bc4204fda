package org.backprop4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingResult;
import org.junit.jupiter.api.Test;

/** The progress displays: exact text of the plain, quiet and JSON modes; the bar renders. */
class ProgressDisplayTest {

    private static final long MS = 1_000_000L;

    /** Epoch {@code e} of a classification run with a validation set; each epoch took 1.5 s. */
    static EpochStats stats(int e, double loss, double acc, double vloss, double vacc) {
        return new EpochStats(e, loss, acc, vloss, vacc, 10L * e, 1500.0);
    }

    /** Feeds the epochs to a display, setting the fake clock to {@code times[i]} ms before epoch i. */
    static void feed(ProgressDisplay d, AtomicLong clock, List<EpochStats> epochs, long... timesMs) {
        for (int i = 0; i < epochs.size(); i++) {
            clock.set(timesMs[i] * MS);
            d.onEpoch(epochs.get(i), null);
        }
    }

    static final List<EpochStats> FOUR = List.of(
            stats(1, 0.693147, 0.5, 0.70, 0.48),
            stats(2, 0.5, 0.75, 0.55, 0.7),
            stats(3, 0.25, 0.9, 0.3, 0.85),
            stats(4, 0.125, 0.96, 0.2, 0.9));

    @Test
    void plainPrintsFirstThenAtMostOneLinePerSecondThenTheLastAndTheStopReason() {
        StringWriter sw = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressFactory f = ProgressFactory.create(ProgressMode.PLAIN, new PrintWriter(sw)).withClock(clock::get);
        assertEquals(ProgressMode.PLAIN, f.mode());
        try (ProgressDisplay d = f.start(null, 5)) {
            // the display started at time 0; epoch 1 ends at 1.5 s (printed: the first); epoch 2 0.4 s
            // later (skipped); epoch 3 1.1 s after epoch 1's line (printed); epoch 4 0.4 s after that
            // (skipped, but shown by finish since training stopped there)
            feed(d, clock, FOUR, 1500, 1900, 2600, 3000);
            d.finish(new TrainingResult(FOUR, "early stopping (patience 2)"));
        }
        // ETA (Eta): none after epoch 1 (the first steps, not counted); at epoch 3 the speed since
        // epoch 2 (1.9 s): 20 % in 0.7 s, 40 % left → 1.4 s; at epoch 4 since epoch 3: 20 % in 0.4 s,
        // 20 % left → 0.4 s; the last line sums the epochs' own times: 4 × 1.5 s = 6 s
        assertEquals("""
                epoch 1/5  loss 0.693147  val_loss 0.700000  acc 50.00%  val_acc 48.00%
                epoch 3/5  loss 0.250000  val_loss 0.300000  acc 90.00%  val_acc 85.00%  ETA 0:00:01
                epoch 4/5  loss 0.125000  val_loss 0.200000  acc 96.00%  val_acc 90.00%  ETA 0:00:00
                finished after 4 epochs (6.00 s): early stopping (patience 2)
                """, sw.toString().replace(System.lineSeparator(), "\n"));
    }

    /**
     * A long epoch gets lines within it: the trainer's counter (here a fake one) polled, a line at
     * most once per interval and only when the counter moved; none at an epoch's boundary.
     */
    @Test
    void plainPrintsLinesWithinALongEpoch() {
        StringWriter sw = new StringWriter();
        AtomicLong clock = new AtomicLong(), patterns = new AtomicLong();
        ProgressFactory f = ProgressFactory.create(ProgressMode.PLAIN, new PrintWriter(sw)).withClock(clock::get);
        try (ProgressDisplay d = f.start("fold 1/3", 2)) {
            PlainProgress p = (PlainProgress) d;
            p.follow(patterns::get, 60_000);
            long[][] polls = {{500, 0}, {1_200, 12_000}, {1_400, 13_000}, {2_400, 13_000}, {3_600, 13_000}, {4_600, 30_000}, {5_000, 60_000}};
            for (long[] at : polls) {
                clock.set(at[0] * MS);
                patterns.set(at[1]);
                if (at[1] == 60_000) d.onEpoch(new EpochStats(1, 0.5, Double.NaN, Double.NaN, Double.NaN, 1875, 5000), null);
                p.poll();
            }
            clock.set(6_500 * MS);
            patterns.set(75_000);
            p.poll();
        }
        // (time: patterns presented of 2 × 60,000) 0.5 s: nothing presented, and under the 1 s
        // interval; 1.2 s: printed, the first steps just ended (no ETA yet); 1.4 s: too soon;
        // 2.4 s: printed, at the speed since 1.2 s (1,000 in 1.2 s: 107,000 left take 128.4 s);
        // 3.6 s: the counter has not moved since the last line; 4.6 s: the reference is the
        // observation at 3.6 s (the last that moved before the recent quarter, 0.85 s): 17,000 in
        // 1 s, 90,000 left → 5.3 s; 5.0 s: an epoch's boundary, told by the epoch line (since 4.6 s,
        // in the quarter: 30,000 in 0.4 s, 60,000 left → 0.8 s); 6.5 s: 15,000 into epoch 2, since
        // 5.0 s (no observation was kept in the quarter): 15,000 in 1.5 s, 45,000 left → 4.5 s
        assertEquals("""
                fold 1/3: epoch 1/2  pattern 12000/60000
                fold 1/3: epoch 1/2  pattern 13000/60000  ETA 0:02:08
                fold 1/3: epoch 1/2  pattern 30000/60000  ETA 0:00:05
                fold 1/3: epoch 1/2  loss 0.500000  ETA 0:00:01
                fold 1/3: epoch 2/2  pattern 15000/60000  ETA 0:00:05
                """, sw.toString().replace(System.lineSeparator(), "\n"));
    }

    /**
     * With a real trainer, a multi-batch epoch is seen advancing: the update rule here polls the
     * display at each step (on the training thread, between batches), with the clock 1 s further
     * each time, so each poll may print. 100 patterns in batches of 32: the steps see 0, 32, 64, 96
     * patterns of each epoch (0 is an epoch's start: no line).
     */
    @Test
    void aRealMultiBatchEpochIsSeenWithinTheEpoch() {
        StringWriter sw = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressFactory f = ProgressFactory.create(ProgressMode.PLAIN, new PrintWriter(sw)).withClock(clock::get);
        PlainProgress[] display = new PlainProgress[1];
        org.backprop4j.train.Adam adam = new org.backprop4j.train.Adam(0.01);
        org.backprop4j.train.Optimizer polling = new org.backprop4j.train.Optimizer() {
            @Override
            public String describe() {
                return "adam, polled";
            }

            @Override
            public void step(float[] w, float[] grad) {
                clock.addAndGet(1000 * MS);
                display[0].poll();
                adam.step(w, grad);
            }

            @Override
            public void reset() {
                adam.reset();
            }
        };
        float[] x = new float[100 * 2], dd = new float[100];
        for (int p = 0; p < 100; p++) {
            x[2 * p] = (p % 10) / 10f;
            x[2 * p + 1] = (p / 10) / 10f;
            dd[p] = x[2 * p] > x[2 * p + 1] ? 1 : 0;
        }
        Network net = Network.builder(2).layer(3, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), 1);
        TrainingConfig cfg = TrainingConfig.builder().miniBatch(32).epochs(2).optimizer(() -> polling).seed(1).build();
        TrainingResult r;
        try (ProgressDisplay d = f.start("train", 2)) {
            display[0] = (PlainProgress) d;
            r = new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg).addListener(d).fit(new org.backprop4j.data.DataSet(x, dd, 2, 1));
            d.finish(r, 8.0);
        }
        // the ETAs follow Eta (tested on its own): here only the patterns, epochs and losses are
        // compared (one output without class names: no accuracy)
        String text = sw.toString().replace(System.lineSeparator(), "\n").replaceAll("  ETA \\d+:\\d\\d:\\d\\d", "");
        assertEquals("train: epoch 1/2  pattern 32/100\n"
                + "train: epoch 1/2  pattern 64/100\n"
                + "train: epoch 1/2  pattern 96/100\n"
                + "train: epoch 1/2  loss " + Fmt.loss(r.history().get(0).loss()) + "\n"
                + "train: epoch 2/2  pattern 32/100\n"
                + "train: epoch 2/2  pattern 64/100\n"
                + "train: epoch 2/2  pattern 96/100\n"
                + "train: epoch 2/2  loss " + Fmt.loss(r.history().get(1).loss()) + "\n"
                + "train: finished after 2 epochs (8.00 s): max epochs (2)\n", text);
    }

    /**
     * The bar moves within an epoch: with 30 of an epoch's 100 patterns presented (of 2 epochs) and
     * no epoch done, a redraw shows 0/2 epochs and 15 %; at 130, 1/2 and 65 %.
     */
    @Test
    void theBarFollowsTheCounterWithinAnEpoch() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicLong patterns = new AtomicLong(30);
        try (ProgressDisplay d = ProgressFactory.create(ProgressMode.BAR, ps).withFixedWidth(100).start("train", 2)) {
            d.follow(patterns::get, 100);
            awaitFrame(bytes, "train 0/2 │", "│  15% ETA ");
            d.onEpoch(FOUR.get(0), null);
            patterns.set(130);
            awaitFrame(bytes, "train 1/2 │", "│  65% ETA ");
        }
    }

    /** Waits (at most 10 s: the bar redraws every 200 ms) for a frame with both texts. */
    private static void awaitFrame(ByteArrayOutputStream bytes, String head, String tail) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000 * MS;
        while (System.nanoTime() < deadline) {
            for (String frame : bytes.toString(StandardCharsets.UTF_8).split("\r")) {
                if (frame.startsWith(head) && frame.contains(tail)) return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no frame with " + head + " … " + tail + " in " + bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void plainAlwaysPrintsTheLastEpochOnceAndOmitsStatisticsThatDoNotApply() {
        StringWriter sw = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressFactory f = ProgressFactory.create(ProgressMode.PLAIN, new PrintWriter(sw)).withClock(clock::get)
                .withMinIntervalMillis(60_000);
        // regression without validation: accuracy and validation are NaN; 12 epochs pad the number to 2 columns
        List<EpochStats> h = new ArrayList<>();
        for (int e = 1; e <= 12; e++) h.add(new EpochStats(e, 1.0 / e, Double.NaN, Double.NaN, Double.NaN, e, 250.0));
        try (ProgressDisplay d = f.start("fold 2/5", 12)) {
            for (EpochStats s : h) d.onEpoch(s, null); // all at time 0: only the first and the 12th qualify
            d.finish(new TrainingResult(h, "max epochs (12)"));
        }
        assertEquals("""
                fold 2/5: epoch  1/12  loss 1.00000
                fold 2/5: epoch 12/12  loss 0.0833333
                fold 2/5: finished after 12 epochs (3.00 s): max epochs (12)
                """, sw.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void plainWithZeroIntervalPrintsEveryEpochOfARealTrainingRun() {
        StringWriter sw = new StringWriter();
        ProgressFactory f = ProgressFactory.create(ProgressMode.PLAIN, new PrintWriter(sw)).withMinIntervalMillis(0);
        Network net = Network.builder(2).layer(2, Activation.LOGISTIC).layer(1, Activation.LOGISTIC).build(Init.uniform(0.3), 1);
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(25).optimizer(() -> new Sgd(1.0)).seed(1).build();
        TrainingResult r;
        try (ProgressDisplay d = f.start("", 25)) {
            r = new Trainer(net, Loss.SSE, cfg).addListener(d).fit(BuiltinData.xor());
            d.finish(r);
        }
        String[] lines = sw.toString().split("\\R");
        assertEquals(26, lines.length, sw.toString());
        for (int e = 1; e <= 25; e++) {
            String expected = String.format("epoch %2d/25  loss %s  acc ", e, Fmt.loss(r.history().get(e - 1).loss()));
            assertTrue(lines[e - 1].startsWith(expected), lines[e - 1] + " vs " + expected);
        }
        assertEquals("finished after 25 epochs (" + Fmt.seconds(Fmt.totalMillis(r.history())) + "): max epochs (25)", lines[25]);
    }

    @Test
    void quietPrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressFactory f = ProgressFactory.create(ProgressMode.QUIET, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (ProgressDisplay d = f.start("train", 4)) {
            for (EpochStats s : FOUR) d.onEpoch(s, null);
            d.finish(new TrainingResult(FOUR, "max epochs (4)"));
        }
        assertEquals(0, bytes.size());
    }

    @Test
    void jsonPrintsOneObjectPerEpochWithNullForWhatDoesNotApplyAndAnEndObject() throws Exception {
        StringWriter sw = new StringWriter();
        ProgressFactory f = ProgressFactory.create(ProgressMode.JSON, new PrintWriter(sw));
        List<EpochStats> h = List.of(new EpochStats(1, 0.5, 0.75, 0.625, 0.5, 3, 1.5),
                new EpochStats(2, 0.25, Double.NaN, Double.NaN, Double.NaN, 6, 2.0),
                new EpochStats(3, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, Double.NaN, 9, 2.5));
        try (ProgressDisplay d = f.start("cv 1", 10)) {
            for (EpochStats s : h) d.onEpoch(s, null);
            d.finish(new TrainingResult(h, "diverged: \"inf\""));
        }
        String text = sw.toString().replace(System.lineSeparator(), "\n");
        assertEquals("""
                {"event":"epoch","run":"cv 1","epoch":1,"maxEpochs":10,"loss":0.5,"accuracy":0.75,"validationLoss":0.625,"validationAccuracy":0.5,"updates":3,"millis":1.5}
                {"event":"epoch","run":"cv 1","epoch":2,"maxEpochs":10,"loss":0.25,"accuracy":null,"validationLoss":null,"validationAccuracy":null,"updates":6,"millis":2.0}
                {"event":"epoch","run":"cv 1","epoch":3,"maxEpochs":10,"loss":null,"accuracy":null,"validationLoss":null,"validationAccuracy":null,"updates":9,"millis":2.5}
                {"event":"end","run":"cv 1","epochs":3,"stopReason":"diverged: \\"inf\\"","millis":6.0}
                """, text);
        // and every line is a JSON document a script can read back
        ObjectMapper m = new ObjectMapper();
        String[] lines = text.split("\n");
        for (int i = 0; i < 3; i++) {
            JsonNode n = m.readTree(lines[i]);
            assertEquals(h.get(i).epoch(), n.get("epoch").asInt());
            assertEquals(h.get(i).updates(), n.get("updates").asLong());
        }
        assertEquals("diverged: \"inf\"", m.readTree(lines[3]).get("stopReason").asText());
    }

    @Test
    void jsonWithoutRunNameHasNoRunField() {
        StringWriter sw = new StringWriter();
        try (ProgressDisplay d = ProgressFactory.create(ProgressMode.JSON, new PrintWriter(sw)).start(null, 1)) {
            d.onEpoch(new EpochStats(1, 1, 1, 1, 1, 1, 1), null);
        }
        assertEquals("{\"event\":\"epoch\",\"epoch\":1,\"maxEpochs\":1,\"loss\":1.0,\"accuracy\":1.0,\"validationLoss\":1.0,"
                + "\"validationAccuracy\":1.0,\"updates\":1,\"millis\":1.0}", sw.toString().strip());
    }

    @Test
    void barRendersEpochOverMaxTheStatisticsAndTheStopReasonIntoACapturedStream() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressFactory f = ProgressFactory.create(ProgressMode.BAR, ps).withFixedWidth(140);
        assertEquals(ProgressMode.BAR, f.mode());
        try (ProgressDisplay d = f.start("train", 4)) {
            for (EpochStats s : FOUR.subList(0, 3)) d.onEpoch(s, null);
            d.finish(new TrainingResult(FOUR.subList(0, 3), "target error reached"));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\r"), "redraws in place: " + out);
        String[] frames = out.split("\r");
        String lastFrame = frames[frames.length - 1].strip();
        assertTrue(lastFrame.startsWith("train"), lastFrame);
        assertTrue(lastFrame.startsWith("train 3/4 │"), lastFrame);
        assertTrue(lastFrame.contains("│  75% in 0:00:0"), lastFrame);
        assertTrue(lastFrame.endsWith("  loss 0.2500 val 0.3000 acc 90.00% val_acc 85.00%  (target error reached)"), lastFrame);
        assertTrue(lastFrame.contains("█"), "unicode blocks on a UTF-8 stream: " + lastFrame);
        for (String frame : frames) assertTrue(frame.strip().length() <= 140, "fits the width: " + frame);
        assertTrue(out.endsWith(System.lineSeparator()), "close ends the line");
    }

    /**
     * The race behind the CI failure of the test above, made certain: the library's single refresh
     * thread (me.tongfei:progressbar 0.10.1, {@code Util.executor}) is held busy until close has
     * cancelled the bar's periodic task and queued its final refresh, so the periodic task never
     * ran. The library's final refresh then takes its "first run" branch, which draws but never
     * closes the consumer: without our own close the line is not ended.
     */
    @Test
    void closeEndsTheLineEvenIfTheRefreshThreadNeverRanBeforeIt() throws Exception {
        java.lang.reflect.Field f = Class.forName("me.tongfei.progressbar.Util").getDeclaredField("executor");
        f.setAccessible(true);
        java.util.concurrent.ScheduledThreadPoolExecutor executor = (java.util.concurrent.ScheduledThreadPoolExecutor) f.get(null);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        executor.execute(() -> {
            holding.countDown();
            long deadline = System.nanoTime() + 30_000 * MS;   // never hang the suite, whatever the library does
            // release once close has queued its one-shot final refresh (the only non-periodic task)
            while (System.nanoTime() < deadline && executor.getQueue().stream()
                    .noneMatch(r -> r instanceof java.util.concurrent.RunnableScheduledFuture<?> t && !t.isPeriodic())) {
                Thread.onSpinWait();
            }
        });
        assertTrue(holding.await(30, java.util.concurrent.TimeUnit.SECONDS), "the refresh thread started");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressDisplay d = ProgressFactory.create(ProgressMode.BAR, ps).withFixedWidth(140).start("train", 4)) {
            for (EpochStats s : FOUR.subList(0, 3)) d.onEpoch(s, null);
            d.finish(new TrainingResult(FOUR.subList(0, 3), "target error reached"));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.endsWith(System.lineSeparator()), "close ends the line: " + out);
        String[] frames = out.split("\r");
        assertTrue(frames[frames.length - 1].strip().endsWith("(target error reached)"), out);
        // nothing is drawn after close, even by a refresh that was still queued
        Thread.sleep(3 * BarProgress.UPDATE_MILLIS);
        assertEquals(out, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void barThroughAPrintWriterKeepsUnicodeIntactAndAsciiOnOtherCharsets() {
        StringWriter sw = new StringWriter();
        try (ProgressDisplay d = ProgressFactory.create(ProgressMode.BAR, new PrintWriter(sw)).withFixedWidth(120).start("fold 1", 2)) {
            d.onEpoch(FOUR.get(0), null);
            d.onEpoch(FOUR.get(1), null);
            d.finish(new TrainingResult(FOUR.subList(0, 2), "max epochs (2)"));
        }
        assertTrue(sw.toString().contains("█"), sw.toString());
        assertTrue(sw.toString().contains("2/2"), sw.toString());
        assertFalse(sw.toString().contains("\uFFFD"), "no broken characters: " + sw);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream latin = new PrintStream(bytes, true, StandardCharsets.ISO_8859_1);
        try (ProgressDisplay d = ProgressFactory.create(ProgressMode.BAR, latin).withFixedWidth(120).start("t", 2)) {
            d.onEpoch(FOUR.get(0), null);
        }
        String out = bytes.toString(StandardCharsets.ISO_8859_1);
        assertTrue(out.contains("1/2"), out);
        assertTrue(out.contains("[===="), "ASCII style: " + out);
        // "?" is the bar's unknown ETA before the first epoch; any other "?" would be an unmappable character
        assertFalse(out.replace("ETA ?", "").contains("?"), "nothing unmappable: " + out);
    }

    @Test
    void modesFromFlagsAndTerminal() {
        assertEquals(ProgressMode.QUIET, ProgressMode.fromFlags(true, true, true));
        assertEquals(ProgressMode.JSON, ProgressMode.fromFlags(false, true, true));
        assertEquals(ProgressMode.PLAIN, ProgressMode.fromFlags(false, false, true));
        assertEquals(ProgressMode.AUTO, ProgressMode.fromFlags(false, false, false));
        assertEquals(ProgressMode.BAR, ProgressMode.AUTO.resolve(true));
        assertEquals(ProgressMode.PLAIN, ProgressMode.AUTO.resolve(false));
        for (ProgressMode m : List.of(ProgressMode.BAR, ProgressMode.PLAIN, ProgressMode.QUIET, ProgressMode.JSON)) {
            assertEquals(m, m.resolve(false));
            assertEquals(m, m.resolve(true));
        }
        assertFalse(ProgressMode.isInteractiveTerminal(null, Map.of("TERM", "xterm")));
        // surefire runs the tests with redirected streams: AUTO must not pick the bar there
        assertEquals(ProgressMode.PLAIN, ProgressFactory.create(ProgressMode.AUTO, new PrintWriter(new StringWriter())).mode());
        assertThrows(IllegalArgumentException.class, () -> ProgressFactory.create(ProgressMode.PLAIN, new PrintWriter(new StringWriter())).withFixedWidth(3));
    }

    @Test
    void writerOutputStreamReassemblesCharactersSplitAcrossWrites() throws Exception {
        StringWriter sw = new StringWriter();
        WriterOutputStream os = new WriterOutputStream(sw);
        byte[] b = "a│█é€\uD83D\uDE00z".getBytes(StandardCharsets.UTF_8);
        for (byte x : b) os.write(x); // one byte at a time: every multi-byte character is split
        byte[] big = "█".repeat(500).getBytes(StandardCharsets.UTF_8); // larger than the 256-byte buffer
        os.write(big, 0, big.length);
        assertEquals("a│█é€\uD83D\uDE00z" + "█".repeat(500), sw.toString());
    }
}
