package org.backprop4j.cli.progress;

import java.util.Locale;
import org.backprop4j.train.EpochStats;

/** Locale-independent number formats shared by the text displays. */
final class Fmt {
    private Fmt() {
    }

    /** A loss with 6 significant digits ({@code %g}: decimal from 1e-4 up, scientific below). */
    static String loss(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** A loss with 4 significant digits, for the narrow bar. */
    static String shortLoss(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** A fraction in [0, 1] as a percentage with {@code decimals} decimals. */
    static String percent(double fraction, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * fraction);
    }

    /** A duration as H:MM:SS (rounded to the second). */
    static String hms(double millis) {
        long s = Math.round(millis / 1000);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** Seconds with 3 significant digits or more, e.g. "0.0420 s", "4.21 s", "123 s". */
    static String seconds(double millis) {
        double s = millis / 1000;
        return (s >= 100 ? String.format(Locale.ROOT, "%.0f", s) : String.format(Locale.ROOT, "%.3g", s)) + " s";
    }

    /** Sum of the epochs' wall-clock times. */
    static double totalMillis(Iterable<EpochStats> history) {
        double t = 0;
        for (EpochStats s : history) t += s.millis();
        return t;
    }

    /**
     * The estimated time to reach {@code maxEpochs}: the mean wall-clock time per epoch so far times
     * the epochs left (an upper bound when early stopping ends the run sooner).
     */
    static double etaMillis(double elapsedMillis, int epoch, int maxEpochs) {
        return epoch <= 0 ? Double.NaN : elapsedMillis / epoch * Math.max(0, maxEpochs - epoch);
    }

    /** "" for a null or blank run name, else "name: ". */
    static String prefix(String run) {
        return run == null || run.isBlank() ? "" : run + ": ";
    }
}
