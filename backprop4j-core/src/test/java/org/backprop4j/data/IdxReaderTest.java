package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes: magic 00 00 08 nd, the sizes, the data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    Path write(String name, byte[] b) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    static byte[] maybeGzip(boolean gz, byte[] b) throws IOException {
        return gz ? BadInputTest.gzip(b) : b;
    }

    // three 2×2 images and their labels 2, 0, 9
    static final byte[] PIXELS = {0, (byte) 255, 51, 102, 1, 2, 3, 4, (byte) 128, 0, 0, (byte) 200};
    static final byte[] LABELS = {2, 0, 9};

    @Test
    void smallPairPlainAndGzip() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            Path i = write("img" + gz, maybeGzip(gz, idx(new int[] {3, 2, 2}, PIXELS))), l = write("lab" + gz, maybeGzip(gz, idx(new int[] {3}, LABELS)));
            DataSet ds = IdxReader.read(i, l);
            assertEquals(3, ds.size());
            assertEquals(4, ds.inputs());
            assertEquals(10, ds.outputs());
            assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f}, Arrays.copyOf(ds.x(), 4));   // 51/255 = 0.2, 102/255 = 0.4
            assertEquals(200 / 255f, ds.x()[11]);
            assertEquals(2, ds.label(0));
            assertEquals(0, ds.label(1));
            assertEquals(9, ds.label(2));
            assertEquals("px1_0", ds.inputNames().get(2));
            assertEquals(IdxReader.DIGITS, ds.schema().classNames());
            assertEquals(4, ds.schema().inputs().size());
            DataSet first2 = IdxReader.read(i, l, IdxReader.DIGITS, 2);
            assertEquals(2, first2.size());
        }
    }

    @Test
    void theHeaderAloneGivesTheDimensions() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            byte[] im = idx(new int[] {3, 2, 2}, PIXELS);
            Path i = write("img" + gz, maybeGzip(gz, im)), l = write("lab" + gz, maybeGzip(gz, idx(new int[] {3}, LABELS)));
            assertArrayEquals(new int[] {3, 2, 2}, IdxReader.dimensions(i));
            assertArrayEquals(new int[] {3}, IdxReader.dimensions(l));
            assertEquals(4, IdxReader.itemSize(i));
            assertEquals(-1, IdxReader.itemSize(l), "a labels file has no item shape");
            // only the header is read: a body that does not match it is the reader's to refuse
            Path cut = write("cut" + gz, maybeGzip(gz, Arrays.copyOf(im, im.length - 5)));
            assertArrayEquals(new int[] {3, 2, 2}, IdxReader.dimensions(cut));
        }
        assertEquals(null, IdxReader.dimensions(write("short", new byte[] {0, 0, 8, 3, 0, 0})));
        assertEquals(null, IdxReader.dimensions(write("csv", "a,b\n1,2\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        assertEquals(null, IdxReader.dimensions(write("zero", idx(new int[] {0, 2, 2}, new byte[0]))));
        assertEquals(null, IdxReader.dimensions(dir.resolve("missing")));
    }

    static DataFormatException bad(Path img, Path lab, String what) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(img, lab));
        assertTrue(e.getMessage().contains(what), e.getMessage());
        return e;
    }

    @Test
    void malformedFiles() throws IOException {
        Path lab = write("lab", idx(new int[] {3}, LABELS));
        Path img = write("img", idx(new int[] {3, 2, 2}, PIXELS));
        byte[] im = idx(new int[] {3, 2, 2}, PIXELS);

        byte[] magic = im.clone();
        magic[0] = 0x1A;
        DataFormatException e = bad(write("magic", magic), lab, "wrong magic number 0x1A000803");
        assertTrue(e.getMessage().startsWith("magic: "), e.getMessage());
        byte[] type = im.clone();
        type[2] = 0x0D;   // float32 elements
        bad(write("type", type), lab, "element type 0x0D is not supported");
        bad(lab, lab, "expected 3 (an images file)");
        bad(img, img, "expected 1 (a labels file)");
        e = bad(write("short", Arrays.copyOf(im, im.length - 1)), lab, "implies 28 bytes, the file has 27 (truncated)");
        assertTrue(e.getMessage().startsWith("short: "), e.getMessage());
        bad(write("long", Arrays.copyOf(im, im.length + 1)), lab, "(trailing bytes)");
        bad(write("empty", new byte[0]), lab, "(empty file)");
        bad(write("hdr", Arrays.copyOf(im, 6)), lab, "inside the dimension sizes (truncated)");
        bad(img, write("lab2", idx(new int[] {2}, new byte[] {1, 2})), "dimension mismatch: img holds 3 images but this file 2 labels");
        e = bad(img, write("lab3", idx(new int[] {3}, new byte[] {1, 10, 2})), "label 10 of item 1 (byte offset 9) is out of range 0..9");
        assertTrue(e.getMessage().startsWith("lab3: "), e.getMessage());
        bad(write("zero", idx(new int[] {0, 2, 2}, new byte[0])), lab, "dimension 1 has size 0");
    }

    @Test
    void hostileHeaderDoesNotAllocate() throws IOException {
        // claims 2,000,000 images of 1000×1000 (2 TB) in a 16-byte file: rejected from the header alone
        Path huge = write("huge", idx(new int[] {2_000_000, 1000, 1000}, new byte[0]));
        Path lab = write("lab", idx(new int[] {3}, LABELS));
        bad(huge, lab, "describe more than");
        // within the cap (2 GB minus a little) but gzip, so the file size cannot be checked first: a
        // 60000×100×300 header (1.8 GB) with 12 bytes of data fails as truncated, fast, having
        // allocated only the first 1 MB chunk of the growing buffer
        Path gz = write("gz", BadInputTest.gzip(idx(new int[] {60_000, 100, 300}, PIXELS)));
        // measured in bytes allocated by this thread, not in time (a loaded machine may be slow): the
        // 1 MB chunk, the decompressor's buffers and the exception, far below the 1.8 GB claimed
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        bad(gz, lab, "truncated");   // the first call loads classes, which allocates too
        long before = threads.getCurrentThreadAllocatedBytes();
        DataFormatException e = bad(gz, lab, "truncated: the header announces 1800000000 data bytes, the file ends after 12");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 16L << 20, "allocated " + allocated + " bytes");
        assertTrue(e.getMessage().contains("byte offset 28"), e.getMessage());
        // plain file with the same header: the size check catches it before reading
        bad(write("plain", idx(new int[] {60_000, 100, 300}, PIXELS)), lab, "implies 1800000016 bytes, the file has 28 (truncated)");
    }

    @Test
    void everyPixelIsTheSameWhicheverWayTheFileIsRead() throws IOException {
        // plain (length checked), single-member gzip (ISIZE trusted: pixels go straight to floats) and
        // two-member gzip (ISIZE of the last member only: the byte path), full and limited
        byte[] px = new byte[50 * 40 * 25];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 131 % 256);
        byte[] file = idx(new int[] {50, 40, 25}, px);
        byte[] labels = new byte[50];
        Path lab = write("lab", idx(new int[] {50}, labels));
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(BadInputTest.gzip(Arrays.copyOf(file, 1000)));
        two.write(BadInputTest.gzip(Arrays.copyOfRange(file, 1000, file.length)));
        Path[] ways = {write("plain", file), write("one.gz", BadInputTest.gzip(file)), write("two.gz", two.toByteArray())};
        for (int limit : new int[] {Integer.MAX_VALUE, 7}) {
            int m = Math.min(50, limit);
            float[] want = new float[m * 1000];
            for (int i = 0; i < want.length; i++) want[i] = (px[i] & 0xFF) / 255f;
            for (Path way : ways) {
                DataSet ds = IdxReader.read(way, lab, IdxReader.DIGITS, limit);
                assertArrayEquals(want, ds.x(), way + " limit " + limit);   // every value and the length
            }
        }
    }

    @Test
    void truncatedAndCorruptGzip() throws IOException {
        byte[] big = new byte[50_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 % 251);
        byte[] gz = BadInputTest.gzip(idx(new int[] {50, 40, 25}, big));
        Path lab = write("lab", idx(new int[] {50}, new byte[50]));
        DataFormatException e = bad(write("cut.gz", Arrays.copyOf(gz, gz.length / 2)), lab, "cut.gz: ");
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("end of data"), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset"), e.getMessage());
        byte[] corrupt = gz.clone();
        for (int i = 30; i < 60; i++) corrupt[i] ^= (byte) 0xA5;
        bad(write("corrupt.gz", corrupt), lab, "corrupt.gz: ");
        // the intact file reads
        assertEquals(50, IdxReader.read(write("ok.gz", gz), lab).size());
    }

    @Test
    void realFashionMnistIfInstalled() throws IOException {
        Path d = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.isDirectory(d), "Debian package dataset-fashion-mnist not installed");
        DataSet test = IdxReader.read(d.resolve("t10k-images-idx3-ubyte.gz"), d.resolve("t10k-labels-idx1-ubyte.gz"), IdxReader.FASHION_MNIST, Integer.MAX_VALUE);
        assertEquals(10_000, test.size());
        assertEquals(784, test.inputs());
        int[] counts = new int[10];
        for (int p = 0; p < test.size(); p++) counts[test.label(p)]++;
        for (int c : counts) assertEquals(1000, c);   // Fashion-MNIST's test set: 1000 per class
        assertEquals(9, test.label(0));               // the first test item is an ankle boot
        float min = 1, max = 0;
        for (float v : test.x()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        // the training files' headers: 60000 items of 28×28 (only the first 100 items decoded here)
        IdxReader.Idx tr = IdxReader.readFile(d.resolve("train-images-idx3-ubyte.gz"), 3, 100);
        assertArrayEquals(new int[] {60_000, 28, 28}, tr.dims());
        assertEquals(78_400, tr.data().length);
    }
}
