package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.backprop4j.Predictor;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.backprop4j.model.ModelTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole model (preprocessing + network) saved and loaded predicts bit-identically, and neither the
 * file nor the command line's outputs depend on the default locale.
 */
class ModelRoundTripTest {
    @TempDir
    Path dir;

    /** Locales whose number formats differ from English: decimal comma, Arabic-Indic and Thai digits. */
    static final List<Locale> LOCALES = List.of(Locale.ROOT, Locale.forLanguageTag("de-DE"),
            Locale.forLanguageTag("ar-EG-u-nu-arab"), Locale.forLanguageTag("th-TH-u-nu-thai"));

    interface Body {
        void run() throws Exception;
    }

    static void withDefaultLocale(Locale l, Body body) throws Exception {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(l);
            body.run();
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void theLocalesReallyFormatNumbersDifferently() {
        // otherwise the test below would prove nothing
        assertEquals("1,5", String.format(LOCALES.get(1), "%.1f", 1.5));
        assertEquals("١٢", String.format(LOCALES.get(2), "%d", 12));
        assertEquals("๑๒", String.format(LOCALES.get(3), "%d", 12));
    }

    @Test
    void savedAndLoadedModelPredictsBitIdentically() throws Exception {
        // classification with numeric inputs, regression (targets standardized and mapped back),
        // and nominal inputs one-hot encoded through the stored schema
        for (String file : List.of("iris.csv", "cpu.arff", "weather.nominal.arff")) {
            Path data = TestData.path(file);
            DataSet raw = DataFiles.read(data, ReadOptions.defaults());
            ModelOptions o = ModelSelectionTest.options(null, 15);
            Model f = new ModelTrainer(o.settings(0)).fit(raw, null).model();
            // in memory: the fitted pipeline, then the trained network (and back to data units)
            float[] expected = new Predictor(f.network(), f.loss()).predict(f.pipeline().transformInputs(raw.x()), raw.size());
            if (!raw.isClassification()) expected = f.pipeline().inverseTargets(expected);
            for (Locale l : LOCALES) {
                Path m = dir.resolve(file + "-" + l.toLanguageTag() + ".json");
                withDefaultLocale(l, () -> {
                    ModelFile.write(f, m);
                });
                float[][] loaded = new float[1][];
                withDefaultLocale(l, () -> {
                    Model lm = ModelFile.read(m);
                    // the file read back through the model's own schema, as evaluate/predict do
                    DataSet again = DataFiles.read(data, ReadOptions.defaults().schema(lm.schema()));
                    loaded[0] = lm.outputs(again);
                });
                assertArrayEquals(expected, loaded[0], file + " under " + l);   // bit for bit (floatToIntBits)
            }
        }
    }

    /** The model file without the lines that legitimately differ between two runs (times). */
    static List<String> stable(Path model) throws Exception {
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(model)) {
            if (!line.contains("\"created\"") && !line.contains("\"seconds\"")) keep.add(line);
        }
        return keep;
    }

    @Test
    void trainEvaluatePredictDoNotDependOnTheDefaultLocale() throws Exception {
        Path iris = TestData.path("iris.csv");
        List<List<String>> models = new ArrayList<>();
        List<String> predictions = new ArrayList<>(), evaluations = new ArrayList<>(), plainProgress = new ArrayList<>();
        for (Locale l : LOCALES) {
            String tag = l.toLanguageTag();
            Path m = dir.resolve("m-" + tag + ".json"), p = dir.resolve("p-" + tag + ".csv");
            withDefaultLocale(l, () -> {
                CliTest.Result t = CliTest.run("train", iris.toString(), "-o", m.toString(), "--epochs", "8", "--validation", "0.2", "--plain");
                assertEquals(0, t.code(), t.err());
                // the defaults, the first and last progress lines and the summary, without timings
                // (lines in between depend on the clock: at most one a second)
                plainProgress.add(t.out().lines().filter(s -> !s.startsWith("train: epoch") || s.contains(" 1/8") || s.contains("8/8"))
                        .map(s -> s.replaceAll("ETA \\S+|\\([0-9.]+ s\\)|in [0-9.]+ s|kernels: \\w+", "").replace(m.toString(), "MODEL"))
                        .toList().toString());
                assertEquals(0, CliTest.run("predict", m.toString(), iris.toString(), "-o", p.toString()).code());
                CliTest.Result e = CliTest.run("evaluate", m.toString(), iris.toString());
                assertEquals(0, e.code(), e.err());
                evaluations.add(e.out().replace(m.getFileName().toString(), "MODEL"));
            });
            models.add(stable(m));
            predictions.add(Files.readString(p));
        }
        for (int i = 1; i < LOCALES.size(); i++) {
            assertEquals(models.get(0), models.get(i), "model file under " + LOCALES.get(i));
            assertEquals(predictions.get(0), predictions.get(i), "predictions under " + LOCALES.get(i));
            assertEquals(evaluations.get(0), evaluations.get(i), "evaluate under " + LOCALES.get(i));
            assertEquals(plainProgress.get(0), plainProgress.get(i), "train's output under " + LOCALES.get(i));
        }
        assertTrue(plainProgress.get(0).contains("epoch 8/8"), plainProgress.get(0));
        assertTrue(String.join("\n", models.get(0)).matches("(?s).*\"library\" : \"backprop4j \\d+\\.\\d+\\.\\d+[^\"]*\".*"),
                "the library version is recorded: " + models.get(0));
    }
}
