package org.backprop4j.cli.progress;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingResult;

/**
 * A live progress bar (me.tongfei:progressbar, drawn by {@link EpochBarRenderer}), redrawn in
 * place a few times a second:
 * <pre>
 * train  42/100 │█████████▋             │  42% ETA 0:00:03  loss 0.1235 val 0.1410 acc 96.67% val_acc 93.33%
 * </pre>
 * epoch/max, the bar and percentage (advancing within an epoch, per batch), the estimated time to
 * max epochs ({@link Eta}), and the last epoch's losses and accuracies; on a
 * narrow terminal the statistics get shorter before the bar does. Several bars may be live at once
 * (folds run in parallel): with cursor movement each keeps its own line.
 * At {@link #finish} the bar shows the last epoch and the stop reason, and {@link #close} ends it
 * with a newline.
 */
final class BarProgress implements ProgressDisplay {
    /** Redraw period of the bar's background thread: 5 frames a second. */
    static final int UPDATE_MILLIS = 200;
    private final ProgressBar bar;
    private final EpochBarRenderer renderer;
    private final RunProgress run;
    private final Closing consumer;
    private boolean closed;

    /**
     * @param width       columns to render into, or ≤ 0 to ask the terminal (JLine)
     * @param interactive use cursor movement so that concurrent bars keep their own lines
     */
    BarProgress(PrintStream out, String run, int maxEpochs, int width, boolean interactive, java.util.function.LongSupplier nanoTime) {
        boolean unicode = out.charset().equals(StandardCharsets.UTF_8);
        this.run = new RunProgress(maxEpochs, nanoTime);
        ConsoleProgressBarConsumer consumer = interactive
                ? (width > 0 ? new InteractiveConsoleProgressBarConsumer(out, width) : new InteractiveConsoleProgressBarConsumer(out))
                : (width > 0 ? new ConsoleProgressBarConsumer(out, width) : new ConsoleProgressBarConsumer(out));
        this.renderer = new EpochBarRenderer(unicode, this.run);
        this.consumer = new Closing(consumer);
        this.bar = new ProgressBarBuilder()
                .setTaskName(run == null || run.isBlank() ? "train" : run)
                .setInitialMax(Math.max(1, maxEpochs))
                .setRenderer(renderer)
                .setUpdateIntervalMillis(UPDATE_MILLIS)
                .continuousUpdate()   // redraw every period: the bar moves within an epoch, between the library's steps
                .setConsumer(this.consumer)
                .build();
    }

    /**
     * The library's refresh thread may still be drawing when {@code close} runs (its scheduled task
     * is cancelled without waiting): draws are serialized here and dropped once the consumer is
     * closed, so the line always ends with close's newline. And the library does not always close
     * its consumer: if its refresh thread had not yet run when the bar is closed (a short run on a
     * loaded machine), the final refresh takes the "first run" branch, which draws and returns;
     * {@link BarProgress#close} therefore closes this consumer itself (closing twice is a no-op).
     */
    private static final class Closing implements me.tongfei.progressbar.ProgressBarConsumer {
        private final ConsoleProgressBarConsumer inner;
        private boolean closed;

        Closing(ConsoleProgressBarConsumer inner) {
            this.inner = inner;
        }

        @Override
        public int getMaxRenderedLength() {
            return inner.getMaxRenderedLength();
        }

        @Override
        public synchronized void accept(String rendered) {
            if (!closed) inner.accept(rendered);
        }

        @Override
        public synchronized void clear() {
            if (!closed) inner.clear();
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            inner.close();
        }
    }

    static String message(EpochStats s) {
        StringBuilder sb = new StringBuilder("loss ").append(Fmt.shortLoss(s.loss()));
        if (!Double.isNaN(s.validationLoss())) sb.append(" val ").append(Fmt.shortLoss(s.validationLoss()));
        if (!Double.isNaN(s.accuracy())) sb.append(" acc ").append(Fmt.percent(s.accuracy(), 2));
        if (!Double.isNaN(s.validationAccuracy())) sb.append(" val_acc ").append(Fmt.percent(s.validationAccuracy(), 2));
        return sb.toString();
    }

    /** The run started: the bar follows this counter of patterns presented, {@code perEpoch} to an epoch. */
    @Override
    public void follow(java.util.function.LongSupplier presented, int perEpoch) {
        run.start(presented, perEpoch);
    }

    @Override
    public synchronized void onEpoch(EpochStats s, Trainer trainer) {
        if (closed) return;
        run.epochDone(s.epoch());
        renderer.update(s);
        bar.stepTo(s.epoch());
    }

    @Override
    public synchronized void finish(TrainingResult result) {
        finish(result, Double.NaN);
    }

    @Override
    public synchronized void finish(TrainingResult result, double seconds) {
        if (closed) return;
        EpochStats end = result.last();
        renderer.finish(end, result.stopReason(), seconds);
        if (end != null) bar.stepTo(end.epoch());
        bar.refresh();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        bar.close();       // stops the refresh task and draws the final frame (waits for it)
        consumer.close();  // the newline, even where the library skipped it; later draws are dropped
    }
}
