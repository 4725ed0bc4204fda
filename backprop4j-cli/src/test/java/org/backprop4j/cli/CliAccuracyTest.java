package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.backprop4j.TestData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code backprop4j train} with its defaults reaches scikit-learn's MLPClassifier accuracy on the same
 * split (docs/ACCURACY.md: scikit-learn 1.2.1, its defaults, split = --validation 0.3 --seed 1).
 * Tolerance: one test pattern, because float32 sums differ in the last bits between kernels
 * (OpenBLAS, Vector API, scalar), which can move one borderline pattern.
 */
class CliAccuracyTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"iris.csv, 45, 0.9778", "wine_data.csv, 53, 0.9623", "breast_cancer.csv, 171, 0.9649"})
    void reachesScikitLearnsAccuracyOnTheSameSplit(String file, int testPatterns, double sklearn) throws Exception {
        Path data = TestData.path(file);
        CliTest.Result r = CliTest.run("train", data.toString(), "--validation", "0.3", "--seed", "1",
                "-o", dir.resolve("m.json").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        String last = r.out().lines().reduce((a, b) -> b).orElseThrow();
        double ours = new ObjectMapper().readTree(last).get("validationAccuracy").asDouble();
        assertTrue(ours >= sklearn - 1.0 / testPatterns - 1e-9,
                file + ": backprop4j " + ours + " vs scikit-learn " + sklearn + " on " + testPatterns + " test patterns");
    }
}
