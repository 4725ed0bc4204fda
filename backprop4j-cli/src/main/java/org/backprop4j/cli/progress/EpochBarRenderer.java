package org.backprop4j.cli.progress;

import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;
import org.backprop4j.train.EpochStats;

/**
 * Renders one bar line that fits the terminal, dropping detail rather than the bar when narrow:
 * <pre>
 * train  42/100 │█████████▋             │  42% ETA 0:00:03  loss 0.1235 val 0.1410 acc 96.67% val_acc 93.33%
 * train 42/100 │████▋      │  42% ETA 0:00:03  loss 0.1235/0.1410 acc 96.7%/93.3%      (narrower)
 * </pre>
 * The bar and the percentage advance within an epoch (the patterns presented, polled from the
 * trainer); epoch/max counts the epochs done. After {@link BarProgress#finish} the ETA becomes the
 * elapsed time and the stop reason follows, the statistics shrinking for it if need be.
 */
final class EpochBarRenderer implements ProgressBarRenderer {
    /** Narrowest and widest bar (between the brackets). */
    static final int MIN_BAR = 8, MAX_BAR = 40;
    private static final String FRACTIONS = " ▏▎▍▌▋▊▉";

    private final boolean unicode;
    private final RunProgress run;
    private volatile EpochStats stats;
    private volatile String stopReason;
    private int lastBar = -1; // only the progress bar's render thread touches it

    private volatile java.time.Duration duration;

    EpochBarRenderer(boolean unicode, RunProgress run) {
        this.unicode = unicode;
        this.run = run;
    }

    void update(EpochStats s) {
        this.stats = s;
    }

    void finish(EpochStats s, String reason, double seconds) {
        if (s != null) this.stats = s;
        this.stopReason = reason;
        // the run's duration as the command states it (NaN: the bar's own clock)
        if (!Double.isNaN(seconds)) this.duration = java.time.Duration.ofNanos((long) (seconds * 1e9));
    }

    @Override
    public String render(ProgressState state, int maxLength) {
        int[] bar = {lastBar};
        String reason = stopReason;
        long current = state.getCurrent(), max = state.getMax();
        String l;
        if (reason != null) {
            // the end: the epochs that ran, of the maximum
            l = line(state.getTaskName(), current, max, max <= 0 ? 1 : (double) current / max,
                    " in " + Fmt.hms((duration != null ? duration : state.getTotalElapsed()).toMillis()), stats, reason, maxLength, unicode, bar);
        } else {
            // while training: the patterns presented (the trainer's counter, per batch), and the ETA from the measured speed
            double frac = run.fraction(), left = run.millisLeft();
            l = line(state.getTaskName(), current, max, frac, eta(left), stats, null, maxLength, unicode, bar);
        }
        lastBar = bar[0];
        return l;
    }

    /** " ETA H:MM:SS", or " ETA ?" while not known. */
    static String eta(double millisLeft) {
        return " ETA " + (Double.isNaN(millisLeft) ? "?" : Fmt.hms(millisLeft));
    }

    static String line(String name, long current, long max, double frac, String time, EpochStats s, String stopReason, int width,
                       boolean unicode) {
        return line(name, current, max, frac, time, s, stopReason, width, unicode, new int[] {-1});
    }

    /**
     * The bar line.
     *
     * @param current    epochs done
     * @param frac       the fraction of the run done, in [0, 1] (within an epoch too)
     * @param time       " ETA …" while training, " in …" at the end
     * @param s          the last epoch's statistics, null before the first
     * @param stopReason null while training; at the end it is shown even if the statistics must shrink for it
     * @param width      columns available
     * @param lastBar      in: the bar width of the previous frame (-1 for none), out: this frame's. The bar
     *                     keeps its width while the statistics' text grows or shrinks by up to 3 columns,
     *                     so that it does not jitter as digits come and go.
     */
    static String line(String name, long current, long max, double frac, String time, EpochStats s, String stopReason, int width,
                       boolean unicode, int[] lastBar) {
        int digits = Long.toString(max).length();
        String head = name + " " + String.format(java.util.Locale.ROOT, "%" + digits + "d", current) + "/" + max + " ";
        frac = Math.max(0, Math.min(1, frac));
        String pct = String.format(java.util.Locale.ROOT, "%3d%%", (int) Math.floor(100 * frac));
        String tail = pct + time;
        String reason = stopReason == null ? "" : "  (" + stopReason + ")";
        // the richest detail that leaves the bar MIN_BAR cells; the last (nothing, or the stop reason) always goes
        String[] details = s == null ? new String[] {reason} : new String[] {
            "  " + full(s) + reason, "  " + compact(s) + reason, "  loss " + Fmt.shortLoss(s.loss()) + reason, reason};
        for (int i = 0; i < details.length; i++) {
            String d = details[i];
            int bar = width - head.length() - tail.length() - d.length() - 3; // 2 brackets and a space
            if (bar >= MIN_BAR || i == details.length - 1) {
                bar = Math.min(MAX_BAR, bar);
                int prev = lastBar[0];
                if (prev >= MIN_BAR && prev <= bar && bar - prev <= 3) bar = prev;
                lastBar[0] = bar;
                String b = bar >= 3 ? bar(frac, bar, unicode) + " " : "";
                String line = head + b + tail + d;
                return line.length() <= width ? line : line.substring(0, Math.max(0, width));
            }
        }
        throw new AssertionError("unreachable: the last detail is always taken");
    }

    static String full(EpochStats s) {
        return BarProgress.message(s);
    }

    /** Training/validation pairs with fewer digits. */
    static String compact(EpochStats s) {
        StringBuilder sb = new StringBuilder("loss ").append(Fmt.shortLoss(s.loss()));
        if (!Double.isNaN(s.validationLoss())) sb.append('/').append(Fmt.shortLoss(s.validationLoss()));
        if (!Double.isNaN(s.accuracy()) || !Double.isNaN(s.validationAccuracy())) {
            sb.append(" acc ").append(Double.isNaN(s.accuracy()) ? "—" : Fmt.percent(s.accuracy(), 1));
            if (!Double.isNaN(s.validationAccuracy())) sb.append('/').append(Fmt.percent(s.validationAccuracy(), 1));
        }
        return sb.toString();
    }

    /** {@code │████▌     │} with eighth-blocks, or {@code [====>     ]} in ASCII; {@code inner + 2} columns. */
    static String bar(double frac, int inner, boolean unicode) {
        StringBuilder sb = new StringBuilder(inner + 2).append(unicode ? '│' : '[');
        double cells = frac * inner;
        int full = (int) Math.floor(cells);
        for (int i = 0; i < full; i++) sb.append(unicode ? '█' : '=');
        if (full < inner) {
            if (unicode) sb.append(FRACTIONS.charAt((int) Math.floor((cells - full) * 8)));
            else sb.append(full == 0 && cells == 0 ? ' ' : '>');
            for (int i = full + 1; i < inner; i++) sb.append(' ');
        }
        return sb.append(unicode ? '│' : ']').toString();
    }
}
