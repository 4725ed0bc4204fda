package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --test FILE}: the trained model scored on a held-out file in the same process, with
 * exactly the figures {@code evaluate} gives for the saved model on that file; {@code --quiet}
 * prints nothing (issue 18: one process from the data to the test score, and no chatter).
 */
class TrainTestSetTest {
    @TempDir
    Path dir;

    static Path csv(Path file, int rows, long seed, boolean regression) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder("a,b,colour,y\n");
        for (int i = 0; i < rows; i++) {
            double a = r.nextGaussian(), c = r.nextGaussian();
            String colour = List.of("red", "green", "blue").get(r.nextInt(3));
            String y = regression ? String.format(Locale.ROOT, "%.4f", a - 0.5 * c + (colour.equals("red") ? 1 : 0) + 0.1 * r.nextGaussian())
                    : (a + (colour.equals("blue") ? 1 : 0) > 0.5 ? "yes" : a - c > 0 ? "maybe" : "no");
            b.append(String.format(Locale.ROOT, "%.4f,%.4f,%s,%s%n", a, c, colour, y));
        }
        Files.writeString(file, b);
        return file;
    }

    @Test
    void theTestScoreIsWhatEvaluateSaysOfTheSavedModel() throws Exception {
        Path train = csv(dir.resolve("train.csv"), 300, 1, false), test = csv(dir.resolve("test.csv"), 120, 2, false);
        Path model = dir.resolve("m.json");
        CliTest.Result r = CliTest.run("train", train.toString(), "-o", model.toString(), "--test", test.toString(), "--epochs", "30", "--plain");
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("(?m)^  test:       accuracy ([0-9.]+)% \\(120 patterns of test.csv\\)$").matcher(r.out());
        assertTrue(m.find(), r.out());
        CliTest.Result e = CliTest.run("evaluate", model.toString(), test.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("m.json on test.csv: 120 patterns, accuracy " + m.group(1) + "%"), e.out());

        CliTest.Result j = CliTest.run("train", train.toString(), "-o", model.toString(), "--test", test.toString(), "--epochs", "30", "--json");
        assertEquals(0, j.code(), j.err());
        String last = j.out().lines().reduce((a, b) -> b).orElseThrow();
        Map<?, ?> summary = new ObjectMapper().readValue(last, Map.class);
        Map<?, ?> ev = new ObjectMapper().readValue(CliTest.run("evaluate", model.toString(), test.toString(), "--json").out(), Map.class);
        assertEquals(ev.get("accuracy"), summary.get("testAccuracy"));
        assertEquals(120, summary.get("testPatterns"));

        CliTest.Result q = CliTest.run("train", train.toString(), "-o", model.toString(), "--test", test.toString(), "--epochs", "3", "--quiet");
        assertEquals(0, q.code(), q.err());
        assertEquals("", q.out(), "--quiet prints nothing on a successful run");
        assertEquals("", q.err(), "--quiet prints nothing on a successful run");
    }

    @Test
    void regressionGivesTheMseAndR2OfEvaluate() throws Exception {
        Path train = csv(dir.resolve("train.csv"), 300, 3, true), test = csv(dir.resolve("test.csv"), 80, 4, true);
        Path model = dir.resolve("m.json");
        CliTest.Result j = CliTest.run("train", train.toString(), "-o", model.toString(), "--test", test.toString(), "--epochs", "20", "--json");
        assertEquals(0, j.code(), j.err());
        Map<?, ?> summary = new ObjectMapper().readValue(j.out().lines().reduce((a, b) -> b).orElseThrow(), Map.class);
        Map<?, ?> ev = new ObjectMapper().readValue(CliTest.run("evaluate", model.toString(), test.toString(), "--json").out(), Map.class);
        assertEquals(ev.get("mse"), summary.get("testMse"));
        assertEquals(ev.get("r2"), summary.get("testR2"));
        assertEquals(80, summary.get("testPatterns"));
    }

    @Test
    void idxImagesTakeTheirLabelsFromTestLabels() throws Exception {
        Path im = dir.resolve("im.gz"), lb = dir.resolve("lb.gz"), tim = dir.resolve("tim.gz"), tlb = dir.resolve("tlb.gz");
        CacheTrainingCommand.writeIdx(im, lb, 300, 8, 4, 1);
        CacheTrainingCommand.writeIdx(tim, tlb, 100, 8, 4, 2);
        Path model = dir.resolve("m.json");
        CliTest.Result j = CliTest.run("train", im.toString(), "--labels", lb.toString(), "--test", tim.toString(), "--test-labels", tlb.toString(),
                "-o", model.toString(), "--epochs", "5", "--json");
        assertEquals(0, j.code(), j.err());
        Map<?, ?> summary = new ObjectMapper().readValue(j.out().lines().reduce((a, b) -> b).orElseThrow(), Map.class);
        Map<?, ?> ev = new ObjectMapper().readValue(CliTest.run("evaluate", model.toString(), tim.toString(), "--labels", tlb.toString(), "--json").out(), Map.class);
        assertEquals(ev.get("accuracy"), summary.get("testAccuracy"));
        assertEquals(100, summary.get("testPatterns"));
    }

    @Test
    void aTestFileThatDoesNotFitIsRefusedBeforeTraining() throws Exception {
        Path train = csv(dir.resolve("train.csv"), 50, 1, false), model = dir.resolve("m.json");
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "a,b,y\n1,2,yes\n3,4,no\n");
        CliTest.Result r = CliTest.run("train", train.toString(), "-o", model.toString(), "--test", other.toString(), "--epochs", "2");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("backprop4j: other.csv"), r.err());
        assertTrue(!Files.exists(model), "no model written");

        r = CliTest.run("train", train.toString(), "-o", model.toString(), "--test-labels", other.toString());
        assertEquals(2, r.code());
        assertEquals(List.of("backprop4j: --test-labels " + other + " needs --test IMAGES (the IDX images file it labels)"), r.err().lines().toList());

        Path im = dir.resolve("im.gz"), lb = dir.resolve("lb.gz");
        CacheTrainingCommand.writeIdx(im, lb, 50, 8, 4, 1);
        r = CliTest.run("train", im.toString(), "--labels", lb.toString(), "-o", model.toString(), "--test", im.toString());
        assertEquals(2, r.code());
        assertEquals(List.of("backprop4j: --test " + im + ": IDX images need their labels file on both sides: --labels for the training images "
                + "and --test-labels for the test images"), r.err().lines().toList());
    }

    @Test
    void aBrokenIdxTestFileReadAlongsideTheTrainingDataIsOneLineBeforeTraining() throws Exception {
        Path im = dir.resolve("im.gz"), lb = dir.resolve("lb.gz"), tim = dir.resolve("tim.gz"), tlb = dir.resolve("tlb.gz");
        CacheTrainingCommand.writeIdx(im, lb, 300, 8, 4, 1);
        CacheTrainingCommand.writeIdx(tim, tlb, 100, 8, 4, 2);
        byte[] whole = Files.readAllBytes(tim);
        Files.write(tim, java.util.Arrays.copyOf(whole, whole.length / 2));   // truncated gzip
        Path model = dir.resolve("m.json");
        String direct;
        try {
            org.backprop4j.data.IdxReader.read(tim, tlb);
            throw new AssertionError("a truncated file was read");
        } catch (org.backprop4j.data.DataFormatException e) {
            direct = e.getMessage();
        }
        CliTest.Result r = CliTest.run("train", im.toString(), "--labels", lb.toString(), "--test", tim.toString(), "--test-labels", tlb.toString(),
                "-o", model.toString(), "--epochs", "2");
        assertEquals(2, r.code());
        assertEquals(List.of("backprop4j: " + direct), r.err().lines().toList(), "the message the reader gives, on one line");
        assertTrue(!Files.exists(model), "no model written");
        // both broken: the training file's error, as when the files were read one after the other
        byte[] train = Files.readAllBytes(im);
        Files.write(im, java.util.Arrays.copyOf(train, train.length / 2));
        r = CliTest.run("train", im.toString(), "--labels", lb.toString(), "--test", tim.toString(), "--test-labels", tlb.toString(),
                "-o", model.toString(), "--epochs", "2");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("backprop4j: im.gz"), r.err());
    }
}
