package org.backprop4j.cli.progress;

import java.io.PrintWriter;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingResult;

/**
 * Lines for logs and pipes: at most one line per {@code minIntervalMillis} (the first epoch and the
 * epoch {@code maxEpochs} are always printed), then the last epoch if it was skipped and one line
 * saying why training stopped. An epoch that runs longer than the interval gets lines within it
 * ({@code pattern P/N}, polled from the trainer's counter), so a log shows a slow epoch advance.
 * The ETA is {@link Eta}'s (left out while not known); the time in the last line is the training
 * time as the command measured it.
 *
 * <pre>
 * epoch 1/2  pattern 22176/60000  ETA 0:00:25
 * epoch 1/2  loss 0.693147  val_loss 0.701234  acc 50.00%  val_acc 48.00%  ETA 0:00:14
 * finished after 2 epochs (29.1 s): max epochs (2)
 * </pre>
 */
final class PlainProgress implements ProgressDisplay {
    /** How often the trainer's counter is polled for lines within an epoch. */
    static final long POLL_MILLIS = 250;

    private final PrintWriter out;
    private final Object lock;
    private final String prefix;
    private final int maxEpochs;
    private final int width;
    private final LongSupplier nanoTime;
    private final long minIntervalNanos;
    private final boolean poll;
    private final RunProgress run;
    private long lastPrint;
    private boolean printedAny;
    private int lastPrinted;
    private long lastPatterns = -1;   // the counter at the last line within an epoch
    private boolean ended;
    private Future<?> task;

    /** @param poll whether to poll the trainer's counter on the {@link Ticker} (tests call {@link #poll} themselves) */
    PlainProgress(PrintWriter out, Object lock, String run, int maxEpochs, LongSupplier nanoTime, long minIntervalMillis, boolean poll) {
        this.out = out;
        this.lock = lock;
        this.prefix = Fmt.prefix(run);
        this.maxEpochs = maxEpochs;
        this.width = Integer.toString(Math.max(1, maxEpochs)).length();
        this.nanoTime = nanoTime;
        this.minIntervalNanos = minIntervalMillis * 1_000_000L;
        this.poll = poll;
        this.run = new RunProgress(maxEpochs, nanoTime);
        this.lastPrint = nanoTime.getAsLong();
    }

    /** The run started: poll this counter of patterns presented, {@code perEpoch} to an epoch. */
    @Override
    public synchronized void follow(LongSupplier presented, int perEpoch) {
        run.start(presented, perEpoch);
        if (poll && task == null && !ended) task = Ticker.every(POLL_MILLIS, this::poll);
    }

    @Override
    public synchronized void onEpoch(EpochStats s, Trainer trainer) {
        run.epochDone(s.epoch());
        long now = nanoTime.getAsLong();
        if (!printedAny || s.epoch() >= maxEpochs || now - lastPrint >= minIntervalNanos) {
            print(s);
            lastPrint = now;
        }
    }

    /**
     * A line within the running epoch, if the last line is at least the interval old and the
     * counter has moved since: {@code epoch E/MAX  pattern P/N  ETA …}.
     */
    synchronized void poll() {
        if (ended) return;
        double left = run.millisLeft();
        int per = run.perEpoch();
        if (per == 0) return;
        long presented = run.patterns(), inEpoch = presented % per;
        long now = nanoTime.getAsLong();
        if (inEpoch == 0 || presented == lastPatterns || now - lastPrint < minIntervalNanos) return;
        StringBuilder sb = new StringBuilder(prefix).append("epoch ")
                .append(String.format(java.util.Locale.ROOT, "%" + width + "d", presented / per + 1)).append('/').append(maxEpochs)
                .append("  pattern ").append(inEpoch).append('/').append(per);
        if (!Double.isNaN(left)) sb.append("  ETA ").append(Fmt.hms(left));
        line(sb.toString());
        lastPrint = now;
        lastPatterns = presented;
    }

    private void print(EpochStats s) {
        StringBuilder sb = new StringBuilder(prefix).append("epoch ")
                .append(String.format(java.util.Locale.ROOT, "%" + width + "d", s.epoch())).append('/').append(maxEpochs)
                .append("  loss ").append(Fmt.loss(s.loss()));
        if (!Double.isNaN(s.validationLoss())) sb.append("  val_loss ").append(Fmt.loss(s.validationLoss()));
        if (!Double.isNaN(s.accuracy())) sb.append("  acc ").append(Fmt.percent(s.accuracy(), 2));
        if (!Double.isNaN(s.validationAccuracy())) sb.append("  val_acc ").append(Fmt.percent(s.validationAccuracy(), 2));
        double left = run.millisLeft();
        if (s.epoch() < maxEpochs && !Double.isNaN(left)) sb.append("  ETA ").append(Fmt.hms(left));
        line(sb.toString());
        printedAny = true;
        lastPrinted = s.epoch();
    }

    private void line(String text) {
        synchronized (lock) {
            out.println(text);
            out.flush();
        }
    }

    @Override
    public void finish(TrainingResult result) {
        finish(result, Fmt.totalMillis(result.history()) / 1e3);
    }

    @Override
    public synchronized void finish(TrainingResult result, double seconds) {
        stopPolling();
        EpochStats end = result.last();
        if (end != null && end.epoch() != lastPrinted) print(end);
        int n = result.epochs();
        line(prefix + "finished after " + n + (n == 1 ? " epoch" : " epochs") + " (" + Fmt.seconds(seconds * 1e3) + "): " + result.stopReason());
    }

    private void stopPolling() {
        ended = true;
        if (task != null) task.cancel(false);
    }

    @Override
    public synchronized void close() {
        stopPolling();
        synchronized (lock) {
            out.flush();
        }
    }
}
