package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV options on small files written by the test, expected values written out by hand. */
class CsvReaderTest {
    @TempDir
    Path dir;

    Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void delimitersAreDetected() throws IOException {
        float[] x = {1, 2, 4, 5};
        float[] d = {3, 6};
        for (String[] c : new String[][] {{",", "c.csv"}, {";", "s.csv"}, {"\t", "t.tsv"}, {"|", "p.csv"}}) {
            String sep = c[0];
            DataSet ds = CsvReader.read(write(c[1], "a" + sep + "b" + sep + "y\n1" + sep + "2" + sep + "3\n4" + sep + "5" + sep + "6\n"));
            assertArrayEquals(x, ds.x(), c[1]);
            assertArrayEquals(d, ds.d(), c[1]);
            assertEquals(List.of("a", "b"), ds.inputNames());
        }
        DataSet ws = CsvReader.read(write("w.txt", "  1   2\t3\n4 5    6  \n"));
        assertArrayEquals(x, ws.x());
        assertArrayEquals(d, ws.d());
        assertEquals(List.of("x1", "x2"), ws.inputNames());
        // explicit delimiter overrides detection: a semicolon file read with ';' even though commas appear inside quotes
        DataSet q = CsvReader.read(write("q.csv", "\"a,1\";b;y\n1;2;3\n"), ReadOptions.defaults().delimiter(';'));
        assertEquals(List.of("a,1", "b"), q.inputNames());
    }

    @Test
    void headerDetectionAndOverride() throws IOException {
        Path noHeader = write("n.csv", "1,2,3\n4,5,6\n");
        assertEquals(2, CsvReader.read(noHeader).size());
        Path header = write("h.csv", "a,b,c\n1,2,3\n4,5,6\n");
        assertEquals(2, CsvReader.read(header).size());
        // all categorical: the first line is a header when its values never recur below
        Path cat = write("cat.csv", "colour,shape,label\nred,round,yes\nblue,square,no\nred,square,yes\n");
        DataSet ds = CsvReader.read(cat);
        assertEquals(3, ds.size());
        assertEquals(List.of("no", "yes"), ds.classNames());   // categorical values sorted
        // header(false) forces the first line to be data
        DataSet forced = CsvReader.read(cat, ReadOptions.defaults().header(false));
        assertEquals(4, forced.size());
        assertEquals(List.of("label", "no", "yes"), forced.classNames());
    }

    @Test
    void quotedFields() throws IOException {
        DataSet ds = CsvReader.read(write("q.csv", "name,v,y\n\"Smith, J\",1,\"a \"\"b\"\"\"\n plain ,2, c\n"));
        assertEquals(List.of("a \"b\"", "c"), ds.classNames());
        assertEquals(List.of("name=Smith, J", "name=plain", "v"), ds.inputNames());
        assertArrayEquals(new float[] {1, 0, 1, 0, 1, 2}, ds.x());
    }

    @Test
    void targetByNameIndexAndMultiple() throws IOException {
        Path p = write("t.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n");
        DataSet byName = CsvReader.read(p, ReadOptions.defaults().target("b"));
        assertEquals(List.of("a", "c", "d"), byName.inputNames());
        assertArrayEquals(new float[] {2, 6}, byName.d());
        DataSet byIndex = CsvReader.read(p, ReadOptions.defaults().targetIndex(0));
        assertArrayEquals(new float[] {1, 5}, byIndex.d());
        DataSet two = CsvReader.read(p, ReadOptions.defaults().target("c", "a"));
        assertEquals(2, two.outputs());
        assertArrayEquals(new float[] {3, 1, 7, 5}, two.d());   // in the order asked
        DataSet ignored = CsvReader.read(p, ReadOptions.defaults().ignore("a"));
        assertEquals(List.of("b", "c"), ignored.inputNames());
        DataSet negative = CsvReader.read(p, ReadOptions.defaults().targetIndex(-2));
        assertArrayEquals(new float[] {3, 7}, negative.d());
    }

    @Test
    void categoricalInputsOneHotAndClassTarget() throws IOException {
        Path p = write("c.csv", "size,colour,n,class\n1,red,10,2\n2,green,20,1\n3,red,30,2\n4,blue,40,5\n");
        DataSet reg = CsvReader.read(p);
        assertFalse(reg.isClassification());
        assertEquals(List.of("size", "colour=blue", "colour=green", "colour=red", "n"), reg.inputNames());
        assertArrayEquals(new float[] {1, 0, 0, 1, 10, 2, 0, 1, 0, 20, 3, 0, 0, 1, 30, 4, 1, 0, 0, 40}, reg.x());
        assertArrayEquals(new float[] {2, 1, 2, 5}, reg.d());
        DataSet cls = CsvReader.read(p, ReadOptions.defaults().classTarget(true));
        assertEquals(List.of("1", "2", "5"), cls.classNames());   // numeric classes in numeric order
        assertArrayEquals(new int[] {1, 0, 1, 2}, new int[] {cls.label(0), cls.label(1), cls.label(2), cls.label(3)});
        // a numeric-looking column forced categorical
        DataSet forced = CsvReader.read(p, ReadOptions.defaults().categorical("size"));
        assertEquals(List.of("size=1", "size=2", "size=3", "size=4", "colour=blue", "colour=green", "colour=red", "n"), forced.inputNames());
        // a categorical target cannot be a regression target
        Path q = write("q.csv", "a,b\n1,x\n2,y\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(q, ReadOptions.defaults().classTarget(false)));
        assertTrue(e.getMessage().startsWith("q.csv:2:2: expected a number for the regression target 'b'"), e.getMessage());
    }

    @Test
    void schemaEncodesALaterFileLikeTheFirst() throws IOException {
        DataSet train = CsvReader.read(write("train.csv", "colour,n,y\nred,1,a\nblue,2,b\ngreen,3,a\n"));
        // the later file lacks "green" and lists values in another order: encoding must follow the schema
        DataSet test = CsvReader.read(write("test.csv", "colour,n,y\nred,5,b\nblue,6,a\n"), ReadOptions.defaults().schema(train.schema()));
        assertEquals(train.schema(), test.schema());
        assertEquals(train.inputNames(), test.inputNames());
        assertArrayEquals(new float[] {0, 0, 1, 5, 1, 0, 0, 6}, test.x());   // colour=blue, green, red
        assertEquals(1, test.label(0));
        // no header: columns by position, target = the schema's last column(s)
        DataSet nh = CsvReader.read(write("nh.csv", "red,5,b\n"), ReadOptions.defaults().schema(train.schema()).header(false));
        assertArrayEquals(new float[] {0, 0, 1, 5}, nh.x());
        // schema of a numeric class read back through a map
        Schema s = Schema.fromMap(train.schema().toMap(), "t");
        assertEquals(train.schema(), s);
    }

    @Test
    void inputsOnlyForPrediction() throws IOException {
        DataSet train = CsvReader.read(write("tr.csv", "colour,n,y\nred,1,a\nblue,2,b\n"));
        ReadOptions o = ReadOptions.defaults().schema(train.schema());
        // with a header the target column may be absent, or present with anything in it
        assertArrayEquals(new float[] {0, 1, 7}, CsvReader.readInputs(write("p1.csv", "colour,n\nred,7\n"), o));
        assertArrayEquals(new float[] {1, 0, 8}, CsvReader.readInputs(write("p2.csv", "colour,n,y\nblue,8,?\n"), o));
        // without a header: as many columns as inputs, or inputs + target (skipped by position)
        ReadOptions nh = ReadOptions.defaults().schema(train.schema()).header(false);
        assertArrayEquals(new float[] {0, 1, 9}, CsvReader.readInputs(write("p3.csv", "red,9\n"), nh));
        assertArrayEquals(new float[] {0, 1, 9}, CsvReader.readInputs(write("p4.csv", "red,9,zzz\n"), nh));
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.readInputs(write("p5.csv", "colour,n\npurple,1\n"), o));
        assertTrue(e.getMessage().startsWith("p5.csv:2:1: unknown value \"purple\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvReader.readInputs(write("p6.csv", "red,9\n"), ReadOptions.defaults()));
        // ARFF: the class column may be ?
        DataSet weather = ArffReader.read(write("w.arff", "@relation w\n@attribute o {sun,rain}\n@attribute t numeric\n@attribute play {yes,no}\n@data\nsun,1,yes\nrain,2,no\n"));
        float[] x = ArffReader.readInputs(write("wp.arff", "@relation w\n@attribute o {sun,rain}\n@attribute t numeric\n@attribute play {yes,no}\n@data\nrain,5,?\n"),
                ReadOptions.defaults().schema(weather.schema()));
        assertArrayEquals(new float[] {0, 1, 5}, x);
    }

    @Test
    void missingValuesKeptAsNaNUnderKeep() throws IOException {
        Path p = write("m.csv", "a,c,y\n1,x,0\n,y,1\n3,?,0\n");
        DataSet ds = CsvReader.read(p, ReadOptions.defaults().missing(MissingValues.KEEP));
        assertTrue(ds.hasMissing());
        float[] x = ds.x();   // columns a, c=x, c=y
        assertEquals(1f, x[0]);
        assertTrue(Float.isNaN(x[3]));
        assertEquals(1f, x[5]);
        assertTrue(Float.isNaN(x[7]) && Float.isNaN(x[8]));
        assertEquals(3f, x[6]);
        // custom markers: "NA" means missing, "" is then an ordinary (bad) number
        Path q = write("na.csv", "a,b,y\n1,NA,0\n2,3,1\n");
        DataSet na = CsvReader.read(q, ReadOptions.defaults().missingMarkers("NA").missing(MissingValues.KEEP));
        assertTrue(Float.isNaN(na.x()[1]));
    }

    @Test
    void sklearnHeaderCanBeTurnedOff() throws IOException {
        Path p = write("sk.csv", "2,2,a,b\n1,2,0\n3,4,1\n");
        DataSet ds = CsvReader.read(p);
        assertEquals(List.of("a", "b"), ds.classNames());
        assertEquals(2, ds.size());
        // as plain CSV the first line has 4 fields, the rest 3: a ragged file
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(p, ReadOptions.defaults().sklearnHeader(false).header(false)));
        assertTrue(e.getMessage().startsWith("sk.csv:2:4: expected 4 fields, found 3"), e.getMessage());
        // a plain numeric file is not mistaken for one (first line's "class names" would be numbers)
        DataSet plain = CsvReader.read(write("plain.csv", "3,2,5,7\n1,2,0,1\n"));
        assertNull(plain.classNames());
        assertEquals(2, plain.size());
    }

    @Test
    void crlfAndBomAndBlankLines() throws IOException {
        DataSet ds = CsvReader.read(write("w.csv", "\uFEFFa,b,y\r\n1,2,3\r\n\r\n4,5,6\r\n"));
        assertEquals(List.of("a", "b"), ds.inputNames());
        assertArrayEquals(new float[] {1, 2, 4, 5}, ds.x());
    }
}
