package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 5, the cache behind data larger than the heap ({@link DataCache}): written once,
 * holding exactly what the reader gives on the heap, reused without parsing while the file is
 * unchanged, and parsed again (never used) when the file changed or the cache is damaged in any
 * part: header, rows, checksum table, length.
 */
class DataCacheTest {
    @TempDir
    Path dir;

    /** Numbers, a categorical input, missing values, text class labels. */
    Path mixed(String name, int rows, int seed) throws IOException {
        StringBuilder sb = new StringBuilder("a,colour,b,c,y\n");
        String[] colours = {"red", "green", "blue"};
        for (int i = 0; i < rows; i++) {
            int v = i + seed;
            sb.append(v % 97 == 5 ? "?" : Double.toString(v * 0.25 - 3)).append(',').append(colours[v % 3]).append(',')
                    .append((v * 7919) % 1000 / 10.0).append(',').append(v % 13 - 6).append(',').append(v % 4 == 0 ? "yes" : "no").append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb);
        return p;
    }

    record Read(Examples data, List<ReadNotice> notices) {
        List<String> cache() {
            return notices.stream().filter(n -> n.kind() == ReadNotice.Kind.CACHE).map(ReadNotice::message).toList();
        }
    }

    static ReadOptions options(List<ReadNotice> sink) {
        return ReadOptions.defaults().missing(MissingValues.KEEP).onNotice(sink::add);
    }

    Read read(Path csv, DataCache.Options c) throws IOException {
        List<ReadNotice> n = new ArrayList<>();
        return new Read(DataCache.read(csv, options(n), c), n);
    }

    DataCache.Options always() {
        return DataCache.Options.auto().mode(DataCache.Mode.ALWAYS).directory(dir.resolve("cache"));
    }

    /** Every value, name, class and attribute the same as the heap reader's. */
    static void assertSameAsHeap(DataSet heap, Examples e) {
        MappedExamples m = assertInstanceOf(MappedExamples.class, e);
        DataSet copy = m.toDataSet();
        assertEquals(heap.size(), copy.size());
        assertArrayEquals(heap.x(), copy.x());   // NaN (missing) compared as NaN
        assertArrayEquals(heap.d(), copy.d());
        assertEquals(heap.inputNames(), copy.inputNames());
        assertEquals(heap.classNames(), copy.classNames());
        assertEquals(heap.schema(), copy.schema());
        for (int p = 0; p < heap.size(); p += 37) assertEquals(heap.label(p), m.label(p));
    }

    @Test
    void writtenOnceThenReusedWithoutParsing() throws Exception {
        Path csv = mixed("mixed.csv", 5000, 0);
        List<ReadNotice> heapNotices = new ArrayList<>();
        DataSet heap = CsvReader.read(csv, options(heapNotices));
        Read first = read(csv, always());
        assertSameAsHeap(heap, first.data());
        Path cache = DataCache.cacheFile(csv, options(new ArrayList<>()), dir.resolve("cache"));
        assertEquals(cache, ((MappedExamples) first.data()).file());
        assertEquals(List.of("training from a memory-mapped cache at " + cache + " (0 MB of data; DataCache.Mode.ALWAYS)"), first.cache());
        assertEquals(heapNotices, first.notices().subList(0, heapNotices.size()));   // the task and why, told as the heap read tells it
        FileTime written = Files.getLastModifiedTime(cache);
        assertEquals(DataCache.sha256(csv), ((MappedExamples) first.data()).sourceSha256());

        Thread.sleep(20);   // a rewrite would show in the modification time
        Read second = read(csv, always());
        assertSameAsHeap(heap, second.data());
        assertEquals(written, Files.getLastModifiedTime(cache), "the cache was not written again");
        assertEquals(1, second.cache().size(), second.notices().toString());
        assertTrue(second.cache().get(0).matches("reusing the memory-mapped cache " + java.util.regex.Pattern.quote(cache.toString())
                + " \\(0 MB of data parsed \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ; mixed\\.csv is unchanged\\): not parsing it again"), second.cache().get(0));
        // the reader's notices come again, in the same order, before the reuse line
        assertEquals(heapNotices, second.notices().subList(0, heapNotices.size()));
        assertEquals(heapNotices.size() + 1, second.notices().size());
    }

    @Test
    void autoKeepsSmallDataOnTheHeapAndCachesLargeData() throws Exception {
        Path csv = mixed("auto.csv", 1000, 0);
        DataSet heap = CsvReader.read(csv, options(new ArrayList<>()));
        long bytes = 4L * heap.size() * (heap.inputs() + heap.outputs());
        DataCache.Options auto = DataCache.Options.auto();
        Read small = read(csv, auto.thresholdBytes(bytes));   // not larger than the threshold
        assertInstanceOf(DataSet.class, small.data());
        assertTrue(small.cache().isEmpty());
        assertTrue(small.data() instanceof DataSet ds && ds.sameContents(heap));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(csv), s.toList(), "no cache written");
        }
        Read large = read(csv, auto.thresholdBytes(bytes - 1));
        assertSameAsHeap(heap, large.data());
        Path next = DataCache.cacheFile(csv, options(new ArrayList<>()), null);
        assertEquals(csv.toRealPath().getParent(), next.getParent());
        assertTrue(next.getFileName().toString().matches("\\.auto\\.csv\\.[0-9a-f]{16}\\.bp4j-cache"), next.toString());
        assertTrue(Files.exists(next), "next to the data by default");
        assertEquals(List.of("data of 0 MB larger than 0 MB: training from a memory-mapped cache at " + next), large.cache());
        // a valid cache is used in AUTO mode whatever the size
        Read again = read(csv, auto);
        assertInstanceOf(MappedExamples.class, again.data());
        assertTrue(again.cache().get(0).startsWith("reusing the memory-mapped cache " + next), again.cache().toString());
        // NEVER reads onto the heap and ignores the cache
        assertInstanceOf(DataSet.class, read(csv, auto.mode(DataCache.Mode.NEVER)).data());
    }

    @Test
    void otherReadingOptionsUseAnotherCache() throws Exception {
        Path csv = mixed("opts.csv", 500, 0);
        Read a = read(csv, always());
        List<ReadNotice> n = new ArrayList<>();
        ReadOptions asRegression = options(n).target("b");
        Examples b = DataCache.read(csv, asRegression, always());
        assertNotEquals(((MappedExamples) a.data()).file(), ((MappedExamples) b).file());
        assertSameAsHeap(CsvReader.read(csv, options(new ArrayList<>()).target("b")), b);
        assertFalse(b.isClassification());
    }

    @Test
    void aChangedFileIsParsedAgain() throws Exception {
        Path csv = mixed("changing.csv", 2000, 0);
        Read first = read(csv, always());
        Path cache = ((MappedExamples) first.data()).file();
        FileTime mtime = Files.getLastModifiedTime(csv);

        // same size and modification time, another value: only the content hash can tell
        String text = Files.readString(csv);
        int at = text.indexOf("\n1.5,");
        assertTrue(at > 0);
        Files.writeString(csv, text.substring(0, at) + "\n1.6," + text.substring(at + 5));
        Files.setLastModifiedTime(csv, mtime);
        Read second = read(csv, always());
        assertEquals(List.of("the cache " + cache + " was made from another version of changing.csv (its content changed): deleted it, parsing the file again",
                "training from a memory-mapped cache at " + cache + " (0 MB of data; DataCache.Mode.ALWAYS)"), second.cache());
        assertSameAsHeap(CsvReader.read(csv, options(new ArrayList<>())), second.data());

        // more rows
        Files.writeString(csv, Files.readString(csv) + "1,red,2,3,yes\n");
        Read third = read(csv, always());
        assertEquals("the cache " + cache + " was made from another version of changing.csv (its size changed): deleted it, parsing the file again", third.cache().get(0));
        assertEquals(2001, third.data().size());

        // touched only: the modification time differs
        Files.setLastModifiedTime(csv, FileTime.fromMillis(mtime.toMillis() - 60_000));
        Read fourth = read(csv, always());
        assertEquals("the cache " + cache + " was made from another version of changing.csv (its modification time changed): deleted it, parsing the file again",
                fourth.cache().get(0));
        assertSameAsHeap(CsvReader.read(csv, options(new ArrayList<>())), fourth.data());
    }

    /** The cache of a file with {@code rows} rows, its header length and data length read from it. */
    record Made(Path csv, Path cache, DataSet heap, long payloadOffset, long payloadBytes) {}

    Made made(int rows) throws Exception {
        Path csv = mixed("damaged.csv", rows, 3);
        MappedExamples m = (MappedExamples) read(csv, always()).data();
        DataSet heap = CsvReader.read(csv, options(new ArrayList<>()));
        long payload = 4L * heap.size() * (heap.inputs() + heap.outputs());
        return new Made(csv, m.file(), heap, Files.size(m.file()) - payload - 4L * ((payload + DataCache.BLOCK_BYTES - 1) / DataCache.BLOCK_BYTES) - 12, payload);
    }

    static void flip(Path f, long at) throws IOException {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(at);
            int b = r.read();
            r.seek(at);
            r.write(b ^ 0x10);
        }
    }

    /** Damage, read: one line saying what is damaged, the data parsed again (equal to the heap read), a sound cache in its place. */
    void assertDetected(Made m, String why) throws Exception {
        Read r = read(m.csv(), always());
        List<String> lines = r.cache();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("the cache " + m.cache() + " is damaged (" + why + "): deleted it, parsing damaged.csv again", lines.get(0));
        assertTrue(lines.get(1).startsWith("training from a memory-mapped cache at " + m.cache()), lines.get(1));
        assertSameAsHeap(m.heap(), r.data());
        assertTrue(read(m.csv(), always()).cache().get(0).startsWith("reusing"), "rebuilt sound");
    }

    @Test
    void aFlippedByteAnywhereIsDetectedAndTheCacheRebuilt() throws Exception {
        // 160,000 rows × 8 floats: 5.1 MB, two checksum blocks
        Made m = made(160_000);
        assertEquals(2, (m.payloadBytes() + DataCache.BLOCK_BYTES - 1) / DataCache.BLOCK_BYTES);
        assertEquals(4096, m.payloadOffset());
        flip(m.cache(), m.payloadOffset() + 12345);   // a value of block 1
        assertDetected(m, "block 1 of 2 (data bytes 0 to " + DataCache.BLOCK_BYTES + ") fails its checksum");
        flip(m.cache(), m.payloadOffset() + m.payloadBytes() - 1);   // the last value, in block 2
        assertDetected(m, "block 2 of 2 (data bytes " + DataCache.BLOCK_BYTES + " to " + m.payloadBytes() + ") fails its checksum");
        flip(m.cache(), 20);   // the row count
        assertDetected(m, "the header fails its checksum");
        flip(m.cache(), 200);  // a name in the header's variable part
        assertDetected(m, "the header fails its checksum");
        flip(m.cache(), m.payloadOffset() + m.payloadBytes() + 2);   // the checksum table
        assertDetected(m, "the block checksums fail their own checksum");
        flip(m.cache(), Files.size(m.cache()) - 1);   // the end mark
        assertDetected(m, "no end mark");
        flip(m.cache(), 0);    // the magic number
        assertDetected(m, "not a backprop4j data cache: wrong magic number");
    }

    @Test
    void aTruncatedOrExtendedCacheIsDetectedAndRebuilt() throws Exception {
        Made m = made(3000);
        long full = Files.size(m.cache());
        try (RandomAccessFile r = new RandomAccessFile(m.cache().toFile(), "rw")) {
            r.setLength(full - 100);
        }
        assertDetected(m, "truncated: " + (full - 100) + " bytes, the header announces " + full);
        try (RandomAccessFile r = new RandomAccessFile(m.cache().toFile(), "rw")) {
            r.setLength(full + 1);
        }
        assertDetected(m, (full + 1) + " bytes, longer than the " + full + " the header announces");
        try (RandomAccessFile r = new RandomAccessFile(m.cache().toFile(), "rw")) {
            r.setLength(100);
        }
        assertDetected(m, "truncated or damaged header (100 bytes)");
        Files.write(m.cache(), new byte[0]);
        assertDetected(m, "truncated: 0 bytes, shorter than a header");
    }

    @Test
    void arffGzipAndWhatCannotBeCached() throws Exception {
        Path arff = dir.resolve("w.arff");
        StringBuilder sb = new StringBuilder("@relation w\n@attribute a numeric\n@attribute k {x,y,z}\n@attribute class {p,q}\n@data\n");
        for (int i = 0; i < 300; i++) sb.append(i * 0.5).append(',').append(i % 7 == 3 ? "?" : "xyz".charAt(i % 3)).append(',').append(i % 2 == 0 ? "p" : "q").append('\n');
        Files.writeString(arff, sb);
        assertSameAsHeap(ArffReader.read(arff, options(new ArrayList<>())), read(arff, always()).data());

        Path csv = mixed("plain.csv", 700, 1);
        Path gz = dir.resolve("packed.csv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(csv, out);
        }
        assertSameAsHeap(CsvReader.read(csv, options(new ArrayList<>())), read(gz, always()).data());

        Path svm = dir.resolve("d.libsvm");
        Files.writeString(svm, "1 1:0.5 2:1\n0 1:0.25\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(svm, always()));
        assertEquals("d.libsvm: a memory-mapped cache is made from a CSV or ARFF file, not LIBSVM", e.getMessage());
        assertInstanceOf(DataSet.class, read(svm, DataCache.Options.auto().thresholdBytes(0)).data(), "AUTO reads what it cannot cache onto the heap");
    }

    @Test
    void viewsSelectAndTransformWithoutCopyingTheFile() throws Exception {
        Path csv = mixed("views.csv", 900, 2);
        DataSet heap = CsvReader.read(csv, options(new ArrayList<>()));
        MappedExamples m = (MappedExamples) read(csv, always()).data();
        int[] idx = {899, 0, 450, 7, 7};
        assertTrue(heap.subset(idx).sameContents(m.select(idx).toDataSet()));
        int[] inner = {4, 2};
        assertTrue(heap.subset(idx).subset(inner).sameContents(m.select(idx).select(inner).toDataSet()), "a view of a view");
        Pipeline p = Pipeline.fit(heap, Pipeline.Options.standardize());
        assertEquals(p, Pipeline.fit(m, Pipeline.Options.standardize()), "streaming passes over the file give the same statistics");
        DataSet scaled = p.apply(heap);
        assertTrue(scaled.sameContents(((MappedExamples) p.apply((Examples) m)).toDataSet()));
        assertTrue(scaled.subset(idx).sameContents(((MappedExamples) p.apply((Examples) m.select(idx))).toDataSet()));
        assertArrayEquals(Splits.labels(heap), Splits.labels(m));
    }
}
