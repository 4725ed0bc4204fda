package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.ReadOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code backprop4j train} with its defaults gets the accuracy docs/ACCURACY.md documents for it (the
 * defaults' study) and reaches scikit-learn's MLPClassifier accuracy on the same split (split 1 of
 * docs/ACCURACY.md: {@code --validation 0.3 --seed 1}). scikit-learn's figure is
 * read from docs/ACCURACY.md, so the document and the test cannot drift apart; when Debian's
 * python3-sklearn is installed it is also computed afresh, on the split indices that {@code train}
 * uses, and must equal the documented figure if the version is the documented one (1.2.1).
 * Tolerance: one test pattern, because float32 sums differ in the last bits between kernels
 * (OpenBLAS, Vector API, scalar), which can move one borderline pattern.
 */
class CliAccuracyTest {
    static final String SKLEARN_VERSION = "1.2.1";
    static final double SPLIT = 0.3;
    static final long SEED = 1;

    @TempDir
    Path dir;

    /** Live scikit-learn accuracies by file name and its version; empty when python3-sklearn is absent. */
    static Map<String, Double> live = new HashMap<>();
    static String liveVersion;

    /** docs/ACCURACY.md, found above the module directory. */
    static Path accuracyDoc() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path c = p.resolve("docs").resolve("ACCURACY.md");
            if (Files.exists(c)) return c;
        }
        throw new AssertionError("docs/ACCURACY.md not found above " + Path.of("").toAbsolutePath());
    }

    /** The documented scikit-learn accuracy of {@code file} on split {@code seed}: the row "| file | seed | ours | sklearn |". */
    static double documentedSklearn(String file, long seed) throws IOException {
        return documented(file, seed, 2);
    }

    /** The documented accuracy of backprop4j's defaults on {@code file}, split {@code seed}. */
    static double documentedOurs(String file, long seed) throws IOException {
        return documented(file, seed, 1);
    }

    private static double documented(String file, long seed, int group) throws IOException {
        Pattern row = Pattern.compile("^\\| " + Pattern.quote(file) + " \\| " + seed + " \\| ([0-9.]+) \\| ([0-9.]+) \\|$");
        for (String line : Files.readAllLines(accuracyDoc())) {
            Matcher m = row.matcher(line);
            if (m.matches()) return Double.parseDouble(m.group(group));
        }
        throw new AssertionError("docs/ACCURACY.md has no row for " + file + " split " + seed);
    }

    static final String PY = """
            import sys, warnings, sklearn
            from sklearn.neural_network import MLPClassifier
            from sklearn.preprocessing import StandardScaler
            from sklearn.exceptions import ConvergenceWarning
            import numpy as np
            warnings.simplefilter("ignore", ConvergenceWarning)
            print(sklearn.__version__)
            seed = int(sys.argv[1])
            for path, idx in zip(sys.argv[2::2], sys.argv[3::2]):
                rows = [l.strip().split(",") for l in open(path)][1:]   # sklearn CSV: line 1 is a count header
                X = np.array([[float(v) for v in r[:-1]] for r in rows]); y = np.array([int(r[-1]) for r in rows])
                test = np.zeros(len(y), bool); test[[int(i) for i in idx.split(",")]] = True
                sc = StandardScaler().fit(X[~test])
                clf = MLPClassifier(random_state=seed).fit(sc.transform(X[~test]), y[~test])
                print(clf.score(sc.transform(X[test]), y[test]))
            """;

    @BeforeAll
    static void scikitLearnIfInstalled(@TempDir Path tmp) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python) || TestData.dir() == null) return;
        List<String> files = List.of("iris.csv", "wine_data.csv", "breast_cancer.csv");
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "-c", PY, Long.toString(SEED)));
        for (String f : files) {
            Path p = TestData.dir().resolve(f);
            DataSet raw = DataFiles.read(p, ReadOptions.defaults());
            StringBuilder idx = new StringBuilder();
            for (int i : org.backprop4j.model.ModelTrainer.holdOut(raw, SPLIT, SEED).test()) idx.append(idx.isEmpty() ? "" : ",").append(i);
            cmd.add(p.toString());
            cmd.add(idx.toString());
        }
        Path out = tmp.resolve("sklearn.out");
        Process proc = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("scikit-learn did not finish in 120 s");
        }
        if (proc.exitValue() != 0) return;   // no sklearn module: the documented figures are used alone
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(1 + files.size(), lines.size(), String.join("\n", lines));
        liveVersion = lines.get(0).strip();
        for (int i = 0; i < files.size(); i++) live.put(files.get(i), Double.parseDouble(lines.get(i + 1)));
    }

    @AfterAll
    static void forget() {
        live = new HashMap<>();
        liveVersion = null;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"iris.csv, 45", "wine_data.csv, 53", "breast_cancer.csv, 171"})
    void reachesScikitLearnsAccuracyOnTheSameSplit(String file, int testPatterns) throws Exception {
        Path data = TestData.path(file);
        double sklearn = documentedSklearn(file, SEED);
        Double fresh = live.get(file);
        if (fresh != null && SKLEARN_VERSION.equals(liveVersion)) {
            // the documented figure is what scikit-learn gets here (printed with 4 decimals)
            assertEquals(sklearn, fresh, 5e-5, file + ": docs/ACCURACY.md vs scikit-learn " + liveVersion + " run now");
        }
        if (fresh != null) sklearn = Math.max(sklearn, fresh);   // the harder of the two bars
        CliTest.Result r = CliTest.run("train", data.toString(), "--validation", Double.toString(SPLIT), "--seed", Long.toString(SEED),
                "-o", dir.resolve("m.json").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        String last = r.out().lines().reduce((a, b) -> b).orElseThrow();
        var summary = new ObjectMapper().readTree(last);
        double ours = summary.get("validationAccuracy").asDouble();
        assertEquals(testPatterns, org.backprop4j.model.ModelTrainer.holdOut(DataFiles.read(data, ReadOptions.defaults()), SPLIT, SEED).test().length);
        // the defaults give the documented figure: one pattern either way, for the kernels' float32 sums (above)
        double doc = documentedOurs(file, SEED);
        assertTrue(Math.abs(ours - doc) <= 1.0 / testPatterns + 1e-9,
                file + ": backprop4j's defaults " + ours + ", docs/ACCURACY.md says " + doc + " (re-run scripts/accuracy-vs-sklearn after changing a default)");
        assertTrue(ours >= sklearn - 1.0 / testPatterns - 1e-9,
                file + ": backprop4j " + ours + " vs scikit-learn " + sklearn + " on " + testPatterns + " test patterns");
    }
}
