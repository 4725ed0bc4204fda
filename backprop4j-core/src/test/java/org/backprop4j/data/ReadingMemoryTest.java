package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 5 in the reader: parsed cells are stored in chunks (never copied as they grow)
 * and spilled to a temporary file past a threshold, and the result is bit-identical either way.
 */
class ReadingMemoryTest {
    @TempDir
    Path dir;

    /** Small chunks, so that a small file fills several. */
    static final int CHUNK = 1 << 12;

    /** A mixed file: numbers, a categorical input, missing values, integer class labels; rows chosen to end mid-chunk. */
    Path mixed(int rows) throws IOException {
        StringBuilder sb = new StringBuilder("a,colour,b,y\n");
        String[] colours = {"red", "green", "blue"};
        for (int i = 0; i < rows; i++) {
            sb.append(i % 97 == 5 ? "?" : Double.toString(i * 0.25 - 3)).append(',').append(colours[i % 3]).append(',')
                    .append((i * 7919) % 1000 / 10.0).append(',').append(i % 4).append('\n');
        }
        Path p = dir.resolve("mixed.csv");
        Files.writeString(p, sb);
        return p;
    }

    @Test
    void spilledAndInMemoryReadsAreIdentical() throws IOException {
        int rows = 3 * (CHUNK / 4) + 123;   // 3 full chunks of 4-float rows and a partial one
        Path p = mixed(rows);
        Path spillDir = Files.createDirectories(dir.resolve("spill"));
        ReadOptions heap = ReadOptions.defaults().missing(MissingValues.KEEP);
        heap.chunkFloats = CHUNK;
        ReadOptions spill = ReadOptions.defaults().missing(MissingValues.KEEP).spillDirectory(spillDir);
        spill.spillBytes = 0;   // every full chunk goes to the file
        spill.chunkFloats = CHUNK;
        DataSet a = CsvReader.read(p, heap), b = CsvReader.read(p, spill);
        assertEquals(rows, a.size());
        assertTrue(a.sameContents(b));
        assertArrayEquals(a.x(), b.x());
        assertEquals(List.of("a", "colour=blue", "colour=green", "colour=red", "b"), b.inputNames());
        assertEquals(List.of("0", "1", "2", "3"), b.classNames());
        for (int i : new int[] {0, 1, rows / 2, rows - 1}) {
            assertEquals(i % 4, b.label(i));
            assertEquals(i % 97 == 5 ? Float.NaN : (float) (i * 0.25 - 3), b.x()[i * 5], "row " + i);
            assertEquals((float) ((i * 7919) % 1000 / 10.0), b.x()[i * 5 + 4]);
        }
        try (Stream<Path> left = Files.list(spillDir)) {
            assertEquals(0, left.count(), "the temporary cell file is gone");
        }
        // regression targets and inputs-only reading take the same path
        ReadOptions reg = ReadOptions.defaults().missing(MissingValues.KEEP).classTarget(false).spillDirectory(spillDir);
        reg.spillBytes = 0;
        reg.chunkFloats = CHUNK;
        DataSet r = CsvReader.read(p, reg);
        for (int i = 0; i < rows; i++) assertEquals(i % 4, r.d()[i]);
        ReadOptions in = ReadOptions.defaults().missing(MissingValues.KEEP).schema(a.schema()).spillDirectory(spillDir);
        in.spillBytes = 0;
        in.chunkFloats = CHUNK;
        assertArrayEquals(a.x(), CsvReader.readInputs(p, in));
    }

    @Test
    void aFailedReadLeavesNoTemporaryFile() throws IOException {
        StringBuilder sb = new StringBuilder("a,y\n");
        for (int i = 0; i < 60_000; i++) sb.append(i).append(',').append(i % 2).append('\n');
        sb.append("x,1\n");   // the one non-number: an error after everything was spilled
        Path p = dir.resolve("bad.csv");
        Files.writeString(p, sb);
        Path spillDir = Files.createDirectories(dir.resolve("spill"));
        ReadOptions o = ReadOptions.defaults().spillDirectory(spillDir);
        o.spillBytes = 0;
        o.chunkFloats = CHUNK;
        DataFormatException e = org.junit.jupiter.api.Assertions.assertThrows(DataFormatException.class, () -> CsvReader.read(p, o));
        assertTrue(e.getMessage().startsWith("bad.csv:60002:1: expected a number, found \"x\""), e.getMessage());
        try (Stream<Path> left = Files.list(spillDir)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void pipelineInPlaceEqualsTheCopyingOne() throws IOException {
        DataSet cls = CsvReader.read(mixed(500), ReadOptions.defaults().missing(MissingValues.KEEP));
        DataSet reg = CsvReader.read(dir.resolve("mixed.csv"), ReadOptions.defaults().missing(MissingValues.KEEP).classTarget(false));
        for (DataSet raw : new DataSet[] {cls, reg}) {
            for (Pipeline.Options opt : new Pipeline.Options[] {Pipeline.Options.standardize(),
                    new Pipeline.Options(Pipeline.Scaling.MINMAX_PM1, true, Pipeline.Scaling.STANDARDIZE)}) {
                Pipeline p = Pipeline.fit(raw, opt);
                DataSet copy = p.apply(raw);
                DataSet rawAgain = new DataSet(raw.x().clone(), raw.d().clone(), raw.inputs(), raw.outputs(), raw.classNames(), raw.inputNames(), raw.schema());
                DataSet inPlace = p.applyInPlace(rawAgain);
                assertSame(rawAgain.x(), inPlace.x());
                assertNotSame(raw.x(), copy.x());
                assertArrayEquals(copy.x(), inPlace.x());   // bit for bit: the same arithmetic
                assertArrayEquals(copy.d(), inPlace.d());
            }
        }
    }
}
