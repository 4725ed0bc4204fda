package org.backprop4j.cli.progress;

import java.time.Duration;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;
import org.backprop4j.train.EpochStats;

/**
 * Renders one bar line that fits the terminal, dropping detail rather than the bar when narrow:
 * <pre>
 * train  42/100 │█████████▋             │  42% ETA 0:00:03  loss 0.1235 val 0.1410 acc 96.67% val_acc 93.33%
 * train 42/100 │████▋      │  42% ETA 0:00:03  loss 0.1235/0.1410 acc 96.7%/93.3%      (narrower)
 * </pre>
 * After {@link BarProgress#finish} the ETA becomes the elapsed time and the stop reason follows.
 */
final class EpochBarRenderer implements ProgressBarRenderer {
    /** Narrowest and widest bar (between the brackets). */
    static final int MIN_BAR = 8, MAX_BAR = 40;
    private static final String FRACTIONS = " ▏▎▍▌▋▊▉";

    private final boolean unicode;
    private volatile EpochStats stats;
    private volatile String stopReason;
    private int lastBar = -1; // only the progress bar's render thread touches it

    private volatile java.time.Duration duration;

    EpochBarRenderer(boolean unicode) {
        this.unicode = unicode;
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
        String l = line(state.getTaskName(), state.getCurrent(), state.getMax(),
                stopReason != null && duration != null ? duration : state.getTotalElapsed(), stats, stopReason,
                maxLength, unicode, bar);
        lastBar = bar[0];
        return l;
    }

    static String line(String name, long current, long max, Duration elapsed, EpochStats s, String stopReason, int width,
                       boolean unicode) {
        return line(name, current, max, elapsed, s, stopReason, width, unicode, new int[] {-1});
    }

    /**
     * The bar line.
     *
     * @param elapsed    time since the run started
     * @param s          the last epoch's statistics, null before the first
     * @param stopReason null while training
     * @param width      columns available
     * @param lastBar      in: the bar width of the previous frame (-1 for none), out: this frame's. The bar
     *                     keeps its width while the statistics' text grows or shrinks by up to 3 columns,
     *                     so that it does not jitter as digits come and go.
     */
    static String line(String name, long current, long max, Duration elapsed, EpochStats s, String stopReason, int width,
                       boolean unicode, int[] lastBar) {
        int digits = Long.toString(max).length();
        String head = name + " " + String.format(java.util.Locale.ROOT, "%" + digits + "d", current) + "/" + max + " ";
        double frac = max <= 0 ? 1 : Math.min(1, (double) current / max);
        String pct = String.format(java.util.Locale.ROOT, "%3d%%", (int) Math.floor(100 * frac));
        String time = stopReason != null ? " in " + Fmt.hms(elapsed.toMillis())
                : " ETA " + (current <= 0 ? "?" : Fmt.hms(Fmt.etaMillis(elapsed.toMillis(), (int) current, (int) max)));
        String tail = pct + time;
        String reason = stopReason == null ? "" : "  (" + stopReason + ")";
        String[] details = s == null ? new String[] {""} : new String[] {
            "  " + full(s) + reason, "  " + full(s), "  " + compact(s), "  loss " + Fmt.shortLoss(s.loss()), ""};
        for (String d : details) {
            int bar = width - head.length() - tail.length() - d.length() - 3; // 2 brackets and a space
            if (bar >= MIN_BAR || d.isEmpty()) {
                bar = Math.min(MAX_BAR, bar);
                int prev = lastBar[0];
                if (prev >= MIN_BAR && prev <= bar && bar - prev <= 3) bar = prev;
                lastBar[0] = bar;
                String b = bar >= 3 ? bar(frac, bar, unicode) + " " : "";
                String line = head + b + tail + d;
                return line.length() <= width ? line : line.substring(0, Math.max(0, width));
            }
        }
        throw new AssertionError("unreachable: the empty detail always fits");
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
