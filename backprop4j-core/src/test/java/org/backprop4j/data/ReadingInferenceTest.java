package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, item 1 and 2 in the library: column types from all values (never the first row),
 * NaN/Infinity refused everywhere with one message, decimal commas, Excel's trailing columns,
 * encodings, device names, and the task (classes or regression) stated with its reason.
 */
class ReadingInferenceTest {
    @TempDir
    Path dir;

    Path write(String name, String content) throws IOException {
        return write(name, content, StandardCharsets.UTF_8);
    }

    Path write(String name, String content, Charset cs) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content.getBytes(cs));
        return p;
    }

    /** 60 numeric rows a,b,y (y in 0..2, so a class target) with one cell replaced. */
    static String sixty(String firstA) {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 60; i++) sb.append(i == 0 ? firstA : Integer.toString(i)).append(',').append(i * 0.5).append(',').append(i % 3).append('\n');
        return sb.toString();
    }

    static final String NAN_MESSAGE = " (NaN and infinity are not data; write ? for a missing value)";

    @Test
    void nanAndInfinityAreRefusedInTheFirstRowAndEverywhereElseAlike() throws IOException {
        for (String bad : new String[] {"nan", "NaN", "Infinity", "-inf", "+Infinity", "INF"}) {
            for (int row : new int[] {0, 1, 59}) {
                String text = sixty("0");
                String[] lines = text.split("\n", -1);
                lines[row + 1] = bad + lines[row + 1].substring(lines[row + 1].indexOf(','));
                Path p = write("n.csv", String.join("\n", lines));
                DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(p), bad + " in row " + row);
                assertEquals("n.csv:" + (row + 2) + ":1: expected a finite number, found \"" + bad + "\"" + NAN_MESSAGE, e.getMessage());
            }
        }
        // without a header too: the row holding NaN is data, not taken for column names
        Path h = write("h.csv", "NaN,1,0\n1,2,1\n2,3,0\n");
        assertEquals("h.csv:1:1: expected a finite number, found \"NaN\"" + NAN_MESSAGE,
                assertThrows(DataFormatException.class, () -> CsvReader.read(h)).getMessage());
        // in a text column as well, and in a column forced categorical
        Path t = write("t.csv", "c,y\nred,1\nnan,2\n");
        assertEquals("t.csv:3:1: expected a finite number, found \"nan\"" + NAN_MESSAGE,
                assertThrows(DataFormatException.class, () -> CsvReader.read(t)).getMessage());
        assertEquals("t.csv:3:1: expected a finite number, found \"nan\"" + NAN_MESSAGE,
                assertThrows(DataFormatException.class, () -> CsvReader.read(t, ReadOptions.defaults().categorical("c"))).getMessage());
        // ARFF numeric attributes and LIBSVM values: the same message
        Path a = write("n.arff", "@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\nInfinity,x\n");
        assertEquals("n.arff:5:1: expected a finite number, found \"Infinity\"" + NAN_MESSAGE,
                assertThrows(DataFormatException.class, () -> ArffReader.read(a)).getMessage());
        Path s = write("n.svm", "1 1:NaN\n");
        assertEquals("n.svm:1:2: expected a finite number, found \"NaN\"" + NAN_MESSAGE,
                assertThrows(DataFormatException.class, () -> LibsvmReader.read(s)).getMessage());
    }

    @Test
    void aColumnsTypeComesFromAllItsValues() throws IOException {
        // text first, numbers after: the odd one out is the text (majority numbers)
        Path p = write("m.csv", sixty("x7"));
        assertEquals("m.csv:2:1: expected a number, found \"x7\" (59 values of 'a' are numbers, 1 is not; write ? for a missing value,"
                + " or categorical(\"a\") to treat every value as a name)", assertThrows(DataFormatException.class, () -> CsvReader.read(p)).getMessage());
        // numbers in a text column: the odd one out is the number
        Path q = write("q.csv", "c,y\nred,1\nblue,2\n5,1\ngreen,2\n");
        assertEquals("q.csv:4:1: found the number \"5\" in 'c', whose other values are text (3 texts, 1 number): fix the value, or use "
                + "categorical(\"c\") to treat every value as a name", assertThrows(DataFormatException.class, () -> CsvReader.read(q)).getMessage());
        // forced categorical: numbers and texts are all names
        DataSet forced = CsvReader.read(q, ReadOptions.defaults().categorical("c"));
        assertEquals(List.of("c=5", "c=blue", "c=green", "c=red"), forced.inputNames());
        // the CLI's wording names its option
        assertTrue(assertThrows(DataFormatException.class, () -> CsvReader.read(q, ReadOptions.defaults().commandLineHints(true))).getMessage()
                .endsWith("fix the value, or use --categorical c to treat every value as a name"));
        // all text: categorical; all numbers: numeric
        DataSet ok = CsvReader.read(write("ok.csv", "c,v,y\nred,1.5,a\nblue,2,b\n"));
        assertEquals(List.of("c=blue", "c=red", "v"), ok.inputNames());
        assertArrayEquals(new float[] {0, 1, 1.5f, 1, 0, 2}, ok.x());
    }

    @Test
    void decimalCommaWithSemicolons() throws IOException {
        float[] x = {1.5f, -2, 0.25f, 3, 1e3f, 4.75f};
        for (String text : new String[] {"a;b;y\n1,5;-2;0\n0,25;3;1\n1e3;4,75;0\n", "1,5;-2;0\n0,25;3;1\n1e3;4,75;0\n"}) {
            Path p = write("d.csv", text);
            for (ReadOptions o : new ReadOptions[] {ReadOptions.defaults(), ReadOptions.defaults().delimiter(';')}) {
                DataSet ds = CsvReader.read(p, o);
                assertArrayEquals(x, ds.x(), text);
                assertEquals(2, ds.inputs());
            }
        }
        // a decimal comma and a decimal point in one ';' file are both numbers
        assertArrayEquals(new float[] {1.5f, 2.5f}, CsvReader.read(write("m.csv", "a;y\n1,5;1\n2.5;2\n"), ReadOptions.defaults().classTarget(false)).x());
        // a comma file still splits at commas (2 columns + target)
        assertEquals(2, CsvReader.read(write("c.csv", "a,b,y\n1,5,0\n2,3,1\n")).inputs());
    }

    @Test
    void excelTrailingEmptyColumnsAreDroppedWithANotice() throws IOException {
        List<ReadNotice> told = new ArrayList<>();
        Path p = write("x.csv", "a,b,y,,,\n1,2,0,,,\n3,4,1,,,\n5,6,0,,,\n");
        DataSet ds = CsvReader.read(p, ReadOptions.defaults().onNotice(told::add));
        assertEquals(List.of("a", "b"), ds.inputNames());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, ds.x());
        assertEquals(new ReadNotice(ReadNotice.Kind.COLUMNS, "x.csv",
                "dropped 3 columns 4-6: no name and no value on the first 4 lines (a spreadsheet's empty trailing columns)"), told.get(0));
        // one column; and a later value in a dropped column is an error, not a silent loss
        StringBuilder sb = new StringBuilder("a,y,\n");
        for (int i = 0; i < 250; i++) sb.append(i).append(',').append(i % 2).append(",\n");
        sb.append("1,0,7\n");
        Path q = write("late.csv", sb.toString());
        assertEquals("late.csv:252:3: a value (\"7\") in column 3, which was dropped as an empty trailing column (no name, no values on the first 200 lines)",
                assertThrows(DataFormatException.class, () -> CsvReader.read(q)).getMessage());
        // an empty name over a column with values is a column like any other
        Path r = write("r.csv", "a,,y\n1,2,0\n3,4,1\n");
        assertEquals(List.of("a", ""), CsvReader.read(r).inputNames());
    }

    @Test
    void utf16AndLatin1AreDetectedAndNamed() throws IOException {
        String text = "größe,farbe,y\n1,grün,0\n2,blau,1\n";
        for (Charset cs : new Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE}) {
            for (boolean bom : new boolean[] {true, false}) {
                List<ReadNotice> told = new ArrayList<>();
                Path p = write("u16.csv", (bom ? "\uFEFF" : "") + text, cs);
                DataSet ds = CsvReader.read(p, ReadOptions.defaults().onNotice(told::add));
                assertEquals(List.of("größe", "farbe=blau", "farbe=grün"), ds.inputNames(), cs + " bom " + bom);
                String le = cs == StandardCharsets.UTF_16LE ? "LE" : "BE";
                assertEquals(new ReadNotice(ReadNotice.Kind.ENCODING, "u16.csv", bom ? "read as UTF-16" + le + " (the file starts with its byte-order mark)"
                        : "read as UTF-16" + le + " (no byte-order mark; every other byte is zero)"), told.get(0));
            }
        }
        DataSet latin = CsvReader.read(write("l1.csv", text, StandardCharsets.ISO_8859_1));
        assertEquals(List.of("größe", "farbe=blau", "farbe=grün"), latin.inputNames());
        // an explicit encoding is used as given, without a notice
        List<ReadNotice> told = new ArrayList<>();
        DataSet given = CsvReader.read(write("g.csv", text, StandardCharsets.ISO_8859_1),
                ReadOptions.defaults().encoding(StandardCharsets.ISO_8859_1).onNotice(told::add));
        assertTrue(given.sameContents(latin));
        assertEquals(ReadNotice.Kind.TASK, told.get(0).kind());
        assertEquals(1, told.size());
    }

    @Test
    void devicesAreNamedByTheirPath() throws IOException {
        Path dev = Path.of("/dev/null");
        if (!Files.exists(dev)) return;
        assertEquals("/dev/null", Sources.name(dev));
        assertEquals("/dev/null: no data (empty file)", assertThrows(DataFormatException.class, () -> CsvReader.read(dev)).getMessage());
        assertEquals("iris.csv", Sources.name(write("iris.csv", "1,2\n")));
    }

    @Test
    void theTaskIsStatedWithItsReason() throws IOException {
        List<ReadNotice> told = new ArrayList<>();
        ReadOptions o = ReadOptions.defaults().onNotice(told::add);
        // integer labels, few distinct values: classes, in numeric order
        DataSet c = CsvReader.read(write("int.csv", sixty("0")), o);
        assertEquals(List.of("0", "1", "2"), c.classNames());
        for (int i = 0; i < 60; i++) assertEquals(i % 3, c.label(i));
        assertEquals("target 'y': 3 integer values → classification; use classTarget(false) to fit them as numbers", told.getLast().message());
        // the CLI wording
        CsvReader.read(write("int.csv", sixty("0")), ReadOptions.defaults().commandLineHints(true).onNotice(told::add));
        assertEquals("target 'y': 3 integer values → classification; use --regression to fit them as numbers", told.getLast().message());
        // non-integers: regression
        DataSet r = CsvReader.read(write("r.csv", "a,y\n1,0.5\n2,1\n3,0.5\n4,1\n5,0.5\n"), o);
        assertNull(r.classNames());
        assertArrayEquals(new float[] {0.5f, 1, 0.5f, 1, 0.5f}, r.d());
        assertEquals("target 'y': non-integer numbers → regression; use classTarget(true) to treat the values as class labels", told.getLast().message());
        // many distinct integers: regression
        StringBuilder sb = new StringBuilder("a,y\n");
        for (int i = 0; i < 100; i++) sb.append(i).append(',').append(i % 21).append('\n');
        assertFalse(CsvReader.read(write("many.csv", sb.toString()), o).isClassification());
        assertEquals("target 'y': more than 20 distinct integers → regression; use classTarget(true) to treat the values as class labels", told.getLast().message());
        // as many distinct integers as half the rows or more: regression
        assertFalse(CsvReader.read(write("few.csv", "a,y\n1,1\n2,2\n3,3\n4,1\n"), o).isClassification());
        assertEquals("target 'y': 3 distinct integers in 4 rows → regression; use classTarget(true) to treat the values as class labels", told.getLast().message());
        // text labels, explicit choices, several targets
        CsvReader.read(write("t.csv", "a,y\n1,cat\n2,dog\n"), o);
        assertEquals("target 'y': 2 text values → classification", told.getLast().message());
        CsvReader.read(write("int.csv", sixty("0")), ReadOptions.defaults().classTarget(false).onNotice(told::add));
        assertEquals("target 'y': numbers, regression as asked", told.getLast().message());
        CsvReader.read(write("k.csv", "a,y\n1,0.5\n2,1.5\n"), ReadOptions.defaults().classTarget(true).onNotice(told::add));
        assertEquals("target 'y': 2 numeric values, classes as asked", told.getLast().message());
        CsvReader.read(write("two.csv", "a,y,z\n1,2,3\n4,5,6\n"), ReadOptions.defaults().targetIndex(1, 2).onNotice(told::add));
        assertEquals("targets 'y', 'z': 2 numeric columns → regression with 2 outputs", told.getLast().message());
        // declared types decide in ARFF
        Path arff = write("a.arff", "@relation r\n@attribute a numeric\n@attribute y numeric\n@data\n1,0\n2,1\n3,0\n4,1\n5,0\n");
        assertFalse(ArffReader.read(arff, o).isClassification());
        assertEquals("target 'y': numeric attribute → regression; use classTarget(true) to treat the values as class labels", told.getLast().message());
        // scikit-learn's first line
        CsvReader.read(write("sk.csv", "2,1,no,yes\n0.5,0\n1.5,1\n"), o);
        assertEquals("target 'class': 2 classes named on the first line → classification", told.getLast().message());
    }

    @Test
    void missingValuesNameTheFix() throws IOException {
        Path p = write("m.csv", "a,b,y\n1,2,0\n1,?,1\n");
        assertEquals("m.csv:3:2: missing value for 'b' (\"?\"): use --missing impute to fill it with the training mean / most frequent value",
                assertThrows(DataFormatException.class, () -> CsvReader.read(p, ReadOptions.defaults().commandLineHints(true))).getMessage());
    }
}
