package org.backprop4j.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.backprop4j.util.AtomicFiles;

/**
 * Data larger than the heap: the parsed, encoded values of a CSV or ARFF file written once to a
 * binary cache file and trained on from there through a memory mapping ({@link MappedExamples}),
 * so that the heap holds a few buffers, not the data. The next read of the same file with the same
 * options maps the cache again instead of parsing (said in one line); a cache made from another
 * version of the file, or damaged, is detected, said in one line, deleted and made again; it is
 * never used unverified. Layout and rules: docs/DATA.md, "Data larger than the heap".
 *
 * <p>The file: a header (magic {@code BP4JDATA}, format version, rows, inputs, outputs, block size,
 * the source file's size, modification time and SHA-256, the reading options, what the reader told,
 * class and input names and schema; a CRC-32C over all of it), padded to 4096 bytes; the rows, each
 * its inputs then its targets as little-endian float32; a CRC-32C per 4 MB block of those rows, a
 * CRC-32C of that table, and the end mark {@code BP4J-END}. Opening checks the header's checksum,
 * the length the header implies (a truncated file), the source (size, modification time, then its
 * SHA-256), and every block's checksum.
 *
 * <p>Where: next to the data file, as {@code .NAME.ID.bp4j-cache} (ID: a hash of the file's real
 * path, the reading options and the format version), on the disk that already holds the data;
 * when that directory cannot be written (a read-only mount, no permission), in
 * {@link #defaultDirectory()} instead (said in one line). An explicit directory
 * ({@link Options#directory}) replaces both. Written atomically (a temporary file renamed), so a
 * concurrent or killed run never leaves a half-written cache under the cache's name.
 */
public final class DataCache {
    private DataCache() {}

    /** Format version written in the header; another version is parsed again, not read. */
    public static final int VERSION = 1;
    /** End of a cache file's name. */
    public static final String SUFFIX = ".bp4j-cache";
    static final byte[] MAGIC = "BP4JDATA".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "BP4J-END".getBytes(StandardCharsets.US_ASCII);
    /** Payload bytes per checksum block. */
    static final int BLOCK_BYTES = 4 << 20;
    /** The rows start at a multiple of this (a page). */
    static final int ALIGN = 4096;
    /** Bytes of the header before its variable part: magic 8, version, payload offset, rows 8, inputs, outputs, block size, meta length, size 8, mtime 8, SHA-256 32. */
    static final int FIXED = 8 + 4 + 4 + 8 + 4 + 4 + 4 + 4 + 8 + 8 + 32;
    /** Largest variable header part accepted (names, schema, notices). */
    static final int MAX_META = 64 << 20;

    /** When {@link #read} makes or uses a cache. */
    public enum Mode {
        /** when the encoded data is larger than {@link Options#thresholdBytes()} (or a valid cache exists) */
        AUTO,
        /** always (CSV and ARFF files; anything else is refused) */
        ALWAYS,
        /** never: {@link DataFiles#read} */
        NEVER
    }

    /**
     * @param mode           when to use a cache
     * @param directory      where the cache goes; null: next to the data, else {@link #defaultDirectory()}
     * @param thresholdBytes AUTO: data (4 bytes a value, inputs and targets) larger than this goes to a
     *                       cache; {@link #HEAP_SHARE}: {@link #defaultThreshold()} at the time of the decision
     */
    public record Options(Mode mode, Path directory, long thresholdBytes) {
        /** The threshold meaning 2/5 of the maximum heap, taken when the decision is made (the JVM may resize it). */
        public static final long HEAP_SHARE = -1;

        public Options {
            Objects.requireNonNull(mode);
            if (thresholdBytes < 0 && thresholdBytes != HEAP_SHARE) throw new IllegalArgumentException("threshold must be ≥ 0: " + thresholdBytes);
        }

        /** AUTO with 2/5 of the heap as the threshold, the cache next to the data. */
        public static Options auto() {
            return new Options(Mode.AUTO, null, HEAP_SHARE);
        }

        /** The threshold in bytes now. */
        public long threshold() {
            return thresholdBytes == HEAP_SHARE ? defaultThreshold() : thresholdBytes;
        }

        public Options mode(Mode m) {
            return new Options(m, directory, thresholdBytes);
        }

        public Options directory(Path dir) {
            return new Options(mode, dir, thresholdBytes);
        }

        public Options thresholdBytes(long bytes) {
            return new Options(mode, directory, bytes);
        }
    }

    /**
     * 2/5 of the maximum heap: data up to this size stays on the heap, with room left for a
     * validation part copied out of it, the network and the reader's buffers.
     */
    public static long defaultThreshold() {
        return Runtime.getRuntime().maxMemory() / 5 * 2;
    }

    /** {@code $XDG_CACHE_HOME/backprop4j}, else {@code ~/.cache/backprop4j}. */
    public static Path defaultDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("backprop4j");
    }

    /** Whether files of this kind can be cached (CSV and ARFF, gzip or not). */
    public static boolean supports(Path file) {
        DataFiles.Format f = DataFiles.formatOf(file);
        return f == DataFiles.Format.CSV || f == DataFiles.Format.ARFF;
    }

    /** The cache file a read of {@code file} with {@code o} uses in {@code dir} (null: the one next to the file). */
    public static Path cacheFile(Path file, ReadOptions o, Path dir) throws IOException {
        Path real = file.toRealPath();
        String id = id(real, o.cacheKey());
        return dir == null ? real.resolveSibling(name(real, id, true)) : dir.resolve(name(real, id, false));
    }

    /**
     * Reads a data file as {@code o} says: on the heap (a {@link DataSet}) as {@link DataFiles#read}
     * does, or from a memory-mapped cache (a {@link MappedExamples}) as {@code c} says: a valid cache
     * of this file and options is mapped without parsing; otherwise the file is parsed (streamed,
     * see {@link CsvReader}) and, if the data is large enough (or {@link Mode#ALWAYS}), written to a
     * new cache instead of a heap array. Every decision is told to {@code o}'s notice sink as one
     * {@link ReadNotice.Kind#CACHE} line; a reused cache also repeats the notices of the read that
     * made it (the task and why).
     *
     * @throws IllegalArgumentException with {@link Mode#ALWAYS} for a file that cannot be cached
     */
    public static Examples read(Path file, ReadOptions o, Options c) throws IOException {
        if (c.mode() == Mode.NEVER) return DataFiles.read(file, o);
        if (!supports(file) || !Files.isRegularFile(file)) {
            if (c.mode() == Mode.ALWAYS) {
                throw new IllegalArgumentException(Sources.name(file) + ": a memory-mapped cache is made from a CSV or ARFF file"
                        + (Files.isRegularFile(file) ? ", not " + DataFiles.formatOf(file) : ", not from a device or pipe"));
            }
            return DataFiles.read(file, o);
        }
        Path real = file.toRealPath();
        String src = Sources.name(file);
        String key = o.cacheKey();
        String id = id(real, key);
        List<Path> where = c.directory() != null ? List.of(c.directory().resolve(name(real, id, false)))
                : List.of(real.resolveSibling(name(real, id, true)), defaultDirectory().resolve(name(real, id, false)));
        for (Path cache : where) {
            if (!Files.exists(cache, LinkOption.NOFOLLOW_LINKS)) continue;
            MappedExamples m = reuse(cache, real, src, key, o);
            if (m != null) return m;
        }
        ReadOptions r = o.copy();
        List<ReadNotice> told = new ArrayList<>();
        Consumer<ReadNotice> sink = o.notices;
        r.notices = n -> {
            told.add(n);
            sink.accept(n);
        };
        r.cacheTarget = new Target(real, src, key, id, c, Stat.of(real), told, o);
        return DataFiles.formatOf(file) == DataFiles.Format.ARFF ? ArffReader.readExamples(file, r) : CsvReader.readExamples(file, r);
    }

    // ---- where and what ----

    private static String id(Path real, String key) {
        return sha256("v" + VERSION + "\n" + real + "\n" + key).substring(0, 16);
    }

    private static String name(Path real, String id, boolean hidden) {
        return (hidden ? "." : "") + real.getFileName() + "." + id + SUFFIX;
    }

    /** The source file's identity as far as the file system tells it cheaply. */
    record Stat(long size, long modifiedNanos) {
        static Stat of(Path f) throws IOException {
            return new Stat(Files.size(f), Files.getLastModifiedTime(f).to(TimeUnit.NANOSECONDS));
        }
    }

    private static void notice(ReadOptions o, String src, String message) {
        o.notices.accept(new ReadNotice(ReadNotice.Kind.CACHE, src, message));
    }

    private static String mb(long bytes) {
        return Long.toString((bytes + (1 << 19)) >> 20);
    }

    // ---- reading ----

    /** Why a cache file cannot be used; {@code stale}: it is sound but describes something else. */
    static final class Unusable extends Exception {
        final boolean stale;

        Unusable(String why, boolean stale) {
            super(why, null, false, false);
            this.stale = stale;
        }
    }

    /** A cache file's header. */
    record Header(int payloadOffset, int rows, int inputs, int outputs, int blockBytes, Stat source, String sha256, String key,
                  String sourcePath, long createdMillis, List<ReadNotice> notices, List<String> classNames, List<String> inputNames,
                  Schema schema) {
        long payloadBytes() {
            return (long) rows * (inputs + outputs) * 4;
        }

        int blocks() {
            return (int) ((payloadBytes() + blockBytes - 1) / blockBytes);
        }

        long length() {
            return payloadOffset + payloadBytes() + 4L * blocks() + 4 + END.length;
        }
    }

    /** A verified cache of this source and key mapped, or null (said why, and the file deleted). */
    private static MappedExamples reuse(Path cache, Path real, String src, String key, ReadOptions o) {
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.READ)) {
            long len = ch.size();
            Header h = readHeader(ch, len);
            String why = null;
            if (!h.key().equals(key)) {
                why = "it was parsed with other reading options";
            } else {
                Stat now = Stat.of(real);
                if (now.size() != h.source().size()) why = "its size changed";
                else if (now.modifiedNanos() != h.source().modifiedNanos()) why = "its modification time changed";
                else if (!sha256(real).equals(h.sha256())) why = "its content changed";
            }
            if (why != null) throw new Unusable(why, true);
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, len, Arena.ofAuto());
            verifyBlocks(seg, h);
            for (ReadNotice n : h.notices()) o.notices.accept(n);
            notice(o, src, "reusing the memory-mapped cache " + cache + " (" + mb(h.payloadBytes()) + " MB of data parsed "
                    + Instant.ofEpochMilli(h.createdMillis()).truncatedTo(ChronoUnit.SECONDS) + "; " + src + " is unchanged): not parsing it again");
            return new MappedExamples(store(seg, h, cache), null, null);
        } catch (Unusable u) {
            notice(o, src, u.stale ? "the cache " + cache + " was made from another version of " + src + " (" + u.getMessage() + "): deleted it, parsing the file again"
                    : "the cache " + cache + " is damaged (" + u.getMessage() + "): deleted it, parsing " + src + " again");
            delete(cache);
            return null;
        } catch (IOException e) {
            notice(o, src, "cannot read the cache " + cache + " (" + reason(e) + "): parsing " + src + " again");
            delete(cache);
            return null;
        }
    }

    private static void delete(Path cache) {
        try {
            Files.deleteIfExists(cache);
        } catch (IOException ignored) {
            // a new cache is renamed over it, or written elsewhere
        }
    }

    private static MappedExamples.Store store(MemorySegment seg, Header h, Path cache) {
        return new MappedExamples.Store(seg, h.payloadOffset(), h.rows(), h.inputs(), h.outputs(), h.classNames(), h.inputNames(), h.schema(),
                cache, h.sha256());
    }

    /** The header, its checksum verified and its sizes checked against each other and the file's length. */
    static Header readHeader(FileChannel ch, long len) throws IOException, Unusable {
        if (len < FIXED + 4) throw new Unusable("truncated: " + len + " bytes, shorter than a header", false);
        ByteBuffer fixed = ByteBuffer.allocate(FIXED).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, fixed, 0);
        fixed.flip();
        byte[] magic = new byte[MAGIC.length];
        fixed.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new Unusable("not a backprop4j data cache: wrong magic number", false);
        int version = fixed.getInt();
        int payloadOffset = fixed.getInt();
        long rows = fixed.getLong();
        int inputs = fixed.getInt(), outputs = fixed.getInt(), blockBytes = fixed.getInt(), metaBytes = fixed.getInt();
        long size = fixed.getLong(), mtime = fixed.getLong();
        byte[] sha = new byte[32];
        fixed.get(sha);
        if (metaBytes < 0 || metaBytes > MAX_META || FIXED + (long) metaBytes + 4 > len) {
            throw new Unusable("truncated or damaged header (" + len + " bytes)", false);
        }
        ByteBuffer rest = ByteBuffer.allocate(metaBytes + 4).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, rest, FIXED);
        CRC32C crc = new CRC32C();
        crc.update(fixed.array(), 0, FIXED);
        crc.update(rest.array(), 0, metaBytes);
        if ((int) crc.getValue() != rest.getInt(metaBytes)) throw new Unusable("the header fails its checksum", false);
        if (version != VERSION) throw new Unusable("format version " + version + "; this backprop4j reads version " + VERSION, true);
        if (rows < 1 || rows > Integer.MAX_VALUE - 8 || inputs < 1 || outputs < 1 || blockBytes < 1 || payloadOffset % ALIGN != 0
                || payloadOffset < FIXED + (long) metaBytes + 4) {
            throw new Unusable("inconsistent header", false);
        }
        Header h;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(rest.array(), 0, metaBytes))) {
            String key = string(in), sourcePath = string(in);
            long created = in.readLong();
            int nn = count(in);
            List<ReadNotice> notices = new ArrayList<>();
            for (int i = 0; i < nn; i++) notices.add(new ReadNotice(ReadNotice.Kind.valueOf(string(in)), string(in), string(in)));
            List<String> classNames = in.readBoolean() ? strings(in) : null;
            List<String> inputNames = strings(in);
            Schema schema = in.readBoolean() ? new Schema(attributes(in), attributes(in)) : null;
            if (in.available() != 0) throw new IOException("trailing bytes");
            h = new Header(payloadOffset, (int) rows, inputs, outputs, blockBytes, new Stat(size, mtime), HexFormat.of().formatHex(sha), key,
                    sourcePath, created, List.copyOf(notices), classNames, inputNames, schema);
            // the same checks a DataSet makes of its description
            new DataSet(new float[inputs], new float[outputs], inputs, outputs, classNames, inputNames, schema);
        } catch (IOException | RuntimeException e) {
            throw new Unusable("unreadable header (" + e.getMessage() + ")", false);
        }
        if (len != h.length()) {
            throw new Unusable(len < h.length() ? "truncated: " + len + " bytes, the header announces " + h.length()
                    : len + " bytes, longer than the " + h.length() + " the header announces", false);
        }
        return h;
    }

    /** Every block's CRC-32C against the table at the end (itself checksummed), and the end mark. */
    static void verifyBlocks(MemorySegment seg, Header h) throws Unusable {
        int blocks = h.blocks();
        long table = h.payloadOffset() + h.payloadBytes();
        ByteBuffer t = seg.asSlice(table, 4L * blocks + 4 + END.length).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        byte[] end = new byte[END.length];
        t.get(4 * blocks + 4, end);
        if (!Arrays.equals(end, END)) throw new Unusable("no end mark", false);
        CRC32C crc = new CRC32C();
        crc.update(t.slice(0, 4 * blocks));
        if ((int) crc.getValue() != t.getInt(4 * blocks)) throw new Unusable("the block checksums fail their own checksum", false);
        for (int b = 0; b < blocks; b++) {
            long off = (long) b * h.blockBytes();
            long n = Math.min(h.blockBytes(), h.payloadBytes() - off);
            crc.reset();
            crc.update(seg.asSlice(h.payloadOffset() + off, n).asByteBuffer());
            if ((int) crc.getValue() != t.getInt(4 * b)) {
                throw new Unusable("block " + (b + 1) + " of " + blocks + " (data bytes " + off + " to " + (off + n) + ") fails its checksum", false);
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) throw new IOException("ended early");
        }
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) throw new IOException("bad count " + n);
        return n;
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] b = new byte[count(in)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int n = count(in);
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(string(in));
        return l;
    }

    private static List<Attribute> attributes(DataInputStream in) throws IOException {
        int n = count(in);
        List<Attribute> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = string(in);
            l.add(in.readBoolean() ? Attribute.nominal(name, strings(in)) : Attribute.numeric(name));
        }
        return l;
    }

    // ---- writing ----

    /**
     * Made by {@link #read} for the reader's encoder ({@link Encoder#finishExamples}): decides from
     * the encoded size whether the data goes to a cache, and writes it.
     */
    static final class Target {
        private final Path real;
        private final String src, key, id;
        private final Options c;
        private final Stat before;
        private final List<ReadNotice> told;
        private final ReadOptions o;
        private long threshold, heap;   // as they were when wants() decided

        Target(Path real, String src, String key, String id, Options c, Stat before, List<ReadNotice> told, ReadOptions o) {
            this.real = real;
            this.src = src;
            this.key = key;
            this.id = id;
            this.c = c;
            this.before = before;
            this.told = told;
            this.o = o;
        }

        boolean wants(long rows, int nx, int nd) {
            if (c.mode() == Mode.ALWAYS) return true;
            threshold = c.threshold();
            heap = Runtime.getRuntime().maxMemory();
            return rows * (nx + nd) * 4 > threshold;
        }

        /** Writes the cache (next to the data, else the default directory, or the given one) and maps it. */
        MappedExamples write(int rows, int nx, int nd, Schema schema, Encoder.EncodedSource data) throws IOException {
            String sha = sha256(real);
            if (!Stat.of(real).equals(before)) {
                throw new FileSystemException(src, null, "changed while it was read (its size or modification time); read it again");
            }
            byte[] header = header(rows, nx, nd, schema, sha);
            Path cache = c.directory() != null ? c.directory().resolve(name(real, id, false)) : real.resolveSibling(name(real, id, true));
            try {
                writeFile(cache, header, (long) rows * (nx + nd) * 4, nx, nd, data);
            } catch (IOException e) {
                if (c.directory() != null) throw e;
                Path fallback = defaultDirectory().resolve(name(real, id, false));
                notice(o, src, "cannot write the cache next to " + src + " (" + reason(e) + "): writing it to " + fallback.getParent());
                cache = fallback;
                writeFile(cache, header, (long) rows * (nx + nd) * 4, nx, nd, data);
            }
            Header h;
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.READ)) {
                h = readHeader(ch, ch.size());
                seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
            } catch (Unusable u) {
                throw new FileSystemException(cache.toString(), null, "the cache just written does not read back (" + u.getMessage() + ")");
            }
            long bytes = h.payloadBytes();
            notice(o, src, c.mode() == Mode.ALWAYS
                    ? "training from a memory-mapped cache at " + cache + " (" + mb(bytes) + " MB of data; " + o.hint("--mapped", "DataCache.Mode.ALWAYS") + ")"
                    : "data of " + mb(bytes) + " MB larger than " + mb(threshold) + " MB"
                            + (c.thresholdBytes() == Options.HEAP_SHARE ? " (2/5 of the " + mb(heap) + " MB heap)" : "")
                            + ": training from a memory-mapped cache at " + cache);
            return new MappedExamples(store(seg, h, cache), null, null);
        }

        private byte[] header(int rows, int nx, int nd, Schema schema, String sha) throws IOException {
            ByteArrayOutputStream mb = new ByteArrayOutputStream();
            try (DataOutputStream m = new DataOutputStream(mb)) {
                string(m, key);
                string(m, real.toString());
                m.writeLong(System.currentTimeMillis());
                m.writeInt(told.size());
                for (ReadNotice n : told) {
                    string(m, n.kind().name());
                    string(m, n.source());
                    string(m, n.message());
                }
                m.writeBoolean(schema.classNames() != null);
                if (schema.classNames() != null) strings(m, schema.classNames());
                strings(m, schema.encodedInputNames());
                m.writeBoolean(true);
                attributes(m, schema.inputs());
                attributes(m, schema.targets());
            }
            byte[] meta = mb.toByteArray();
            if (meta.length > MAX_META) throw new IOException("the data's description takes " + meta.length + " bytes, more than a cache holds");
            int payloadOffset = (int) ((FIXED + meta.length + 4L + ALIGN - 1) / ALIGN * ALIGN);
            ByteBuffer b = ByteBuffer.allocate(payloadOffset).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).putInt(VERSION).putInt(payloadOffset).putLong(rows).putInt(nx).putInt(nd).putInt(BLOCK_BYTES).putInt(meta.length)
                    .putLong(before.size()).putLong(before.modifiedNanos()).put(HexFormat.of().parseHex(sha)).put(meta);
            CRC32C crc = new CRC32C();
            crc.update(b.array(), 0, b.position());
            b.putInt((int) crc.getValue());
            return b.array();
        }
    }

    private static void writeFile(Path cache, byte[] header, long payloadBytes, int nx, int nd, Encoder.EncodedSource data) throws IOException {
        Path dir = cache.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FileSystemException(dir.toString(), null, reason(e));
        }
        AtomicFiles.write(cache, out -> {
            out.write(header);
            BlockWriter w = new BlockWriter(out);
            data.writeTo((x, d, n) -> {
                for (int r = 0; r < n; r++) {
                    w.put(x, r * nx, nx);
                    w.put(d, r * nd, nd);
                }
            });
            if (w.finish() != payloadBytes) throw new IllegalStateException("wrote " + w.total + " data bytes, expected " + payloadBytes);
        });
    }

    /** Little-endian floats to a stream with a CRC-32C per {@link #BLOCK_BYTES}, then the table and the end mark. */
    private static final class BlockWriter {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private final ByteArrayOutputStream table = new ByteArrayOutputStream();
        private long inBlock, total;

        BlockWriter(OutputStream out) {
            this.out = out;
        }

        void put(float[] a, int off, int n) throws IOException {
            for (int i = 0; i < n; i++) {
                if (buf.remaining() < 4) flush();
                buf.putFloat(a[off + i]);
            }
        }

        private void flush() throws IOException {
            int len = buf.position();
            for (int p = 0; p < len; ) {
                int take = (int) Math.min(len - p, BLOCK_BYTES - inBlock);
                crc.update(buf.array(), p, take);
                p += take;
                inBlock += take;
                if (inBlock == BLOCK_BYTES) endBlock();
            }
            out.write(buf.array(), 0, len);
            total += len;
            buf.clear();
        }

        private void endBlock() {
            int v = (int) crc.getValue();
            table.write(v);
            table.write(v >>> 8);
            table.write(v >>> 16);
            table.write(v >>> 24);
            crc.reset();
            inBlock = 0;
        }

        /** Writes the rest, the checksum table and the end mark; returns the data bytes written. */
        long finish() throws IOException {
            flush();
            if (inBlock > 0) endBlock();
            byte[] t = table.toByteArray();
            CRC32C tc = new CRC32C();
            tc.update(t);
            out.write(t);
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) tc.getValue()).array());
            out.write(END);
            return total;
        }
    }

    private static void string(DataOutputStream m, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        m.writeInt(b.length);
        m.write(b);
    }

    private static void strings(DataOutputStream m, List<String> l) throws IOException {
        m.writeInt(l.size());
        for (String s : l) string(m, s);
    }

    private static void attributes(DataOutputStream m, List<Attribute> l) throws IOException {
        m.writeInt(l.size());
        for (Attribute a : l) {
            string(m, a.name());
            m.writeBoolean(a.isNominal());
            if (a.isNominal()) strings(m, a.values());
        }
    }

    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException fs && fs.getReason() != null) return fs.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // ---- hashing ----

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String sha256(String s) {
        return HexFormat.of().formatHex(sha().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** SHA-256 (hex) of a file's bytes. */
    static String sha256(Path file) throws IOException {
        MessageDigest md = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
