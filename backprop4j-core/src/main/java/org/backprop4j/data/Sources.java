package org.backprop4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opening data files: gzip is recognised by its magic bytes (1f 8b), whatever the file name, and
 * decompressed transparently; every decoding failure becomes a {@link DataFormatException}.
 */
public final class Sources {
    private Sources() {}

    /** Longest text line accepted (characters); a longer one is an error, not an OutOfMemoryError. */
    public static final int MAX_LINE = 1 << 24;

    /**
     * The name used in error messages: the file name without its directories, or the whole path
     * for anything but a regular file ({@code /dev/null}, {@code /dev/stdin}, a pipe), whose last
     * part alone ("null") would mislead.
     */
    public static String name(Path file) {
        Path f = file.getFileName();
        if (f == null || (Files.exists(file) && !Files.isRegularFile(file))) return file.toString();
        return f.toString();
    }

    /**
     * Refuses a directory where a file is expected, naming it (reading it would fail later with a
     * bare "Is a directory").
     */
    public static void requireFile(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new java.nio.file.FileSystemException(file.toString(), null, "is a directory, not a file");
    }

    /** True if the file starts with the gzip magic bytes 1f 8b. */
    public static boolean isGzip(Path file) throws IOException {
        requireFile(file);
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /**
     * Opens {@code file} for reading, decompressing it if it is gzip. A gzip file whose header is
     * cut off gives a DataFormatException; later decompression errors surface from read() as
     * EOFException/ZipException, which the readers convert with {@link #convert}.
     */
    public static InputStream open(Path file) throws IOException {
        requireFile(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        if (!gz) return raw;
        try {
            return new Guarded(new GZIPInputStream(raw, 1 << 16));
        } catch (IOException e) {
            raw.close();
            throw convert(e, name(file), 0, 0);
        }
    }

    /**
     * A decompressing stream whose failure (truncated or corrupt gzip) is turned into an end of
     * stream after every byte that could be decompressed, and remembered: readers then report the
     * line (or byte offset) where the data stops, and ask {@link #error()} why it stopped.
     */
    static final class Guarded extends java.io.FilterInputStream {
        private IOException error;

        Guarded(InputStream gz) {
            super(null);
            // the catching layer sits under the buffer, so no decompressed byte is lost with the exception
            this.in = new BufferedInputStream(new java.io.FilterInputStream(gz) {
                @Override
                public int read() throws IOException {
                    if (error != null) return -1;
                    try {
                        return super.read();
                    } catch (IOException e) {
                        error = e;
                        return -1;
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (error != null) return -1;
                    try {
                        return in.read(b, off, len);
                    } catch (IOException e) {
                        error = e;
                        return -1;
                    }
                }

                @Override
                public int available() throws IOException {
                    return error != null ? 0 : super.available();
                }
            }, 1 << 16);
        }

        IOException error() {
            return error;
        }
    }

    /** The decompression failure that ended {@code in} early, or null (also for plain files). */
    static IOException failure(InputStream in) {
        return in instanceof Guarded g ? g.error() : null;
    }

    /**
     * Turns a low-level I/O failure while reading content into the library's format exception
     * (a DataFormatException passes through unchanged). Truncated or corrupt gzip data, invalid
     * UTF-8 and premature ends of file all land here.
     */
    public static DataFormatException convert(IOException e, String source, long line, int column) {
        if (e instanceof DataFormatException d) return d;
        String what;
        if (e instanceof EOFException) what = "unexpected end of data (truncated file or gzip stream)";
        else if (e instanceof ZipException) what = "corrupt gzip data (" + e.getMessage() + ")";
        else if (e instanceof CharacterCodingException) what = "not valid text in the file's encoding";
        else what = "read error: " + e;
        DataFormatException d = new DataFormatException(source, line, column, what);
        d.initCause(e);
        return d;
    }

    /**
     * A UTF-8 reader that replaces malformed input by U+FFFD, which {@link Lines} then reports with
     * its line and column (a decoder exception would lose the position).
     */
    static Reader utf8(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
    }

    /**
     * Reads text lines with their 1-based numbers; '\n', '\r\n' and '\r' end lines, a leading
     * byte-order mark is dropped. Any I/O or decoding problem becomes a DataFormatException naming
     * the line being read.
     */
    static final class Lines implements AutoCloseable {
        private final Reader r;
        private final InputStream in;
        final String source;
        private long lineNo;
        private final char[] buf = new char[1 << 16];
        private int pos, lim;
        private boolean first = true;

        private final Charset charset;
        private final String encodingHint;

        Lines(Path file) throws IOException {
            this(file, null, n -> { }, false);
        }

        /**
         * @param cs          the encoding, or null to detect it (see {@link #detect})
         * @param notices     told when the detected encoding is not UTF-8
         * @param commandLine name the CLI's {@code --encoding} in messages
         */
        Lines(Path file, Charset cs, java.util.function.Consumer<ReadNotice> notices, boolean commandLine) throws IOException {
            this.source = name(file);
            this.encodingHint = commandLine ? "--encoding latin1" : "ReadOptions.encoding(StandardCharsets.ISO_8859_1)";
            InputStream raw = open(file);
            try {
                BufferedInputStream b = new BufferedInputStream(raw, SNIFF);
                this.in = raw;
                this.charset = cs != null ? cs : detect(b, source, notices);
                this.r = new InputStreamReader(b, charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE));
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }

        /** Bytes looked at to choose the encoding. */
        static final int SNIFF = 1 << 16;

        /**
         * UTF-16 when the text starts with its byte-order mark, or when every other byte of the
         * first 64 KB is zero (UTF-16 without a mark); Latin-1 (ISO-8859-1) when those bytes are not
         * UTF-8 but hold no NUL; UTF-8 otherwise. Anything but UTF-8 is announced.
         */
        static Charset detect(BufferedInputStream b, String source, java.util.function.Consumer<ReadNotice> notices) throws IOException {
            b.mark(SNIFF);
            byte[] head = b.readNBytes(SNIFF);
            b.reset();
            int n = head.length;
            if (n >= 2 && ((head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe || (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff)) {
                boolean le = (head[0] & 0xff) == 0xff;
                notices.accept(new ReadNotice(ReadNotice.Kind.ENCODING, source, "read as UTF-16" + (le ? "LE" : "BE") + " (the file starts with its byte-order mark)"));
                return StandardCharsets.UTF_16;   // consumes the mark
            }
            int zeroEven = 0, zeroOdd = 0;
            for (int i = 0; i + 1 < n; i += 2) {
                if (head[i] == 0) zeroEven++;
                if (head[i + 1] == 0) zeroOdd++;
            }
            int pairs = n / 2;
            if (pairs >= 2 && (zeroOdd >= pairs * 3 / 4 && zeroEven == 0 || zeroEven >= pairs * 3 / 4 && zeroOdd == 0)) {
                boolean le = zeroOdd > 0;
                notices.accept(new ReadNotice(ReadNotice.Kind.ENCODING, source, "read as UTF-16" + (le ? "LE" : "BE") + " (no byte-order mark; every other byte is zero)"));
                return le ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
            }
            int bad = firstInvalidUtf8(head, n == SNIFF);
            if (bad >= 0) {
                for (int i = 0; i < n; i++) if (head[i] == 0) return StandardCharsets.UTF_8;   // binary: reported as not UTF-8 where it is read
                notices.accept(new ReadNotice(ReadNotice.Kind.ENCODING, source, "read as Latin-1 (ISO-8859-1): byte " + (bad + 1) + " (0x"
                        + Integer.toHexString(head[bad] & 0xff) + ") is not UTF-8"));
                return StandardCharsets.ISO_8859_1;
            }
            return StandardCharsets.UTF_8;
        }

        /** The offset of the first byte that is not valid UTF-8, or -1; a sequence cut by the end of a partial buffer is not counted. */
        static int firstInvalidUtf8(byte[] b, boolean partial) {
            int n = b.length, i = 0;
            while (i < n) {
                int c = b[i] & 0xff;
                int len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
                if (len == 0) return i;
                if (i + len > n) return partial ? -1 : i;
                for (int k = 1; k < len; k++) if ((b[i + k] & 0xc0) != 0x80) return i;
                i += len;
            }
            return -1;
        }

        /** Number of the line last returned by {@link #next()}. */
        long lineNo() {
            return lineNo;
        }

        /** The next line without its terminator, or null at the end. */
        String next() throws DataFormatException {
            try {
                StringBuilder sb = null;
                while (true) {
                    if (pos == lim) {
                        lim = r.read(buf, 0, buf.length);
                        pos = 0;
                        if (lim <= 0) {
                            lim = 0;
                            IOException failed = failure(in);
                            if (failed != null) throw convert(failed, source, lineNo + 1, 0);
                            if (sb == null) return null;
                            return finish(sb);
                        }
                    }
                    if (sb == null) sb = new StringBuilder();
                    int start = pos;
                    while (pos < lim && buf[pos] != '\n' && buf[pos] != '\r') pos++;
                    sb.append(buf, start, pos - start);
                    if (sb.length() > MAX_LINE) {
                        throw new DataFormatException(source, lineNo + 1, 0, "line longer than " + MAX_LINE + " characters (not a text data file?)");
                    }
                    if (pos < lim) {
                        char c = buf[pos++];
                        if (c == '\r') {
                            if (pos == lim) {
                                lim = r.read(buf, 0, buf.length);
                                pos = 0;
                                if (lim < 0) lim = 0;
                            }
                            if (pos < lim && buf[pos] == '\n') pos++;
                        }
                        return finish(sb);
                    }
                }
            } catch (IOException e) {
                throw convert(e, source, lineNo + 1, 0);
            }
        }

        private String finish(StringBuilder sb) throws DataFormatException {
            lineNo++;
            if (first) {
                first = false;
                if (sb.length() > 0 && sb.charAt(0) == '\uFEFF') sb.deleteCharAt(0);
            }
            String s = sb.toString();
            int bad = s.indexOf('\uFFFD');
            if (bad >= 0) {
                String name = charset == StandardCharsets.UTF_8 ? "UTF-8" : charset.displayName();
                throw new DataFormatException(source, lineNo, 0, "not valid " + name + " text (character " + (bad + 1) + " of the line)"
                        + (charset == StandardCharsets.UTF_8 ? ": if the file is Latin-1 (ISO-8859-1/Windows-1252), read it with " + encodingHint + " or convert it to UTF-8" : ""));
            }
            return s;
        }

        @Override
        public void close() throws IOException {
            r.close();
        }
    }
}
