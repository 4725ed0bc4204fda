package org.backprop4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.), gzip or not: a 4-byte magic number
 * {@code 00 00 08 nd} (unsigned bytes, nd dimensions), nd big-endian 32-bit sizes, then the data.
 * An images file (nd = 3: count × rows × columns) and a labels file (nd = 1) make one
 * classification {@link DataSet}: pixels scaled to [0, 1] by /255, labels one-hot.
 *
 * <p>Hostile headers: the magic, element type, number of dimensions and every size are checked
 * before any allocation; an uncompressed file must have exactly the size its header implies, and
 * a gzip stream is read into a buffer that grows only as data actually arrives, so a header
 * claiming gigabytes cannot cause a large allocation. Truncated data, trailing bytes, a count
 * mismatch between images and labels and a label outside the classes are DataFormatExceptions.
 * Binary files have no lines: messages give the byte offset in the (decompressed) data.
 */
public final class IdxReader {
    private IdxReader() {}

    /** Class names of MNIST: the digits. */
    public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    /** Class names of Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017), label order 0..9. */
    public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Largest element count accepted (bytes of data; the float array must also fit in an int index). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8L;

    /** The parsed header and the data of one IDX file. */
    public record Idx(int[] dims, byte[] data) {
        public long count() { return dims[0]; }
        /** Elements per item (product of all dimensions but the first). */
        public int itemSize() {
            int s = 1;
            for (int i = 1; i < dims.length; i++) s *= dims[i];
            return s;
        }
    }

    /** Reads an images/labels pair with MNIST's digit class names. */
    public static DataSet read(Path images, Path labels) throws IOException {
        return read(images, labels, DIGITS, Integer.MAX_VALUE);
    }

    /**
     * Reads an images/labels pair.
     *
     * @param classNames one name per label value (labels must be 0..classNames.size()−1)
     * @param limit      read only the first {@code limit} items (the header is still checked in full)
     */
    public static DataSet read(Path images, Path labels, List<String> classNames, int limit) throws IOException {
        if (limit < 1) throw new IllegalArgumentException("limit must be positive: " + limit);
        if (classNames.size() < 2) throw new IllegalArgumentException("need at least two class names");
        float[][] pixels = new float[1][];
        Idx img = readFile(images, 3, limit, pixels);
        Idx lab = readFile(labels, 1, limit);
        String li = Sources.name(labels);
        if (img.dims[0] != lab.dims[0]) {
            throw new DataFormatException(li, 0, 0, "dimension mismatch: " + Sources.name(images) + " holds " + img.dims[0] + " images but this file " + lab.dims[0] + " labels");
        }
        int m = (int) Math.min(img.count(), limit);
        int n = img.itemSize();
        int k = classNames.size();
        float[] x = pixels[0];
        if (x == null) {
            x = new float[m * n];
            byte[] px = img.data;
            for (int i = 0; i < x.length; i++) x[i] = (px[i] & 0xFF) / 255f;   // pixel intensity 0..255 -> [0, 1]
        }
        float[] d = new float[m * k];
        for (int p = 0; p < m; p++) {
            int y = lab.data[p] & 0xFF;
            if (y >= k) {
                throw new DataFormatException(li, 0, 0, "label " + y + " of item " + p + " (byte offset " + (8 + p) + ") is out of range 0.." + (k - 1));
            }
            d[p * k + y] = 1f;
        }
        int rows = img.dims[1], cols = img.dims[2];
        String[] names = new String[n];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) names[r * cols + c] = "px" + r + "_" + c;
        List<Attribute> attrs = new java.util.ArrayList<>(n);
        for (String nm : names) attrs.add(Attribute.numeric(nm));
        Schema schema = new Schema(attrs, List.of(Attribute.nominal("label", classNames)));
        return new DataSet(x, d, n, k, classNames, Arrays.asList(names), schema);
    }

    /** Reads one IDX file of unsigned bytes with {@code expectDims} dimensions (null = any). */
    public static Idx readFile(Path file, Integer expectDims, int limit) throws IOException {
        return readFile(file, expectDims, limit, null);
    }

    /**
     * As {@link #readFile(Path, Integer, int)}; with {@code pixels} non-null, the data may instead be
     * returned scaled to [0, 1] in {@code pixels[0]} (then {@link Idx#data} is null).
     */
    private static Idx readFile(Path file, Integer expectDims, int limit, float[][] pixels) throws IOException {
        String src = Sources.name(file);
        boolean gz = Sources.isGzip(file);
        long fileSize = Files.size(file);
        try (InputStream in = Sources.open(file)) {
            long[] pos = {0};
            byte[] magic = readFully(in, 4, src, pos, "the magic number");
            int mg = ((magic[0] & 0xFF) << 24) | ((magic[1] & 0xFF) << 16) | ((magic[2] & 0xFF) << 8) | (magic[3] & 0xFF);
            if (magic[0] != 0 || magic[1] != 0 || magic[3] < 1 || magic[3] > 4) {
                throw new DataFormatException(src, 0, 0, String.format(java.util.Locale.ROOT, "wrong magic number 0x%08X at byte offset 0: expected 0x00000801..0x00000804 (IDX)", mg));
            }
            if (magic[2] != 0x08) {
                throw new DataFormatException(src, 0, 0, String.format(java.util.Locale.ROOT, "IDX element type 0x%02X is not supported (magic 0x%08X; only unsigned bytes, 0x08)", magic[2] & 0xFF, mg));
            }
            int nd = magic[3];
            if (expectDims != null && nd != expectDims) {
                throw new DataFormatException(src, 0, 0, String.format(java.util.Locale.ROOT, "magic 0x%08X says %d dimensions; expected %d (%s)", mg, nd, expectDims,
                        expectDims == 3 ? "an images file" : "a labels file"));
            }
            byte[] h = readFully(in, 4 * nd, src, pos, "the dimension sizes");
            int[] dims = new int[nd];
            long total = 1;
            for (int i = 0; i < nd; i++) {
                long v = ((h[4 * i] & 0xFFL) << 24) | ((h[4 * i + 1] & 0xFFL) << 16) | ((h[4 * i + 2] & 0xFFL) << 8) | (h[4 * i + 3] & 0xFFL);
                if (v < 1 || v > MAX_ELEMENTS) {
                    throw new DataFormatException(src, 0, 0, "dimension " + (i + 1) + " has size " + v + " (byte offset " + (4 + 4 * i) + "); expected 1.." + MAX_ELEMENTS);
                }
                dims[i] = (int) v;
                total *= v;
                if (total > MAX_ELEMENTS) {
                    throw new DataFormatException(src, 0, 0, "dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1)) + " describe more than " + MAX_ELEMENTS + " bytes (not a plausible IDX file)");
                }
            }
            long header = 4 + 4L * nd;
            if (!gz && fileSize != header + total) {
                throw new DataFormatException(src, 0, 0, "the header (" + Arrays.toString(dims) + ") implies " + (header + total) + " bytes, the file has " + fileSize
                        + (fileSize < header + total ? " (truncated)" : " (trailing bytes)"));
            }
            long item = total / dims[0];
            long want = dims[0] > limit ? item * limit : total;
            // pixels go straight into the training array when the size is known to be true (an
            // uncompressed file's length was checked above; gzip's trailer, RFC 1952 ISIZE, states
            // the decompressed length): one array instead of bytes, their doubling copies and floats
            if (pixels != null && (!gz || gzipSize(file) == ((header + total) & 0xFFFFFFFFL))) {
                pixels[0] = readScaled(in, (int) want, src, pos);
                if (want == total && in.read() != -1) {
                    throw new DataFormatException(src, 0, 0, "trailing bytes after the " + total + " data bytes the header announces (byte offset " + pos[0] + ")");
                }
                return new Idx(dims, null);
            }
            byte[] data = readGrowing(in, want, src, pos);
            if (want == total && in.read() != -1) {
                throw new DataFormatException(src, 0, 0, "trailing bytes after the " + total + " data bytes the header announces (byte offset " + pos[0] + ")");
            }
            return new Idx(dims, data);
        } catch (IOException e) {
            throw Sources.convert(e, src, 0, 0);
        }
    }

    private static byte[] readFully(InputStream in, int n, String src, long[] pos, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n && Sources.failure(in) != null) throw withOffset(Sources.failure(in), src, pos[0] + b.length);
        if (b.length < n) {
            throw new DataFormatException(src, 0, 0, "file ends at byte offset " + (pos[0] + b.length) + " inside " + what + (pos[0] + b.length == 0 ? " (empty file)" : " (truncated)"));
        }
        pos[0] += n;
        return b;
    }

    /** Reads exactly {@code n} bytes, growing the buffer only as data arrives (n is already capped). */
    private static byte[] readGrowing(InputStream in, long n, String src, long[] pos) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 1 << 20)];
        int have = 0;
        while (have < n) {
            if (have == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            have += readData(in, buf, have, buf.length - have, n, have, src, pos);
        }
        pos[0] += have;
        return buf;
    }

    /**
     * The values per item (the product of all dimensions but the first) an IDX file's header
     * announces, or -1 if the header cannot be read; reads only the header.
     */
    public static int itemSize(Path file) {
        int[] dims = dimensions(file);
        if (dims == null || dims.length < 2) return -1;
        long size = 1;
        for (int i = 1; i < dims.length; i++) size *= dims[i];
        return size <= MAX_ELEMENTS ? (int) size : -1;
    }

    /**
     * The dimension sizes an IDX file's header announces (the item count first), or null if the
     * header cannot be read; reads only the header, so that a caller learns the data's size before
     * their body is read (nothing else is checked: {@link #read} checks everything).
     */
    public static int[] dimensions(Path file) {
        try (InputStream in = Sources.open(file)) {
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4 || magic[0] != 0 || magic[1] != 0 || magic[3] < 1 || magic[3] > 4) return null;
            byte[] h = in.readNBytes(4 * magic[3]);
            if (h.length < 4 * magic[3]) return null;
            int[] dims = new int[magic[3]];
            for (int i = 0; i < dims.length; i++) {
                long v = ((h[4 * i] & 0xFFL) << 24) | ((h[4 * i + 1] & 0xFFL) << 16) | ((h[4 * i + 2] & 0xFFL) << 8) | (h[4 * i + 3] & 0xFFL);
                if (v < 1 || v > MAX_ELEMENTS) return null;
                dims[i] = (int) v;
            }
            return dims;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads {@code n} bytes as pixel intensities 0..255 scaled to [0, 1], through a small buffer. */
    private static float[] readScaled(InputStream in, int n, String src, long[] pos) throws IOException {
        float[] x = new float[n];
        byte[] buf = new byte[1 << 16];
        int have = 0;
        while (have < n) {
            int r = readData(in, buf, 0, Math.min(buf.length, n - have), n, have, src, pos);
            for (int i = 0; i < r; i++) x[have + i] = (buf[i] & 0xFF) / 255f;   // pixel intensity 0..255 -> [0, 1]
            have += r;
        }
        pos[0] += have;
        return x;
    }

    /**
     * One read of the data part into {@code buf[off, off + len)}: the bytes read (at least one), or a
     * DataFormatException naming the byte offset when the stream fails or ends before the {@code n}
     * bytes the header announced ({@code have} of them read so far).
     */
    private static int readData(InputStream in, byte[] buf, int off, int len, long n, long have, String src, long[] pos) throws IOException {
        int r;
        try {
            r = in.read(buf, off, len);
        } catch (IOException e) {
            throw withOffset(e, src, pos[0] + have);
        }
        if (r < 0) {
            IOException failed = Sources.failure(in);
            if (failed != null) throw withOffset(failed, src, pos[0] + have);
            throw new DataFormatException(src, 0, 0, "truncated: the header announces " + n + " data bytes, the file ends after " + have
                    + " (byte offset " + (pos[0] + have) + ")");
        }
        return r;
    }

    /** A gzip file's ISIZE trailer (RFC 1952: the uncompressed length mod 2^32), or -1 if unreadable. */
    private static long gzipSize(Path file) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            if (size < 18) return -1;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) if (ch.read(b, size - 4 + b.position()) < 0) return -1;
            return b.getInt(0) & 0xFFFFFFFFL;
        } catch (IOException e) {
            return -1;
        }
    }

    private static DataFormatException withOffset(IOException e, String src, long offset) {
        if (e instanceof DataFormatException d) return d;
        DataFormatException d = Sources.convert(e, src, 0, 0);
        DataFormatException out = new DataFormatException(src, 0, 0, d.getMessage().substring(d.getMessage().indexOf(": ") + 2) + " at byte offset " + offset + " of the data");
        out.initCause(e);
        return out;
    }
}
