package org.backprop4j.cli;

import static org.backprop4j.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export --onnx and import on the command line: files written, what they hold, errors. */
class CliOnnxTest {
    @TempDir
    Path dir;

    @Test
    void exportThenImportGivesTheSameModelAndPredictions() throws Exception {
        Path model = dir.resolve("m.json"), onnx = dir.resolve("m.onnx"), back = dir.resolve("back.json");
        Path train = dir.resolve("t.csv");
        Files.writeString(train, "size,colour,label\n1,red,a\n2,blue,b\n1.5,red,a\n2.5,blue,b\n1.2,red,a\n2.2,blue,b\n");
        assertEquals(0, run("train", train.toString(), "-o", model.toString(), "--epochs", "20", "--quiet").code());
        CliTest.Result e = run("export", model.toString(), "-o", onnx.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("inputs:  size float[N,1], colour string[N,1]"), e.out());
        assertTrue(e.out().contains("outputs: label string[N], probabilities float[N,2]"), e.out());
        CliTest.Result i = run("import", onnx.toString(), "-o", back.toString());
        assertEquals(0, i.code(), i.err());
        assertEquals("", i.err(), "a backprop4j export: nothing inferred");
        Model a = ModelFile.read(model), b = ModelFile.read(back);
        assertArrayEquals(a.network().params(), b.network().params(), 0f);
        assertEquals(a.pipeline(), b.pipeline());
        assertEquals(org.backprop4j.io.ModelFile.contentChecksum(a), org.backprop4j.io.ModelFile.contentChecksum(b));
        assertEquals(run("predict", model.toString(), train.toString()).out(), run("predict", back.toString(), train.toString()).out());
    }

    @Test
    void badFilesGiveOneLineAndExitCode2() throws Exception {
        Path junk = dir.resolve("junk.onnx");
        Files.write(junk, new byte[] {1, 2, 3});
        CliTest.Result r = run("import", junk.toString(), "-o", dir.resolve("x.json").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("backprop4j: junk.onnx: not an ONNX model"), r.err());
        assertEquals(1, r.err().strip().lines().count());
        CliTest.Result x = run("export", dir.resolve("missing.json").toString(), "--onnx", dir.resolve("o.onnx").toString());
        assertEquals(2, x.code());
        assertTrue(x.err().startsWith("backprop4j: no such file: "), x.err());
        assertTrue(!Files.exists(dir.resolve("o.onnx")), "nothing written");
    }
}
