package org.backprop4j.cli.progress;

import java.io.PrintWriter;
import java.util.function.LongSupplier;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingResult;

/**
 * One line per epoch, for logs and pipes: at most one line per {@code minIntervalMillis}
 * (the first epoch and the epoch {@code maxEpochs} are always printed), then the last epoch if it
 * was skipped and a line saying why training stopped. The ETA is the wall-clock time since the
 * display started, per epoch, times the epochs left to {@code maxEpochs}; the time in the last line is
 * the training time the trainer measured (the sum of {@link EpochStats#millis()}).
 *
 * <pre>
 * epoch   1/100  loss 0.693147  val_loss 0.701234  acc 50.00%  val_acc 48.00%  ETA 0:00:04
 * finished after 100 epochs (4.21 s): max epochs (100)
 * </pre>
 */
final class PlainProgress implements ProgressDisplay {
    private final PrintWriter out;
    private final Object lock;
    private final String prefix;
    private final int maxEpochs;
    private final int width;
    private final LongSupplier nanoTime;
    private final long minIntervalNanos;
    private long lastPrint;
    private boolean printedAny;
    private int lastPrinted;
    private final long startNanos;
    private double elapsedMillis; // wall-clock time from the start of the display to the last epoch

    PlainProgress(PrintWriter out, Object lock, String run, int maxEpochs, LongSupplier nanoTime, long minIntervalMillis) {
        this.out = out;
        this.lock = lock;
        this.prefix = Fmt.prefix(run);
        this.maxEpochs = maxEpochs;
        this.width = Integer.toString(Math.max(1, maxEpochs)).length();
        this.nanoTime = nanoTime;
        this.minIntervalNanos = minIntervalMillis * 1_000_000L;
        this.startNanos = nanoTime.getAsLong();
    }

    @Override
    public void onEpoch(EpochStats s, Trainer trainer) {
        long now = nanoTime.getAsLong();
        elapsedMillis = (now - startNanos) / 1e6;
        if (!printedAny || s.epoch() >= maxEpochs || now - lastPrint >= minIntervalNanos) {
            print(s);
            lastPrint = now;
        }
    }

    private void print(EpochStats s) {
        StringBuilder sb = new StringBuilder(prefix).append("epoch ")
                .append(String.format(java.util.Locale.ROOT, "%" + width + "d", s.epoch())).append('/').append(maxEpochs)
                .append("  loss ").append(Fmt.loss(s.loss()));
        if (!Double.isNaN(s.validationLoss())) sb.append("  val_loss ").append(Fmt.loss(s.validationLoss()));
        if (!Double.isNaN(s.accuracy())) sb.append("  acc ").append(Fmt.percent(s.accuracy(), 2));
        if (!Double.isNaN(s.validationAccuracy())) sb.append("  val_acc ").append(Fmt.percent(s.validationAccuracy(), 2));
        if (s.epoch() < maxEpochs) sb.append("  ETA ").append(Fmt.hms(Fmt.etaMillis(elapsedMillis, s.epoch(), maxEpochs)));
        synchronized (lock) {
            out.println(sb);
            out.flush();
        }
        printedAny = true;
        lastPrinted = s.epoch();
    }

    @Override
    public void finish(TrainingResult result) {
        finish(result, Fmt.totalMillis(result.history()) / 1e3);
    }

    @Override
    public void finish(TrainingResult result, double seconds) {
        EpochStats end = result.last();
        if (end != null && end.epoch() != lastPrinted) print(end);
        int n = result.epochs();
        String line = prefix + "finished after " + n + (n == 1 ? " epoch" : " epochs")
                + " (" + Fmt.seconds(seconds * 1e3) + "): " + result.stopReason();
        synchronized (lock) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            out.flush();
        }
    }
}
