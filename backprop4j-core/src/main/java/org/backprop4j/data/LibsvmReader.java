package org.backprop4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * LIBSVM/SVMlight sparse text, gzip or not: one pattern per line,
 * {@code label index:value index:value ...} with 1-based, strictly increasing indices; absent
 * features are 0; {@code #} starts a comment. The number of features is the largest index seen,
 * or {@link ReadOptions#features(int)} (then a larger index is an error). Labels are classes
 * (distinct values in increasing order, named canonically: "-1", "1", "3") unless
 * {@link ReadOptions#classTarget(boolean) classTarget(false)} asks for regression; with a schema
 * the classes and feature count are the schema's.
 */
public final class LibsvmReader {
    private LibsvmReader() {}

    public static DataSet read(Path file) throws IOException {
        return read(file, ReadOptions.defaults());
    }

    public static DataSet read(Path file, ReadOptions o) throws IOException {
        String src = Sources.name(file);
        List<int[]> idx = new ArrayList<>();
        List<float[]> val = new ArrayList<>();
        List<Double> labels = new ArrayList<>();
        List<Long> lineNos = new ArrayList<>();
        int limit = o.schema != null ? o.schema.encodedInputs() : o.features;
        int maxIndex = 0;
        long maxLine = 0, nonZeros = 0;
        int maxColumn = 0;
        try (Sources.Lines in = new Sources.Lines(file, o.charset, o.notices, o.commandLine)) {
            String s;
            while ((s = in.next()) != null) {
                long no = in.lineNo();
                int hash = s.indexOf('#');
                if (hash >= 0) s = s.substring(0, hash);
                String t = s.strip();
                if (t.isEmpty()) continue;
                String[] f = t.split("[ \t]+");
                labels.add(Numbers.parse(f[0], src, no, 1));
                int[] ix = new int[f.length - 1];
                float[] vx = new float[f.length - 1];
                int prev = 0;
                for (int j = 1; j < f.length; j++) {
                    int colon = f[j].indexOf(':');
                    if (colon <= 0) throw new DataFormatException(src, no, j + 1, "expected index:value, found \"" + Numbers.clip(f[j]) + "\"");
                    String is = f[j].substring(0, colon);
                    int index;
                    try {
                        index = Integer.parseInt(is);
                    } catch (NumberFormatException e) {
                        throw new DataFormatException(src, no, j + 1, "expected a positive integer index, found \"" + Numbers.clip(is) + "\"");
                    }
                    if (index < 1) throw new DataFormatException(src, no, j + 1, "feature index " + index + " must be at least 1 (indices are 1-based)");
                    if (index <= prev) throw new DataFormatException(src, no, j + 1, "feature index " + index + " after " + prev + ": indices must be strictly increasing");
                    if (limit > 0 && index > limit) throw new DataFormatException(src, no, j + 1, "feature index " + index + " exceeds the " + limit + " features expected");
                    if (index > 10_000_000) throw new DataFormatException(src, no, j + 1, "feature index " + index + " is implausibly large (dense storage)");
                    prev = index;
                    ix[j - 1] = index - 1;
                    vx[j - 1] = (float) Numbers.parse(f[j].substring(colon + 1), src, no, j + 1);
                }
                if (prev > maxIndex) {
                    maxIndex = prev;
                    maxLine = no;
                    maxColumn = f.length;
                }
                nonZeros += ix.length;
                idx.add(ix);
                val.add(vx);
                lineNos.add(no);
            }
        }
        if (labels.isEmpty()) throw new DataFormatException(src, 0, 0, "no data (empty file)");
        int n = limit > 0 ? limit : maxIndex;
        if (n == 0) throw new DataFormatException(src, 0, 0, "no features in any line");
        int m = labels.size();
        if ((long) m * n > Integer.MAX_VALUE - 8) throw new DataFormatException(src, 0, 0, m + " rows × " + n + " features are too many for dense storage");
        // a hostile (or mistyped) index must not make a tiny file allocate gigabytes (found by
        // fuzzing: 22 bytes asked for 1 GB): without an explicit feature count, the dense matrix
        // and the per-feature names must stay within 1000 values per value actually present
        long plausible = 1000L * (nonZeros + m);
        if (limit == 0 && ((n > 100_000 && n > plausible) || ((long) m * n > (1L << 22) && (long) m * n > plausible))) {
            throw new DataFormatException(src, maxLine, maxColumn, "feature index " + n + " makes a dense matrix of " + m + " × " + n
                    + " values for only " + nonZeros + " non-zero ones: implausibly sparse for dense storage (if the data really has "
                    + n + " features, give the feature count explicitly)");
        }
        float[] x = new float[m * n];
        for (int p = 0; p < m; p++) {
            int[] ix = idx.get(p);
            float[] vx = val.get(p);
            for (int j = 0; j < ix.length; j++) x[p * n + ix[j]] = vx[j];
        }
        List<Attribute> inputs = new ArrayList<>();
        for (int j = 0; j < n; j++) inputs.add(Attribute.numeric("f" + (j + 1)));
        boolean classes = o.schema != null ? o.schema.isClassification() : !Boolean.FALSE.equals(o.classTarget);
        if (!classes) {
            float[] d = new float[m];
            for (int p = 0; p < m; p++) d[p] = labels.get(p).floatValue();
            Schema sc = new Schema(inputs, List.of(Attribute.numeric("label")));
            return new DataSet(x, d, n, 1, null, sc.encodedInputNames(), sc);
        }
        List<String> names;
        if (o.schema != null) {
            names = o.schema.classNames();
        } else {
            TreeMap<Double, String> distinct = new TreeMap<>();
            // v + 0.0 folds −0 into 0: they are one class (both named "0"), not two (found by fuzzing)
            for (double v : labels) distinct.putIfAbsent(v + 0.0, Encoder.canonical(v));
            if (distinct.size() < 2) throw new DataFormatException(src, 0, 0, "only one distinct label; a classification set needs two (or ask for regression)");
            names = new ArrayList<>(distinct.values());
        }
        int k = names.size();
        float[] d = new float[m * k];
        for (int p = 0; p < m; p++) {
            int c = names.indexOf(Encoder.canonical(labels.get(p)));
            if (c < 0) throw new DataFormatException(src, lineNos.get(p), 1, "unknown class label " + Encoder.canonical(labels.get(p)) + " (expected one of " + Encoder.abbreviate(names) + ")");
            d[p * k + c] = 1f;
        }
        Schema sc = new Schema(inputs, List.of(Attribute.nominal("label", names)));
        return new DataSet(x, d, n, k, names, sc.encodedInputNames(), sc);
    }
}
