package org.backprop4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The MONK's problems (Thrun et al. 1991): six nominal attributes with value counts
 * 3, 3, 2, 3, 4, 2 (codes from 1) and a 0/1 class. Files hold one example per line,
 * {@code " class a1 a2 a3 a4 a5 a6 Id"}. Inputs are one-hot encoded (17 inputs); the target is
 * one 0/1 column (for a logistic output) and the classes are named "0" and "1".
 */
public final class MonkFormat {
    /** Number of values of attributes a1..a6. */
    public static final int[] VALUES = {3, 3, 2, 3, 4, 2};
    /** One-hot width: 3+3+2+3+4+2. */
    public static final int INPUTS = 17;

    private MonkFormat() {}

    /**
     * Reads a MONK file (UCI layout, gzip or not): 7 fields (class a1..a6) or 8 (plus the Id).
     * Any malformed line gives a DataFormatException naming file, line and field.
     */
    public static DataSet read(Path file) throws IOException {
        String name = Sources.name(file);
        List<int[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Sources.Lines r = new Sources.Lines(file)) {
            String line;
            while ((line = r.next()) != null) {
                long no = r.lineNo();
                String t = line.strip();
                if (t.isEmpty()) continue;
                String[] f = t.split("\\s+");
                if (f.length < 7 || f.length > 8) {
                    throw new DataFormatException(name, no, Math.min(f.length, 8) + 1, "expected 'class a1 a2 a3 a4 a5 a6 [Id]' (7 or 8 fields), found " + f.length + " fields");
                }
                int cls = parseInt(f[0], name, no, 1);
                if (cls != 0 && cls != 1) throw new DataFormatException(name, no, 1, "class must be 0 or 1, found " + f[0]);
                int[] a = new int[6];
                for (int i = 0; i < 6; i++) {
                    a[i] = parseInt(f[i + 1], name, no, i + 2);
                    if (a[i] < 1 || a[i] > VALUES[i]) {
                        throw new DataFormatException(name, no, i + 2, "a" + (i + 1) + " must be 1.." + VALUES[i] + ", found " + f[i + 1]);
                    }
                }
                rows.add(a);
                labels.add(cls);
            }
        }
        if (rows.isEmpty()) throw new DataFormatException(name, 0, 0, "no examples (empty file)");
        int[][] attrs = rows.toArray(new int[0][]);
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        return encode(attrs, y);
    }

    /** One-hot encodes attribute tuples (codes from 1) with 0/1 classes. */
    public static DataSet encode(int[][] attrs, int[] classes) {
        float[] x = new float[attrs.length * INPUTS];
        float[] d = new float[attrs.length];
        for (int p = 0; p < attrs.length; p++) {
            int off = 0;
            for (int i = 0; i < 6; i++) {
                x[p * INPUTS + off + attrs[p][i] - 1] = 1f;
                off += VALUES[i];
            }
            d[p] = classes[p];
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) for (int v = 1; v <= VALUES[i]; v++) names.add("a" + (i + 1) + "=" + v);
        return new DataSet(x, d, INPUTS, 1, List.of("0", "1"), names);
    }

    private static int parseInt(String s, String name, long line, int col) throws DataFormatException {
        try {
            if (!s.matches("[+-]?[0-9]{1,9}")) throw new NumberFormatException(s);
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new DataFormatException(name, line, col, "expected an integer, found \"" + Numbers.clip(s) + "\"");
        }
    }
}
