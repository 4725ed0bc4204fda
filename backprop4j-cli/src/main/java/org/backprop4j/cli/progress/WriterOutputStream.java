package org.backprop4j.cli.progress;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes to a {@link Writer}, so that a library which wants a {@code PrintStream} (the progress
 * bar) can write to picocli's {@code PrintWriter}. A multi-byte character split across writes is
 * kept until its last byte arrives. Every write is flushed through to the writer.
 */
final class WriterOutputStream extends OutputStream {
    private final Writer out;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer in = ByteBuffer.allocate(256);
    private final CharBuffer chars = CharBuffer.allocate(256);

    WriterOutputStream(Writer out) {
        this.out = out;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, in.remaining());
            in.put(b, off, n);
            off += n;
            len -= n;
            drain();
        }
        out.flush(); // a progress bar redraws with "\r", never a newline: show each redraw at once
    }

    private void drain() throws IOException {
        in.flip();
        while (true) {
            var r = decoder.decode(in, chars, false);
            chars.flip();
            out.write(chars.array(), 0, chars.limit());
            chars.clear();
            if (!r.isOverflow()) break;
        }
        in.compact(); // keeps the bytes of an incomplete character
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
