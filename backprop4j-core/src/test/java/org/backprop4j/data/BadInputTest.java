package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's bad-data list, for every reader: each malformed input gives one DataFormatException
 * whose message starts with "file:line:column: " (file only, or "file:line", where no line or
 * column exists, e.g. an empty file) and says what was expected.
 */
class BadInputTest {
    @TempDir
    Path dir;

    interface Reader {
        DataSet read(Path p) throws IOException;
    }

    static final Reader CSV = CsvReader::read;
    static final Reader ARFF = ArffReader::read;
    static final Reader SVM = LibsvmReader::read;
    static final Reader MONK = MonkFormat::read;

    Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(b);
        }
        return bo.toByteArray();
    }

    /** Reads and expects a DataFormatException at (line, column) whose message contains {@code what}. */
    static DataFormatException expect(Reader r, Path p, long line, int col, String what) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> r.read(p));
        String name = p.getFileName().toString();
        String prefix = name + (line > 0 ? ":" + line : "") + (col > 0 ? ":" + col : "") + ": ";
        assertTrue(e.getMessage().startsWith(prefix), "expected prefix '" + prefix + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(what), "expected '" + what + "' in: " + e.getMessage());
        assertEquals(line, e.line());
        assertEquals(col, e.column());
        assertEquals(name, e.source());
        return e;
    }

    // ---------------------------------------------------------------- CSV

    @Test
    void csvRaggedRow() throws IOException {
        expect(CSV, write("r.csv", "a,b,c\n1,2,3\n4,5\n"), 3, 3, "expected 3 fields, found 2");
        expect(CSV, write("r2.csv", "1,2,3\n4,5,6,7\n"), 2, 4, "expected 3 fields, found 4");
    }

    @Test
    void csvNonNumberInNumericColumn() throws IOException {
        expect(CSV, write("n.csv", "a,b,c\n1,2,3\n4,x7,6\n"), 3, 2, "expected a number, found \"x7\"");
        expect(CSV, write("n2.csv", "a,b,c\n1,2,3\n4,1.5d,6\n"), 3, 2, "expected a number");   // Java's parseDouble would accept 1.5d
        expect(CSV, write("n3.csv", "a,b,c\n1,2,3\n4,0x1p3,6\n"), 3, 2, "expected a number");
    }

    @Test
    void csvNanAndInfinity() throws IOException {
        expect(CSV, write("nan.csv", "a,b,c\n1,2,3\n4,NaN,6\n"), 3, 2, "finite number");
        expect(CSV, write("inf.csv", "a,b,c\n1,2,3\n-Infinity,5,6\n"), 3, 1, "finite number");
        expect(CSV, write("big.csv", "a,b,c\n1,2,3\n4,1e39,6\n"), 3, 2, "float32 range");
        expect(CSV, write("tnan.csv", "a,b,c\n1,2,3\n4,5,nan\n"), 3, 3, "finite number");
    }

    @Test
    void csvEmpty() throws IOException {
        expect(CSV, write("e.csv", ""), 0, 0, "empty file");
        expect(CSV, write("blank.csv", "\n  \n\n"), 0, 0, "empty file");
        expect(CSV, write("h.csv", "a,b,c\n"), 1, 0, "no data rows after the header");
    }

    @Test
    void csvMissingValueRejectedByDefault() throws IOException {
        DataFormatException e = expect(CSV, write("m.csv", "a,b,c\n1,2,3\n4,,6\n"), 3, 2, "missing value for 'b'");
        assertEquals("m.csv:3:2: missing value for 'b' (empty field): read with missing(MissingValues.KEEP) and fit a Pipeline to impute the training mean / most frequent value",
                e.getMessage());
        expect(CSV, write("m2.csv", "a,b,c\n1,2,3\n4,?,6\n"), 3, 2, "missing value");
        expect(CSV, write("mt.csv", "a,b,c\n1,2,3\n4,5,?\n"), 3, 3, "missing target");
    }

    @Test
    void csvUnknownNominalValueAgainstSchema() throws IOException {
        DataSet train = CsvReader.read(write("train.csv", "color,size,label\nred,1,a\nblue,2,b\n"));
        Path test = write("test.csv", "color,size,label\nred,3,a\ngreen,4,b\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CsvReader.read(test, ReadOptions.defaults().schema(train.schema())));
        assertTrue(e.getMessage().startsWith("test.csv:3:1: unknown value \"green\" for nominal attribute 'color'"), e.getMessage());
        Path test2 = write("test2.csv", "color,size,label\nred,3,c\n");
        e = assertThrows(DataFormatException.class, () -> CsvReader.read(test2, ReadOptions.defaults().schema(train.schema())));
        assertTrue(e.getMessage().startsWith("test2.csv:2:3: unknown value \"c\""), e.getMessage());
        Path test3 = write("test3.csv", "colour,size,label\nred,3,a\n");
        e = assertThrows(DataFormatException.class, () -> CsvReader.read(test3, ReadOptions.defaults().schema(train.schema())));
        assertTrue(e.getMessage().startsWith("test3.csv:1:1: column 'colour' where the schema expects 'color'"), e.getMessage());
        Path test4 = write("test4.csv", "color,size,extra,label\nred,3,1,a\n");
        e = assertThrows(DataFormatException.class, () -> CsvReader.read(test4, ReadOptions.defaults().schema(train.schema())));
        assertTrue(e.getMessage().contains("the file has 3 input and 1 target columns; the schema expects 2 and 1"), e.getMessage());
    }

    @Test
    void csvSklearnLabelOutOfRangeAndCount() throws IOException {
        expect(CSV, write("sk.csv", "3,2,a,b\n1,2,0\n1,2,1\n1,2,2\n"), 4, 3, "class label 2 out of range 0..1");
        expect(CSV, write("sk2.csv", "3,2,a,b\n1,2,0\n1,2,0.5\n1,2,1\n"), 3, 3, "expected an integer class code");
        expect(CSV, write("sk3.csv", "4,2,a,b\n1,2,0\n1,2,1\n1,2,1\n"), 4, 0, "announces 4 samples, the file has 3");
    }

    @Test
    void csvQuoting() throws IOException {
        expect(CSV, write("q.csv", "a,b,c\n1,2,x\n1,\"2,3\n"), 3, 2, "unterminated quoted field");
        expect(CSV, write("q2.csv", "a,b,c\n1,2,x\n1,\"2\"z,y\n"), 3, 2, "after a closing quote");
    }

    @Test
    void csvTruncatedGzip() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 2000; i++) sb.append(i).append(',').append(i * 7 % 13).append(',').append(i % 3).append('\n');
        byte[] gz = gzip(sb.toString().getBytes(StandardCharsets.UTF_8));
        Path p = write("t.csv.gz", Arrays.copyOf(gz, gz.length / 2));
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(p));
        assertTrue(e.getMessage().startsWith("t.csv.gz:"), e.getMessage());
        assertTrue(e.line() > 1, "names the line being read: " + e.getMessage());
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupt gzip"), e.getMessage());
        // only the gzip header: the stream cannot even start
        Path q = write("h.csv.gz", Arrays.copyOf(gz, 5));
        e = assertThrows(DataFormatException.class, () -> CsvReader.read(q));
        assertTrue(e.getMessage().startsWith("h.csv.gz"), e.getMessage());
        // corrupt deflate data in the middle
        byte[] bad = gz.clone();
        for (int i = 20; i < 40; i++) bad[i] ^= (byte) 0x5A;
        Path c = write("c.csv.gz", bad);
        e = assertThrows(DataFormatException.class, () -> CsvReader.read(c));
        assertTrue(e.getMessage().startsWith("c.csv.gz"), e.getMessage());
    }

    @Test
    void csvInvalidUtf8() throws IOException {
        // a Latin-1 byte within the first 64 KB: the file is read as Latin-1, and the reader says so
        byte[] b = "a,b,c\n1,2,x\n1,2,\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);   // é as a lone Latin-1 byte
        List<ReadNotice> told = new java.util.ArrayList<>();
        DataSet ds = CsvReader.read(write("u.csv", b), ReadOptions.defaults().onNotice(told::add));
        assertEquals(List.of("x", "\u00e9"), ds.classNames());
        assertEquals(new ReadNotice(ReadNotice.Kind.ENCODING, "u.csv", "read as Latin-1 (ISO-8859-1): byte 17 (0xe9) is not UTF-8"), told.get(0));
        // beyond the bytes looked at: an error naming the line, the character and the fix
        StringBuilder sb = new StringBuilder("a,b,c\n");
        while (sb.length() < 70_000) sb.append("1,2,x\n");
        int line = 1 + (int) sb.chars().filter(ch -> ch == '\n').count();
        sb.append("1,2,\u00e9\n");
        expect(CSV, write("u2.csv", sb.toString().getBytes(StandardCharsets.ISO_8859_1)), line, 0,
                "not valid UTF-8 text (character 5 of the line): if the file is Latin-1 (ISO-8859-1/Windows-1252), read it with ReadOptions.encoding(StandardCharsets.ISO_8859_1) or convert it to UTF-8");
    }

    @Test
    void csvIdentifierColumnIsCaught() throws IOException {
        StringBuilder sb = new StringBuilder("id,v,y\n");
        for (int i = 0; i < 30; i++) sb.append("row").append(i).append(',').append(i).append(',').append(i % 2).append('\n');
        Path p = write("id.csv", sb.toString());
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(p, ReadOptions.defaults().maxCategories(20)));
        assertTrue(e.getMessage().startsWith("id.csv:1:1: column 'id' has 30 distinct text values (more than 20): an identifier? ignore it with ignore(\"id\")"), e.getMessage());
        assertEquals(30, CsvReader.read(p, ReadOptions.defaults().maxCategories(20).ignore("id")).size());
        assertEquals(31, CsvReader.read(p).inputs());   // default limit 1000: 30 one-hot columns + v
    }

    @Test
    void binaryJunkIsEscapedInMessages() throws IOException {
        DataFormatException e = expect(CSV, write("b.csv", "a,b,c\n1,2,3\n4,\u0000\u0001x,6\n"), 3, 2, "expected a number, found \"\\u0000\\u0001x\"");
        assertTrue(e.getMessage().chars().noneMatch(ch -> ch < 0x20), e.getMessage());
    }

    @Test
    void csvUnknownTargetName() throws IOException {
        Path p = write("t.csv", "a,b,c\n1,2,3\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(p, ReadOptions.defaults().target("zz")));
        assertTrue(e.getMessage().startsWith("t.csv:1: no column named 'zz'"), e.getMessage());
    }

    @Test
    void csvTargetFileMismatch() throws IOException {
        Path x = write("x.csv", "1 2\n3 4\n5 6\n");
        Path y = write("y.csv", "1\n2\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(x, y, ReadOptions.defaults()));
        assertTrue(e.getMessage().startsWith("y.csv:2: dimension mismatch: 2 target rows, but x.csv has more than 2 rows"), e.getMessage());
        Path y3 = write("y3.csv", "1\n2\n3\n4\n");
        e = assertThrows(DataFormatException.class, () -> CsvReader.read(x, y3, ReadOptions.defaults()));
        assertTrue(e.getMessage().startsWith("y3.csv:4: dimension mismatch: more than 3 target rows, but x.csv has 3 rows"), e.getMessage());
        Path y2 = write("y2.csv", "1\nabc\n3\n");
        e = assertThrows(DataFormatException.class, () -> CsvReader.read(x, y2, ReadOptions.defaults()));
        assertTrue(e.getMessage().startsWith("y2.csv:2:1: expected a number"), e.getMessage());
    }

    // ---------------------------------------------------------------- ARFF

    static final String ARFF_HEAD = "% comment\n@relation t\n@attribute a numeric\n@attribute b {x, 'y z'}\n@attribute class {p,q}\n@data\n";

    @Test
    void arffBadRows() throws IOException {
        expect(ARFF, write("r.arff", ARFF_HEAD + "1,x,p\n2,x\n"), 8, 3, "expected 3 values");
        expect(ARFF, write("n.arff", ARFF_HEAD + "1,x,p\nzz,x,q\n"), 8, 1, "expected a number, found \"zz\"");
        expect(ARFF, write("nan.arff", ARFF_HEAD + "NaN,x,p\n"), 7, 1, "finite number");
        expect(ARFF, write("inf.arff", ARFF_HEAD + "1,x,p\n-inf,x,p\n"), 8, 1, "finite number");
        expect(ARFF, write("u.arff", ARFF_HEAD + "1,x,p\n2,w,q\n"), 8, 2, "unknown value \"w\" for nominal attribute 'b'");
        expect(ARFF, write("uc.arff", ARFF_HEAD + "1,'y z',r\n"), 7, 3, "unknown value \"r\" for nominal attribute 'class'");
        expect(ARFF, write("m.arff", ARFF_HEAD + "1,x,p\n?,x,q\n"), 8, 1, "missing value for 'a'");
        expect(ARFF, write("mc.arff", ARFF_HEAD + "1,x,?\n"), 7, 3, "missing class value");
        expect(ARFF, write("q.arff", ARFF_HEAD + "1,'y z,p\n"), 7, 2, "unterminated quote");
        expect(ARFF, write("s.arff", ARFF_HEAD + "{0 1, 2 p}\n"), 7, 1, "sparse ARFF");
        expect(ARFF, write("w.arff", ARFF_HEAD + "1,x,p,{2}\n"), 7, 4, "expected ',' after a value");
    }

    @Test
    void arffBadHeaders() throws IOException {
        expect(ARFF, write("e.arff", ""), 0, 0, "no @relation");
        expect(ARFF, write("c.arff", "% only comments\n%\n"), 0, 0, "no @relation");
        expect(ARFF, write("nd.arff", "@relation t\n@attribute a numeric\n@attribute c {p,q}\n"), 0, 0, "no @data");
        expect(ARFF, write("nr.arff", "@relation t\n@attribute a numeric\n@attribute c {p,q}\n@data\n"), 4, 0, "no data rows");
        expect(ARFF, write("st.arff", "@relation t\n@attribute a string\n@attribute c {p,q}\n@data\nx,p\n"), 2, 0, "not supported");
        expect(ARFF, write("ty.arff", "@relation t\n@attribute a numbr\n@attribute c {p,q}\n@data\n1,p\n"), 2, 0, "expected a type");
        expect(ARFF, write("br.arff", "@relation t\n@attribute a numeric\n@attribute c {p,q\n@data\n1,p\n"), 3, 0, "not closed");
        expect(ARFF, write("du.arff", "@relation t\n@attribute a numeric\n@attribute a numeric\n@attribute c {p,q}\n@data\n1,2,p\n"), 3, 0, "declared twice");
        expect(ARFF, write("kw.arff", "@relation t\n@attrib a numeric\n"), 2, 1, "expected @relation, @attribute or @data");
        expect(ARFF, write("or.arff", "@attribute a numeric\n"), 1, 1, "expected @relation before @attribute");
    }

    @Test
    void arffTruncatedGzip() throws IOException {
        StringBuilder sb = new StringBuilder(ARFF_HEAD);
        for (int i = 0; i < 3000; i++) sb.append(i).append(",x,").append(i % 2 == 0 ? "p" : "q").append('\n');
        byte[] gz = gzip(sb.toString().getBytes(StandardCharsets.UTF_8));
        Path p = write("t.arff.gz", Arrays.copyOf(gz, gz.length - 100));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ArffReader.read(p));
        assertTrue(e.getMessage().startsWith("t.arff.gz:") && e.line() > 7, e.getMessage());
        // the whole file, gzip, reads fine (transparent decompression by magic bytes, any name)
        Path ok = write("plain-name.arff", gz);
        assertEquals(3000, ArffReader.read(ok).size());
    }

    // ---------------------------------------------------------------- LIBSVM

    @Test
    void libsvmBadLines() throws IOException {
        expect(SVM, write("a.svm", "1 1:0.5 3:1\n0 2:1 2:3\n"), 2, 3, "strictly increasing");
        expect(SVM, write("b.svm", "1 1:0.5 3:1\n0 0:1\n"), 2, 2, "at least 1");
        expect(SVM, write("c.svm", "1 1:0.5 3:1\n0 1=1\n"), 2, 2, "expected index:value");
        expect(SVM, write("d.svm", "1 1:0.5 3:NaN\n"), 1, 3, "finite number");
        expect(SVM, write("e.svm", "1 1:0.5\nx 2:1\n"), 2, 1, "expected a number");
        expect(SVM, write("f.svm", "1 1:0.5\n0 x:1\n"), 2, 2, "positive integer index");
        expect(SVM, write("g.svm", ""), 0, 0, "empty file");
        expect(SVM, write("h.svm", "1 1:abc\n"), 1, 2, "expected a number");
        Path p = write("i.svm", "1 1:1\n0 5:1\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> LibsvmReader.read(p, ReadOptions.defaults().features(4)));
        assertTrue(e.getMessage().startsWith("i.svm:2:2: feature index 5 exceeds the 4 features"), e.getMessage());
    }

    @Test
    void smallFilesCannotClaimHugeArrays() throws IOException {
        // ARFF: one nominal attribute declared with 200,000 values, 400 rows -> 80 M floats (320 MB) from a 2 MB file
        StringBuilder sb = new StringBuilder("@relation r\n@attribute a {");
        for (int i = 0; i < 200_000; i++) sb.append(i == 0 ? "" : ",").append('v').append(i);
        sb.append("}\n@attribute c {p,q}\n@data\n");
        for (int i = 0; i < 400; i++) sb.append("v1,p\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ArffReader.read(write("wide.arff", sb.toString())));
        assertTrue(e.getMessage().contains("one-hot encoding would expand 1 input attributes to 200000 columns"), e.getMessage());
        // LIBSVM: 100 lines naming feature 9,000,000 -> 900 M floats
        StringBuilder sv = new StringBuilder();
        for (int i = 0; i < 100; i++) sv.append(i % 2).append(" 9000000:1\n");
        e = assertThrows(DataFormatException.class, () -> LibsvmReader.read(write("sparse.svm", sv.toString())));
        assertTrue(e.getMessage().contains("implausibly sparse for dense storage"), e.getMessage());
    }

    // ---------------------------------------------------------------- MONK

    @Test
    void monkBadLines() throws IOException {
        expect(MONK, write("m1", " 1 1 1 1 1 3 1 data_5\n 1 1 1 1 1 3 data_6\n"), 2, 7, "expected an integer, found \"data_6\"");
        expect(MONK, write("m1b", " 1 1 1 1 1 3\n"), 1, 7, "7 or 8 fields");
        expect(MONK, write("m2", " 1 1 1 1 1 5 1 data_5\n"), 1, 6, "a5 must be 1..4");
        expect(MONK, write("m3", " 2 1 1 1 1 3 1 data_5\n"), 1, 1, "class must be 0 or 1");
        expect(MONK, write("m4", " 1 1 x 1 1 3 1 data_5\n"), 1, 3, "expected an integer");
        expect(MONK, write("m5", ""), 0, 0, "empty file");
        expect(MONK, write("m6", " 1 1 1 1 1 3 1 data_5 extra\n"), 1, 9, "7 or 8 fields");
        expect(MONK, write("m7", " 1 1 99999999999 1 1 3 1 data_5\n"), 1, 3, "expected an integer");
    }
}
