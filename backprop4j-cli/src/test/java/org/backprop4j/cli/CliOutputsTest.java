package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop4j.TestData;
import org.backprop4j.io.ModelFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24.2, 24.3, 24.6, 24.7: what train writes, and when it refuses. Every refusal is one line,
 * exit 2, before training (no checkpoint written), with every file the user had left as it was.
 */
class CliOutputsTest {
    @TempDir
    Path dir;

    private Path iris() throws IOException {
        return Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
    }

    private static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    /** Exit 2, exactly one line on standard error, nothing trained (no checkpoint, no progress). */
    private static void refusedBeforeTraining(CliTest.Result r, String expectedLine, Path checkpoint) {
        assertEquals(2, r.code(), r.err());
        assertEquals(List.of(expectedLine), r.err().lines().filter(l -> !l.contains("kernels:")).toList());
        assertFalse(r.out().contains("epoch"), "no training before the refusal: " + r.out());
        assertFalse(Files.exists(checkpoint), "no checkpoint: training never started");
    }

    @Test
    void anOutputThatIsAnInputOrAnotherOutputIsRefused() throws Exception {
        Path iris = iris();
        byte[] data = Files.readAllBytes(iris);
        Path ck = dir.resolve("run.ckpt");
        refusedBeforeTraining(run("train", iris.toString(), "-o", iris.toString(), "--checkpoint-every", "1", "--checkpoint", ck.toString()),
                "backprop4j: -o " + iris + " is the same file as the training data " + iris
                        + ": writing it would destroy it; choose another output file", ck);
        // through another spelling, a symbolic link and a hard link
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), iris);
        Path hard = Files.createLink(dir.resolve("hard.csv"), iris);
        for (Path other : List.of(dir.resolve("sub/../iris.csv"), link, hard)) {
            CliTest.Result r = run("train", iris.toString(), "-o", other.toString(), "--checkpoint-every", "1", "--checkpoint", ck.toString());
            refusedBeforeTraining(r, "backprop4j: -o " + other + " is the same file as the training data " + iris
                    + ": writing it would destroy it; choose another output file", ck);
        }
        Path x = dir.resolve("x.json");
        Files.writeString(x, "the user's file");
        refusedBeforeTraining(run("train", iris.toString(), "-o", x.toString(), "--report", x.toString(), "--checkpoint-every", "1",
                        "--checkpoint", ck.toString()),
                "backprop4j: --report " + x + " is the same file as -o " + x + ": give each output its own file", ck);
        refusedBeforeTraining(run("train", iris.toString(), "-o", x.toString(), "--checkpoint-every", "1", "--checkpoint", iris.toString()),
                "backprop4j: --checkpoint " + iris + " is the same file as the training data " + iris
                        + ": writing it would destroy it; choose another output file", ck);
        // a chart file named like the report
        Path chart = dir.resolve("m-loss.svg");
        refusedBeforeTraining(run("train", iris.toString(), "-o", dir.resolve("m.json").toString(), "--curves", dir.toString(),
                        "--report", chart.toString(), "--checkpoint-every", "1", "--checkpoint", ck.toString()),
                "backprop4j: --curves " + chart + " is the same file as --report " + chart + ": give each output its own file", ck);
        assertArrayEquals(data, Files.readAllBytes(iris));
        assertEquals("the user's file", Files.readString(x));
        // predict -o onto its data or its model
        Path m = dir.resolve("m.json");
        assertEquals(0, run("train", iris.toString(), "-o", m.toString(), "--epochs", "2", "--quiet").code());
        byte[] model = Files.readAllBytes(m);
        CliTest.Result p = run("predict", m.toString(), iris.toString(), "-o", iris.toString());
        assertEquals(2, p.code());
        assertEquals("backprop4j: -o " + iris + " is the same file as the data " + iris + ": writing it would destroy it; choose another output file",
                p.err().strip());
        p = run("predict", m.toString(), iris.toString(), "-o", m.toString());
        assertEquals(2, p.code());
        assertEquals("backprop4j: -o " + m + " is the same file as the model " + m + ": writing it would destroy it; choose another output file",
                p.err().strip());
        assertArrayEquals(data, Files.readAllBytes(iris));
        assertArrayEquals(model, Files.readAllBytes(m));
    }

    @Test
    void everyOutputIsCheckedBeforeTraining() throws Exception {
        Path iris = iris();
        Path ck = dir.resolve("run.ckpt");
        Path m = dir.resolve("m.json");
        // a parent that is a file: one line naming it (was FileAlreadyExistsException, issue 24.7)
        for (String opt : List.of("-o", "--report", "--curves")) {
            Path p = iris.resolve(opt.equals("--curves") ? "charts" : "out.x");
            List<String> args = new ArrayList<>(List.of("train", iris.toString(), "--checkpoint-every", "1", "--checkpoint", ck.toString()));
            if (!opt.equals("-o")) args.addAll(List.of("-o", m.toString()));
            args.addAll(List.of(opt, p.toString()));
            CliTest.Result r = run(args.toArray(String[]::new));
            Path named = opt.equals("--curves") ? p.resolve("m-loss.png") : p;
            refusedBeforeTraining(r, "backprop4j: " + named + ": " + iris + " is a file, not a directory", ck);
        }
        // a directory where the model file should be
        refusedBeforeTraining(run("train", iris.toString(), "-o", dir.toString(), "--checkpoint-every", "1", "--checkpoint", ck.toString()),
                "backprop4j: " + dir + ": is a directory; give a file name", ck);
        assertFalse(Files.exists(m));
    }

    /** A small file system of our own (root only): read-only, and full. Else the test is skipped. */
    private Path mount(String name, String options) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Path mnt = Files.createDirectories(dir.resolve(name));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", mnt.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here: " + out);
        return mnt;
    }

    private static void unmount(Path mnt) throws Exception {
        new ProcessBuilder("umount", "-l", mnt.toString()).redirectErrorStream(true).start().waitFor();
    }

    @Test
    void aReadOnlyOutputDirectoryIsFoundBeforeTraining() throws Exception {
        Path iris = iris();
        Path ck = dir.resolve("run.ckpt");
        Path ro = mount("ro", "ro,size=1m");
        try {
            Path m = ro.resolve("m.json");
            CliTest.Result r = run("train", iris.toString(), "-o", m.toString(), "--checkpoint-every", "1", "--checkpoint", ck.toString());
            refusedBeforeTraining(r, "backprop4j: " + m + ": directory " + ro + " is not writable (Read-only file system)", ck);
        } finally {
            unmount(ro);
        }
    }

    /**
     * Disk full for real (a 40 KiB tmpfs; the model takes 4 KiB, the report 60): the model fits, the report does not. Exit 2 naming the
     * report; the old model is still the old model (outputs are committed together); no temporary
     * file left. And -o /dev/full: exit 2 naming it, /dev/full still a device.
     */
    @Test
    void aFullDiskIsNamedAndReplacesNothing() throws Exception {
        Path iris = iris();
        Path small = mount("small", "size=40k");
        try {
            Path m = small.resolve("m.json"), report = small.resolve("r.html");
            Files.writeString(m, "the old model");
            // --hidden 16: a model of 4 KiB whatever the default width (the default's width makes it larger)
            CliTest.Result r = run("train", iris.toString(), "-o", m.toString(), "--report", report.toString(), "--epochs", "3", "--hidden", "16", "--quiet");
            assertEquals(2, r.code(), r.err());
            assertEquals(List.of("backprop4j: " + report + ": No space left on device"), r.err().lines().filter(l -> !l.contains("kernels:")).toList());
            assertEquals("the old model", Files.readString(m), "a failed report leaves the model as it was");
            try (var s = Files.list(small)) {
                assertEquals(List.of(m), s.toList(), "no temporary file left");
            }
            // without the report the model fits
            assertEquals(0, run("train", iris.toString(), "-o", m.toString(), "--epochs", "3", "--hidden", "16", "--quiet").code());
            ModelFile.read(m);
        } finally {
            unmount(small);
        }
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.exists(full));
        CliTest.Result r = run("train", iris.toString(), "-o", full.toString(), "--epochs", "2", "--quiet");
        assertEquals(2, r.code(), r.err());
        assertEquals(List.of("backprop4j: /dev/full: No space left on device"), r.err().lines().filter(l -> !l.contains("kernels:")).toList());
        assertEquals(0020000, (Integer) Files.getAttribute(full, "unix:mode") & 0170000, "/dev/full is still a character device");
    }

    /** Issue 24.3: runs writing one file at once never share a temporary file; the file is one whole valid model. */
    @Test
    void concurrentRunsWritingOneModelLeaveOneWholeValidModel() throws Exception {
        Path iris = iris();
        Path same = dir.resolve("same.json");
        int runs = 8;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        List<Future<CliTest.Result>> fs = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                String seed = Integer.toString(100 + i);
                fs.add(pool.submit(() -> run("train", iris.toString(), "-o", same.toString(), "--epochs", "5", "--seed", seed, "--quiet")));
            }
            for (Future<CliTest.Result> f : fs) {
                CliTest.Result r = f.get();
                assertEquals(0, r.code(), r.err());
            }
        } finally {
            pool.shutdown();
        }
        // the file is one run's whole model (the last to rename), readable with every check
        long seed = ModelFile.read(same).provenance().settings().seed();
        assertTrue(seed >= 100 && seed < 100 + runs, "seed " + seed);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(iris, same), s.sorted().toList(), "no temporary file left");
        }
    }

    /** Issue 24.7: a checkpoint of a run with another --init is refused on resume, naming the difference. */
    @Test
    void resumingWithAnotherInitIsRefused() throws Exception {
        Path iris = iris();
        Path m = dir.resolve("m.json"), ck = dir.resolve("m.json.ckpt");
        assertEquals(0, run("train", iris.toString(), "-o", m.toString(), "--init", "xavier", "--epochs", "4", "--checkpoint-every", "1",
                "--quiet").code());
        byte[] model = Files.readAllBytes(m);
        CliTest.Result r = run("train", iris.toString(), "-o", m.toString(), "--init", "uniform:0.3", "--epochs", "6", "--checkpoint-every", "1",
                "--resume", "--quiet");
        assertEquals(2, r.code(), r.err());
        assertEquals(List.of("backprop4j: cannot resume from m.json.ckpt: its settings differ: init=xavier in the checkpoint, "
                + "init=uniform(0.3) in this run"), r.err().lines().filter(l -> !l.contains("kernels:")).toList());
        assertArrayEquals(model, Files.readAllBytes(m));
        // the same --init resumes, and the model records it truthfully
        assertEquals(0, run("train", iris.toString(), "-o", m.toString(), "--init", "xavier", "--epochs", "6", "--checkpoint-every", "1",
                "--resume", "--quiet").code());
        assertEquals("xavier", ModelFile.read(m).provenance().settings().init());
        assertTrue(Files.exists(ck));
    }

    /**
     * Issue 24.7, then 20.4: the end of a run (epochs, duration, stop reason) is stated once, by the
     * display's last line (plain) or by the one "end" object that is also the summary (JSON), whose
     * two durations agree; resumed or not.
     */
    @Test
    void theEndOfTheRunIsStatedOnce() throws Exception {
        Path iris = iris();
        Path m = dir.resolve("m.json");
        for (boolean resumed : new boolean[] {false, true}) {
            CliTest.Result r = run("train", iris.toString(), "-o", m.toString(), "--epochs", resumed ? "60" : "30", "--checkpoint-every", "10",
                    "--plain", "--resume");
            assertEquals(0, r.code(), r.err());
            List<String> ends = r.out().lines().filter(l -> l.matches(".*after \\d+ epochs.*")).toList();
            assertEquals(List.of("train: finished after " + (resumed ? 60 : 30) + " epochs"), ends.stream().map(l -> l.replaceAll(" \\(.*", "")).toList(), r.out());
            assertEquals(1, r.out().split("max epochs \\(", -1).length - 1, r.out());
        }
        CliTest.Result j = run("train", iris.toString(), "-o", m.toString(), "--epochs", "20", "--json");
        assertEquals(0, j.code(), j.err());
        List<String> lines = j.out().lines().toList();
        ObjectMapper om = new ObjectMapper();
        List<JsonNode> ends = new ArrayList<>();
        for (String l : lines) {
            JsonNode n = om.readTree(l);
            assertTrue(n.has("event"), "every object names its event: " + l);
            if (n.get("event").asText().equals("end")) ends.add(n);
        }
        assertEquals(1, ends.size(), j.out());
        JsonNode end = om.readTree(lines.getLast());
        assertEquals(ends.getFirst(), end, "the end object is the last");
        assertEquals(20, end.get("epochs").asInt());
        assertEquals("max epochs (20)", end.get("stopReason").asText());
        assertEquals(m.toString(), end.get("model").asText());
        // "seconds" rounded to the millisecond
        assertEquals(end.get("seconds").asDouble(), end.get("millis").asDouble() / 1e3, 0.0005 + 1e-12,
                String.format(Locale.ROOT, "%s", end));
        // a warm start too: its own epochs, once
        CliTest.Result w = run("train", iris.toString(), "-o", dir.resolve("w.json").toString(), "--warm-start", m.toString(), "--epochs", "5", "--plain");
        assertEquals(0, w.code(), w.err());
        assertEquals(List.of("train: finished after 5 epochs"), w.out().lines().filter(l -> l.matches(".*after \\d+ epochs.*"))
                .map(l -> l.replaceAll(" \\(.*", "")).toList(), w.out());
        CliTest.Result wj = run("train", iris.toString(), "-o", dir.resolve("w.json").toString(), "--warm-start", m.toString(), "--epochs", "5", "--json");
        assertEquals(0, wj.code(), wj.err());
        assertEquals(1, wj.out().lines().filter(l -> l.startsWith("{\"event\":\"end\"")).count(), wj.out());
        assertTrue(wj.out().lines().toList().getLast().startsWith("{\"event\":\"end\",\"run\":\"train\""), wj.out());
        // and --quiet prints nothing at all
        CliTest.Result q = run("train", iris.toString(), "-o", m.toString(), "--epochs", "5", "--quiet");
        assertEquals(0, q.code(), q.err());
        assertEquals("", q.out());
    }

    /** cv: each fold's end once (plain lines, not a terminal), then the table; --json and --quiet: no fold lines. */
    @Test
    void cvStatesEachFoldsEndOnce() throws Exception {
        Path iris = iris();
        CliTest.Result r = run("cv", iris.toString(), "-k", "3", "--epochs", "5", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        for (int k = 1; k <= 3; k++) {
            String fold = "fold " + k + "/3: finished after 5 epochs";
            assertEquals(1, r.out().lines().filter(l -> l.startsWith(fold)).count(), r.out());
        }
        assertEquals(3, r.out().lines().filter(l -> l.contains("finished after")).count(), r.out());
        assertEquals(1, r.out().lines().filter(l -> l.startsWith(" mean ")).count(), r.out());
        for (String flag : new String[] {"--json", "--quiet"}) {
            CliTest.Result x = run("cv", iris.toString(), "-k", "3", "--epochs", "5", "--threads", "1", flag);
            assertEquals(0, x.code(), x.err());
            assertFalse(x.out().contains("finished after"), x.out());
            assertFalse(x.out().contains("epoch 1/5"), x.out());
        }
    }
}
