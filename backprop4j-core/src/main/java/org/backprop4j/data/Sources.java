package org.backprop4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
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

    /** The name used in error messages: the file name without its directories. */
    public static String name(Path file) {
        Path f = file.getFileName();
        return f == null ? file.toString() : f.toString();
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
        else if (e instanceof CharacterCodingException) what = "not valid UTF-8 text";
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

        Lines(Path file) throws IOException {
            this.source = name(file);
            this.in = open(file);
            this.r = utf8(in);
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
            if (bad >= 0) throw new DataFormatException(source, lineNo, 0, "not valid UTF-8 text (character " + (bad + 1) + " of the line)");
            return s;
        }

        @Override
        public void close() throws IOException {
            r.close();
        }
    }
}
