package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.backprop4j.data.DataCache;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 5 on the command line: data larger than the heap trains from a memory-mapped cache
 * (automatically, or with --mapped), the cache is reused while the file is unchanged and rebuilt
 * when damaged, each said in one line, and the model is the one the heap gives.
 */
class CliMappedTest {
    @TempDir
    Path dir;

    /** {@code rows} rows of {@code inputs} integers 0..99 and a 0/1 class: about 3 bytes of text per 4-byte value. */
    static Path csv(Path file, int rows, int inputs) throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            StringBuilder sb = new StringBuilder();
            for (int j = 1; j <= inputs; j++) sb.append('x').append(j).append(',');
            w.write(sb.append("y\n").toString());
            for (int r = 0; r < rows; r++) {
                sb.setLength(0);
                int a = 0;
                for (int j = 1; j <= inputs; j++) {
                    int v = rnd.nextInt(100);
                    if (j <= 2) a += v;
                    sb.append(v).append(',');
                }
                w.write(sb.append(a > 99 ? 1 : 0).append('\n').toString());
            }
        }
        return file;
    }

    record Run(int code, String out, String err) {}

    /** The CLI in a new JVM with the given heap and environment additions, killed after 4 minutes. */
    static Run fork(String xmx, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "org.backprop4j.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("fork", ".out"), err = Files.createTempFile("fork", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(240, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly().waitFor();
        Run r = new Run(done ? p.exitValue() : -1, Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        assertTrue(done, "the run ended within 4 minutes");
        return r;
    }

    static List<String> notes(String out) {
        return out.lines().filter(l -> l.startsWith("  note: ")).map(l -> l.substring(8)).toList();
    }

    static Path onlyCache(Path directory) throws Exception {
        try (Stream<Path> s = Files.list(directory)) {
            List<Path> c = s.filter(p -> p.getFileName().toString().endsWith(DataCache.SUFFIX)).toList();
            assertEquals(1, c.size(), c.toString());
            return c.get(0);
        }
    }

    @Test
    void dataLargerThanTheHeapTrainsFromAMappedCacheInA32MegabyteHeap() throws Exception {
        // 800,000 rows × (19 inputs + 2 one-hot class columns) × 4 bytes = 64 MB of floats; a 32 MB heap
        Path data = csv(dir.resolve("big.csv"), 800_000, 19);
        Path model = dir.resolve("m.json");
        Run r = fork("32m", Map.of(), "train", data.toString(), "-o", model.toString(), "--epochs", "1", "--batch", "256", "--plain");
        assertEquals(0, r.code(), r.out() + r.err());
        Path cache = onlyCache(dir);
        assertEquals("." + "big.csv.", cache.getFileName().toString().substring(0, 9), "next to the data");
        List<String> notes = notes(r.out());
        assertEquals(1, notes.size(), r.out());
        assertTrue(notes.get(0).matches("data of 64 MB larger than \\d+ MB \\(2/5 of the \\d+ MB heap\\): training from a memory-mapped cache at "
                + Pattern.quote(cache.toString())), notes.get(0));
        assertTrue(r.out().startsWith("target 'y': 2 integer values → classification"), r.out());
        Model m = ModelFile.read(model);
        assertEquals(800_000, m.provenance().data().patterns());
        assertEquals(org.backprop4j.model.Provenance.DataInfo.of(data, 800_000), m.provenance().data(), "the provenance names the data's own hash");
        assertTrue(m.provenance().outcome().trainAccuracy() > 0.7, "it learned: " + m.provenance().outcome());
    }

    @Test
    void theCacheIsReusedAndTheModelIsTheOneTheHeapGives() throws Exception {
        Path data = csv(dir.resolve("d.csv"), 4000, 6);
        Path cacheDir = dir.resolve("cache");
        String[] common = {"--epochs", "3", "--validation", "0.2", "--hidden", "5", "--seed", "4"};
        CliTest.Result heap = run(data, "heap.json", common, "--no-mapped");
        assertEquals(0, heap.code(), heap.err());
        assertTrue(notes(heap.out()).isEmpty(), heap.out());
        CliTest.Result first = run(data, "first.json", common, "--mapped", "--cache-dir", cacheDir.toString());
        assertEquals(0, first.code(), first.err());
        Path cache = onlyCache(cacheDir);
        assertEquals(List.of("training from a memory-mapped cache at " + cache + " (0 MB of data; --mapped)"), notes(first.out()));
        FileTime written = Files.getLastModifiedTime(cache);
        Thread.sleep(20);

        CliTest.Result second = run(data, "second.json", common, "--cache-dir", cacheDir.toString());   // AUTO: the valid cache is used
        assertEquals(0, second.code(), second.err());
        List<String> notes = notes(second.out());
        assertEquals(1, notes.size(), second.out());
        assertTrue(notes.get(0).matches("reusing the memory-mapped cache " + Pattern.quote(cache.toString())
                + " \\(0 MB of data parsed \\S+; d\\.csv is unchanged\\): not parsing it again"), notes.get(0));
        assertEquals(written, Files.getLastModifiedTime(cache), "not written again");
        assertEquals(heap.out().lines().findFirst(), second.out().lines().findFirst(), "the task line, as the parse told it");

        float[] w = ModelFile.read(dir.resolve("heap.json")).network().params();
        for (String m : List.of("first.json", "second.json")) {
            Model model = ModelFile.read(dir.resolve(m));
            assertArrayEquals(w, model.network().params(), m + ": every weight as on the heap");
            assertEquals(ModelFile.read(dir.resolve("heap.json")).provenance().outcome().validationLoss(), model.provenance().outcome().validationLoss());
            assertEquals(ModelFile.read(dir.resolve("heap.json")).provenance().data(), model.provenance().data());
        }

        // damaged: said, rebuilt, same model
        try (RandomAccessFile f = new RandomAccessFile(cache.toFile(), "rw")) {
            f.seek(Files.size(cache) / 2);
            int b = f.read();
            f.seek(Files.size(cache) / 2);
            f.write(b ^ 1);
        }
        CliTest.Result third = run(data, "third.json", common, "--mapped", "--cache-dir", cacheDir.toString());
        assertEquals(0, third.code(), third.err());
        assertEquals(2, notes(third.out()).size(), third.out());
        assertTrue(notes(third.out()).get(0).matches("the cache " + Pattern.quote(cache.toString())
                + " is damaged \\(block 1 of 1 \\(data bytes 0 to \\d+\\) fails its checksum\\): deleted it, parsing d\\.csv again"), third.out());
        assertEquals("training from a memory-mapped cache at " + cache + " (0 MB of data; --mapped)", notes(third.out()).get(1));
        assertArrayEquals(w, ModelFile.read(dir.resolve("third.json")).network().params());
    }

    static CliTest.Result run(Path data, String model, String[] common, String... more) {
        List<String> a = new ArrayList<>(List.of("train", data.toString(), "-o", data.resolveSibling(model).toString(), "--plain"));
        a.addAll(List.of(common));
        a.addAll(List.of(more));
        return CliTest.run(a.toArray(new String[0]));
    }

    @Test
    void whatCannotTrainFromACacheIsOneLineWithTheOptionsThatHelp() throws Exception {
        Path data = csv(dir.resolve("f.csv"), 500, 4);
        CliTest.Result r = run(data, "m.json", new String[] {"--epochs", "1"}, "--mapped", "--optimizer", "lbfgs");
        assertEquals(2, r.code());
        assertEquals("backprop4j: --optimizer lbfgs needs the training data on the heap, and these 0 MB are in a memory-mapped cache: use a first-order "
                + "optimizer (e.g. --optimizer adam or rprop), or give Java more heap with BACKPROP4J_JAVA_OPTS=-Xmx<size> (data up to 2/5 of the heap stay on it)",
                r.err().strip());
        assertFalse(Files.exists(dir.resolve("m.json")));
        r = run(data, "m.json", new String[] {"--epochs", "1"}, "--no-mapped", "--cache-dir", dir.toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: --cache-dir is for the memory-mapped cache, which --no-mapped turns off", r.err().strip());
        Path svm = Files.writeString(dir.resolve("d.libsvm"), "1 1:0.5 2:1\n0 1:0.25\n1 2:0.5\n0 1:1\n");
        r = run(svm, "m.json", new String[] {"--epochs", "1"}, "--mapped");
        assertEquals(2, r.code());
        assertEquals("backprop4j: d.libsvm: a memory-mapped cache is made from a CSV or ARFF file, not LIBSVM", r.err().strip());
    }

    @Test
    void aReadOnlyDataDirectoryPutsTheCacheInTheUsersCacheDirectory() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Path mnt = Files.createDirectories(dir.resolve("ro"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString()).redirectErrorStream(true).start();
        String why = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here: " + why);
        try {
            Path data = csv(mnt.resolve("r.csv"), 2000, 5);
            assertEquals(0, new ProcessBuilder("mount", "-o", "remount,ro", mnt.toString()).start().waitFor());
            Path xdg = dir.resolve("xdg");
            Run r = fork("256m", Map.of("XDG_CACHE_HOME", xdg.toString()), "train", data.toString(), "-o", dir.resolve("m.json").toString(),
                    "--epochs", "1", "--mapped", "--plain");
            assertEquals(0, r.code(), r.out() + r.err());
            Path cache = onlyCache(xdg.resolve("backprop4j"));
            assertEquals(List.of("cannot write the cache next to r.csv (Read-only file system): writing it to " + xdg.resolve("backprop4j"),
                    "training from a memory-mapped cache at " + cache + " (0 MB of data; --mapped)"), notes(r.out()));
            Run again = fork("256m", Map.of("XDG_CACHE_HOME", xdg.toString()), "train", data.toString(), "-o", dir.resolve("m2.json").toString(),
                    "--epochs", "1", "--plain");
            assertEquals(0, again.code(), again.out() + again.err());
            assertTrue(notes(again.out()).get(0).startsWith("reusing the memory-mapped cache " + cache), again.out());
        } finally {
            new ProcessBuilder("umount", "-l", mnt.toString()).redirectErrorStream(true).start().waitFor();
        }
    }
}
