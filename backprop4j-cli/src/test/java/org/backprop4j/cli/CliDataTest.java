package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.TestData;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, items 1 and 2 at the command line: files that were once misread silently give their
 * exact message and exit code, and the first line of train states the task and why.
 */
class CliDataTest {
    @TempDir
    Path dir;

    Path write(String name, String text, Charset cs) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, text.getBytes(cs));
        return p;
    }

    Path write(String name, String text) throws Exception {
        return write(name, text, StandardCharsets.UTF_8);
    }

    /** 60 rows a,b,y with y = i mod 3, the first cell of row 1 given. */
    static String sixty(String first, String sep, boolean decimalComma) {
        StringBuilder sb = new StringBuilder("a" + sep + "b" + sep + "y\n");
        for (int i = 0; i < 60; i++) {
            String b = Double.toString(i * 0.5 + 0.25);
            sb.append(i == 0 ? first : Integer.toString(i)).append(sep).append(decimalComma ? b.replace('.', ',') : b).append(sep).append(i % 3).append('\n');
        }
        return sb.toString();
    }

    CliTest.Result train(Path data, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "train";
        args[1] = data.toString();
        args[2] = "-o";
        args[3] = dir.resolve("m.json").toString();
        args[4] = "--plain";
        System.arraycopy(more, 0, args, 5, more.length);
        return CliTest.run(args);
    }

    static final String INTEGER_TASK = "target 'y': 3 integer values → classification; use --regression to fit them as numbers";

    @Test
    void firstRowNanAndInfinityAreErrorsNotCategories() throws Exception {
        for (String bad : new String[] {"nan", "Infinity"}) {
            Path p = write("first.csv", sixty(bad, ",", false));
            CliTest.Result r = train(p);
            assertEquals(2, r.code(), r.out() + r.err());
            assertEquals("backprop4j: first.csv:2:1: expected a finite number, found \"" + bad
                    + "\" (NaN and infinity are not data; write ? for a missing value)\n", r.err());
            assertFalse(Files.exists(dir.resolve("m.json")));
        }
    }

    @Test
    void decimalCommaWithSemicolonsTrainsOnNumbers() throws Exception {
        for (String[] extra : new String[][] {{}, {"--delimiter", ";"}}) {
            Path p = write("comma.csv", sixty("0", ";", true));
            CliTest.Result r = train(p, concat(extra, "--epochs", "2"));
            assertEquals(0, r.code(), r.err());
            assertEquals(INTEGER_TASK, r.out().lines().findFirst().orElseThrow());
            Model m = ModelFile.read(dir.resolve("m.json"));
            assertEquals(List.of("a", "b"), m.inputNames());   // two numeric inputs, not one-hot codes
            assertEquals(List.of("0", "1", "2"), m.classNames());
        }
    }

    @Test
    void integerLabelsAreClassesAndTheFirstLineSaysWhy() throws Exception {
        Path p = write("int.csv", sixty("0", ",", false));
        CliTest.Result r = train(p, "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals(INTEGER_TASK, r.out().lines().findFirst().orElseThrow());
        assertEquals(List.of("0", "1", "2"), ModelFile.read(dir.resolve("m.json")).classNames());
        // --regression: the first line says so and the model has one numeric output
        r = train(p, "--epochs", "2", "--regression");
        assertEquals(0, r.code(), r.err());
        assertEquals("target 'y': numbers, regression as asked", r.out().lines().findFirst().orElseThrow());
        assertFalse(ModelFile.read(dir.resolve("m.json")).isClassification());
        // non-integer targets: regression, with the way to classes
        Path q = write("real.csv", "a,y\n1,0.5\n2,1.25\n3,0.5\n4,2.5\n5,3\n");
        r = train(q, "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals("target 'y': non-integer numbers → regression; use --classes to treat the values as class labels",
                r.out().lines().findFirst().orElseThrow());
    }

    @Test
    void digitsTrainsAsClassification() throws Exception {
        CliTest.Result r = train(TestData.path("digits.csv.gz"), "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals("target 'x65': 10 integer values → classification; use --regression to fit them as numbers",
                r.out().lines().findFirst().orElseThrow());
        Model m = ModelFile.read(dir.resolve("m.json"));
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), m.classNames());
        assertEquals(10, m.network().outputs());
    }

    @Test
    void excelTrailingColumnsAreDroppedWithANote() throws Exception {
        StringBuilder sb = new StringBuilder("a,b,y,,\n");
        for (int i = 0; i < 30; i++) sb.append(i).append(',').append(i % 7).append(',').append(i % 2 == 0 ? "yes" : "no").append(",,\n");
        CliTest.Result r = train(write("excel.csv", sb.toString()), "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("target 'y': 2 text values → classification", lines.get(0));
        assertEquals("  note: dropped 2 columns 4-5: no name and no value on the first 31 lines (a spreadsheet's empty trailing columns)", lines.get(1));
        assertEquals(List.of("a", "b"), ModelFile.read(dir.resolve("m.json")).inputNames());
    }

    @Test
    void utf16IsReadAndNamed() throws Exception {
        String text = "\uFEFFgröße,farbe,y\n1,grün,a\n2,blau,b\n3,grün,a\n4,blau,b\n";
        CliTest.Result r = train(write("u16.csv", text, StandardCharsets.UTF_16LE), "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("target 'y': 2 text values → classification", lines.get(0));
        assertEquals("  note: read as UTF-16LE (the file starts with its byte-order mark)", lines.get(1));
        assertEquals(List.of("größe", "farbe=blau", "farbe=grün"), ModelFile.read(dir.resolve("m.json")).inputNames());
        // a Latin-1 byte past the first 64 KB: an error naming line, character and the option
        StringBuilder sb = new StringBuilder("a,y\n");
        while (sb.length() < 70_000) sb.append("1,x\n");
        long line = sb.chars().filter(c -> c == '\n').count() + 1;
        sb.append("2,é\n");
        r = train(write("late.csv", sb.toString(), StandardCharsets.ISO_8859_1));
        assertEquals(2, r.code(), r.err());
        assertEquals("backprop4j: late.csv:" + line + ": not valid UTF-8 text (character 3 of the line): if the file is Latin-1 (ISO-8859-1/Windows-1252),"
                + " read it with --encoding latin1 or convert it to UTF-8\n", r.err());
        r = train(dir.resolve("late.csv"), "--encoding", "latin1", "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("x", "é"), ModelFile.read(dir.resolve("m.json")).classNames());
    }

    @Test
    void devNullAndMissingValuesNameWhatToDo() throws Exception {
        if (Files.exists(Path.of("/dev/null"))) {
            CliTest.Result r = train(Path.of("/dev/null"));
            assertEquals(2, r.code());
            assertEquals("backprop4j: /dev/null: no data (empty file)\n", r.err());
        }
        CliTest.Result r = train(write("miss.csv", "a,b,y\n1,2,x\n3,,y\n"));
        assertEquals(2, r.code());
        assertEquals("backprop4j: miss.csv:3:2: missing value for 'b' (empty field): use --missing impute to fill it with the training mean / most frequent value\n",
                r.err());
        assertTrue(train(dir.resolve("miss.csv"), "--missing", "impute", "--epochs", "1").code() == 0);
    }

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
