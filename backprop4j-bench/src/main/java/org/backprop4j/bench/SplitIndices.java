package org.backprop4j.bench;

import java.nio.file.Path;
import java.util.Arrays;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.data.Splits;

/**
 * Prints the validation indices that {@code backprop4j train DATA --validation F --seed S} holds out
 * (stratified for classes), comma-separated, so a peer can be trained and tested on the same split.
 * <pre>SplitIndices DATA F SEED</pre>
 */
public final class SplitIndices {
    private SplitIndices() {}

    public static void main(String[] args) throws Exception {
        DataSet raw = DataFiles.read(Path.of(args[0]), ReadOptions.defaults());
        double f = Double.parseDouble(args[1]);
        long seed = Long.parseLong(args[2]);
        Splits.Split s = raw.isClassification()
                ? Splits.stratifiedHoldOut(Splits.labels(raw), f, seed)
                : Splits.holdOut(raw.size(), f, seed);
        int[] test = s.test().clone();
        Arrays.sort(test);
        StringBuilder sb = new StringBuilder();
        for (int i : test) sb.append(sb.isEmpty() ? "" : ",").append(i);
        System.out.println(sb);
    }
}
