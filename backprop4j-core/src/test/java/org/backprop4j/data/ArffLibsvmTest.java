package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArffLibsvmTest {
    @TempDir
    Path dir;

    Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void arffSyntaxVariants() throws IOException {
        String arff = """
                % a comment
                @RELATION 'my data'

                @Attribute "first value"\tINTEGER
                @attribute colour { red , 'dark blue',"light \\'green\\'"}
                @ATTRIBUTE class {yes,no}
                % another comment
                @Data
                1, 'dark blue', no
                % comment between rows
                2,red,yes
                3 , "light 'green'" , yes
                """;
        DataSet ds = ArffReader.read(write("v.arff", arff));
        assertEquals(3, ds.size());
        assertEquals(List.of("first value", "colour=red", "colour=dark blue", "colour=light 'green'"), ds.inputNames());
        assertArrayEquals(new float[] {1, 0, 1, 0, 2, 1, 0, 0, 3, 0, 0, 1}, ds.x());
        assertEquals(List.of("yes", "no"), ds.classNames());
        assertEquals(1, ds.label(0));
        assertEquals(0, ds.label(1));
    }

    @Test
    void arffInlineComments() throws IOException {
        DataSet ds = ArffReader.read(write("c.arff", "@relation r % name\n@attribute a numeric % the first\n@attribute c {'p%', q} % classes\n@data\n1,'p%' % quoted percent is data\n2,q%\n"));
        assertEquals(List.of("p%", "q"), ds.classNames());
        assertArrayEquals(new float[] {1, 2}, ds.x());
        assertEquals(1, ds.label(1));
    }

    @Test
    void arffClassByNameAndMissing() throws IOException {
        String arff = "@relation r\n@attribute k {a,b}\n@attribute x numeric\n@attribute y numeric\n@data\na,1,2\nb,?,4\n?,5,6\n";
        Path p = write("m.arff", arff);
        // row 2 has x missing (kept as NaN); row 3 has a missing class: always an error
        DataFormatException e = org.junit.jupiter.api.Assertions.assertThrows(DataFormatException.class,
                () -> ArffReader.read(p, ReadOptions.defaults().target("k").missing(MissingValues.KEEP)).size());
        assertTrue(e.getMessage().startsWith("m.arff:8:1: missing class value"), e.getMessage());
        Path ok = write("ok.arff", arff.replace("?,5,6\n", ""));
        DataSet kept = ArffReader.read(ok, ReadOptions.defaults().target("k").missing(MissingValues.KEEP));
        assertEquals(List.of("a", "b"), kept.classNames());
        assertEquals(List.of("x", "y"), kept.inputNames());
        assertTrue(Float.isNaN(kept.x()[2]));
        assertEquals(4f, kept.x()[3]);
        // a nominal input with ? becomes an all-NaN block
        Path nom = write("n.arff", "@relation r\n@attribute k {a,b}\n@attribute y {p,q}\n@data\na,p\n?,q\n");
        DataSet nd = ArffReader.read(nom, ReadOptions.defaults().missing(MissingValues.KEEP));
        assertTrue(Float.isNaN(nd.x()[2]) && Float.isNaN(nd.x()[3]));
    }

    @Test
    void libsvmSparseRows() throws IOException {
        DataSet ds = LibsvmReader.read(write("a.svm", "+1 1:0.5 3:2 # comment\n-1 2:1\n\n3 4:-1.5\n"));
        assertEquals(3, ds.size());
        assertEquals(4, ds.inputs());
        assertArrayEquals(new float[] {0.5f, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, -1.5f}, ds.x());
        assertEquals(List.of("-1", "1", "3"), ds.classNames());
        assertEquals(1, ds.label(0));
        assertEquals(0, ds.label(1));
        assertEquals(2, ds.label(2));
        DataSet reg = LibsvmReader.read(write("r.svm", "0.25 1:1\n-3 2:1\n"), ReadOptions.defaults().classTarget(false).features(5));
        assertFalse(reg.isClassification());
        assertEquals(5, reg.inputs());
        assertArrayEquals(new float[] {0.25f, -3}, reg.d());
        // with the training schema: same width and classes, even if a label is absent
        DataSet test = LibsvmReader.read(write("t.svm", "3 1:1\n"), ReadOptions.defaults().schema(ds.schema()));
        assertEquals(4, test.inputs());
        assertEquals(ds.classNames(), test.classNames());
        assertEquals(2, test.label(0));
    }
}
