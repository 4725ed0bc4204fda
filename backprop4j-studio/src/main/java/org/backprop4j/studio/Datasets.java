package org.backprop4j.studio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.backprop4j.Rng;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.ReadOptions;

/**
 * The studio's two-input data sets. Each one is first written as CSV text ({@code x1,x2,class},
 * class 0 or 1) and then read back with the library's {@link CsvReader}, exactly as
 * {@code backprop4j train} reads the exported file: the studio trains on the very numbers the
 * exported command will read.
 */
final class Datasets {
    private Datasets() {}

    /** The names the page offers. */
    static final List<String> NAMES = List.of("xor", "spirals", "circles", "blobs", "rule", "csv");

    /** Largest user CSV accepted (bytes) and most patterns of a generated set. */
    static final int MAX_CSV_BYTES = 2_000_000, MAX_PATTERNS = 2000;

    /** The generated CSV text of {@code name} ({@code csv}: the user's file, re-encoded with classes 0/1). */
    static String csv(String name, int n, double noise, long seed, String userCsv) throws IOException {
        Rng rng = new Rng(seed);
        StringBuilder sb = new StringBuilder("x1,x2,class\n");
        switch (name) {
            case "xor" -> {
                // the four patterns of seed 000's XOR: not linearly separable
                DataSet x = BuiltinData.xor();
                for (int p = 0; p < x.size(); p++) row(sb, x.x()[2 * p], x.x()[2 * p + 1], x.label(p));
            }
            case "spirals" -> {
                // Lang & Witbrock's two spirals (BuiltinData), n/2 points per spiral, jittered by noise·0.1
                DataSet s = BuiltinData.twoSpirals(Math.max(2, n / 2));
                for (int p = 0; p < s.size(); p++) {
                    row(sb, s.x()[2 * p] + 0.1 * noise * rng.nextGaussian(), s.x()[2 * p + 1] + 0.1 * noise * rng.nextGaussian(), s.label(p));
                }
            }
            case "circles" -> {
                // class 1 inside radius 0.5, class 0 on the ring 0.7..1.0; noise jitters both coordinates
                for (int p = 0; p < n; p++) {
                    int c = p % 2;
                    double r = c == 1 ? 0.5 * Math.sqrt(rng.nextDouble()) : 0.7 + 0.3 * rng.nextDouble();
                    double a = rng.uniform(0, 2 * Math.PI);
                    row(sb, r * Math.cos(a) + 0.1 * noise * rng.nextGaussian(), r * Math.sin(a) + 0.1 * noise * rng.nextGaussian(), c);
                }
            }
            case "blobs" -> {
                // two Gaussian blobs centred at (−0.5, −0.5) and (0.5, 0.5), standard deviation 0.15 + 0.35·noise
                double sd = 0.15 + 0.35 * noise;
                for (int p = 0; p < n; p++) {
                    int c = p % 2;
                    double m = c == 1 ? 0.5 : -0.5;
                    row(sb, m + sd * rng.nextGaussian(), m + sd * rng.nextGaussian(), c);
                }
            }
            case "rule" -> {
                // MONK-like: x1, x2 uniform in [0, 3); attributes a = ⌊x⌋ + 1 ∈ {1, 2, 3}; class 1 iff
                // a1 = a2 or a2 = 1 (MONK-1's "a1 = a2 or a5 = 1" on two attributes); each label flipped with probability noise
                for (int p = 0; p < n; p++) {
                    double x1 = rng.uniform(0, 3), x2 = rng.uniform(0, 3);
                    int a1 = (int) Math.floor(x1) + 1, a2 = (int) Math.floor(x2) + 1;
                    int c = a1 == a2 || a2 == 1 ? 1 : 0;
                    if (rng.nextDouble() < noise) c = 1 - c;
                    row(sb, x1, x2, c);
                }
            }
            case "csv" -> {
                if (userCsv == null || userCsv.isBlank()) throw new IllegalArgumentException("data set csv: choose a CSV file first");
                return userCsv(userCsv);
            }
            default -> throw new IllegalArgumentException("unknown data set '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
        }
        return sb.toString();
    }

    /**
     * A user's CSV (two numeric input columns, then a class column with two values; header optional),
     * re-encoded as {@code x1,x2,class} with the classes numbered 0 and 1 in sorted order (the library's order).
     */
    static String userCsv(String text) throws IOException {
        if (text.length() > MAX_CSV_BYTES) throw new IllegalArgumentException("the CSV is larger than " + MAX_CSV_BYTES / 1000 + " kB");
        DataSet ds = read(text, "user.csv", true);
        if (ds.inputs() != 2) {
            throw new IllegalArgumentException("user.csv: the studio needs exactly two numeric input columns before the class column, found "
                    + ds.inputs() + " inputs after encoding " + ds.inputNames());
        }
        if (ds.classNames().size() != 2) {
            throw new IllegalArgumentException("user.csv: the class column (the last one) must have exactly two values, found "
                    + ds.classNames().size() + " " + ds.classNames());
        }
        if (ds.size() > MAX_PATTERNS) throw new IllegalArgumentException("user.csv: at most " + MAX_PATTERNS + " rows, found " + ds.size());
        StringBuilder sb = new StringBuilder("x1,x2,class\n");
        for (int p = 0; p < ds.size(); p++) {
            sb.append(Float.toString(ds.x()[2 * p])).append(',').append(Float.toString(ds.x()[2 * p + 1])).append(',').append(ds.label(p)).append('\n');
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, double x1, double x2, int c) {
        sb.append(Float.toString((float) x1)).append(',').append(Float.toString((float) x2)).append(',').append(c).append('\n');
    }

    /**
     * Reads CSV text with the library's reader, as {@code train FILE --classes} (one unit per class)
     * or {@code train FILE --regression} (one 0/1 output) reads it.
     */
    static DataSet read(String text, String name, boolean classes) throws IOException {
        Path dir = Files.createTempDirectory("bp4j-studio");
        Path f = dir.resolve(name);
        try {
            Files.writeString(f, text, StandardCharsets.UTF_8);
            return CsvReader.read(f, ReadOptions.defaults().classTarget(classes));
        } catch (DataFormatException e) {
            throw new IllegalArgumentException(e.getMessage().replace(f.toString(), name), e);
        } finally {
            Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        }
    }

    static String describe(String name) {
        return switch (name) {
            case "xor" -> "XOR: the four patterns (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0";
            case "spirals" -> "two spirals (Lang & Witbrock), three turns each";
            case "circles" -> "class 1 inside radius 0.5, class 0 on a ring";
            case "blobs" -> "two Gaussian blobs";
            case "rule" -> "MONK-like rule: class 1 iff ⌊x1⌋ = ⌊x2⌋ or ⌊x2⌋ = 0, labels flipped with probability = noise";
            default -> "your CSV file";
        };
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
