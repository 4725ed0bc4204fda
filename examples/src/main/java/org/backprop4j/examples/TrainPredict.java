package org.backprop4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop4j.data.MissingValues;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.model.Model;
import org.backprop4j.model.ModelTrainer;
import org.backprop4j.model.Prediction;
import org.backprop4j.train.Settings;

/**
 * Train a model from a CSV file, save it, load it back, and predict raw records.
 *
 * <pre>
 * java -cp ... org.backprop4j.examples.TrainPredict [data/fruit.csv]
 * </pre>
 *
 * The last column is the target (here the fruit); the others are inputs, numeric or nominal,
 * {@code ?} for a missing value. Everything else (task, network, preprocessing) is chosen from the
 * data; the settings below fix what this example wants fixed. For a file without missing values
 * {@code Model.train(csv, settings)} is all step 1 needs. Exits 1 (one line on stderr) if the
 * loaded model does not predict exactly as the trained one.
 */
public final class TrainPredict {
    private TrainPredict() {}

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args.length > 0 ? args[0] : "data/fruit.csv");

        // 1. train: unset settings are chosen from the data (softmax + cross-entropy for classes, Adam, ...)
        Settings settings = Settings.builder().hidden(8).epochs(300).seed(7).build();
        Model model = train(csv, settings);
        System.out.println("trained " + model);

        // 2. save and load: one JSON file (backprop4j-io), written atomically, validated on load
        Path dir = Files.createTempDirectory("backprop4j-example");
        Path file = dir.resolve("fruit.model.json");
        model.save(file);
        Model loaded = Model.load(file);
        System.out.println("saved and loaded " + file.getFileName() + " (" + Files.size(file) + " bytes)");

        // 3. predict raw records: text fields as in the file, or named fields with typed values
        Prediction p = loaded.predict("150", "7.4", "red");
        System.out.println("150 g, 7.4 cm, red -> " + p.label() + " " + p.probabilities());
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("weight_g", 150);
        named.put("diameter_cm", 7.4);
        named.put("colour", "red");
        same(p, loaded.predict(named), "the named record");
        Prediction missing = loaded.predict("120", "?", "yellow");   // '?' = missing: imputed as in training
        System.out.println("120 g, ?, yellow -> " + missing.label() + " " + missing.probabilities());

        // every record of the file: the loaded model answers exactly as the trained one
        List<String> lines = Files.readAllLines(csv);
        int n = 0, correct = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            String[] record = Arrays.copyOf(f, f.length - 1);
            Prediction a = model.predict(record), b = loaded.predict(record);
            same(a, b, "record " + (n + 1));
            n++;
            if (a.label().equals(f[f.length - 1])) correct++;
        }
        System.out.printf("%d records: the loaded model predicts each exactly as the trained one; training accuracy %.3f%n",
                n, correct / (double) n);
        Files.delete(file);
        Files.delete(dir);
    }

    /**
     * Trains on a file whose missing values ({@code ?}) are kept and imputed by the fitted
     * preprocessing (training mean, or most frequent value; stored in the model). The default
     * reading refuses them, naming the line and column.
     */
    static Model train(Path csv, Settings settings) throws java.io.IOException {
        ModelTrainer.Fit fit = new ModelTrainer(settings).fit(csv, ReadOptions.defaults().missing(MissingValues.KEEP));
        if (fit.diverged()) throw new IllegalStateException("training diverged: " + fit.result().stopReason());
        return fit.model();
    }

    /** Exits 1 unless the two predictions are the same label and the same outputs, bit for bit. */
    static void same(Prediction a, Prediction b, String what) {
        if (!a.label().equals(b.label()) || !Arrays.equals(a.values(), b.values())) {
            System.err.println("mismatch for " + what + ": " + a + " vs " + b);
            System.exit(1);
        }
    }
}
