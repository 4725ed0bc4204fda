package org.backprop4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed cells of a file being read, one float per used cell, row after row, in fixed-size
 * chunks: growing never copies what is stored, and beyond {@code spillBytes} the chunks go to a
 * temporary file (deleted when closed) instead of the heap, so that the only full-size array the
 * reader ever holds is the final encoded one.
 */
final class Cells implements AutoCloseable {
    /** Floats per chunk (4 MB): large enough for fast file writes, small next to any heap. */
    static final int CHUNK_FLOATS = 1 << 20;

    private final int w;
    private final int rowsPerChunk;
    private final long spillBytes;
    private final Path spillDir;
    private float[] cur;
    private int curRows;
    private final List<float[]> full = new ArrayList<>();
    private FileChannel spill;
    private long spilledChunks;
    private ByteBuffer io;
    private int rows;

    /**
     * @param width      floats per row
     * @param spillBytes once the stored chunks exceed this many bytes they are moved to a file
     * @param spillDir   where that file goes (null: java.io.tmpdir)
     */
    Cells(int width, long spillBytes, Path spillDir) {
        this(width, spillBytes, spillDir, CHUNK_FLOATS);
    }

    /** @param chunkFloats floats per chunk (tests use small chunks to cover many of them) */
    Cells(int width, long spillBytes, Path spillDir, int chunkFloats) {
        this.w = width;
        this.rowsPerChunk = Math.max(1, chunkFloats / Math.max(1, width));
        this.spillBytes = spillBytes;
        this.spillDir = spillDir;
    }

    int rows() {
        return rows;
    }

    /** True once chunks were written to the temporary file. */
    boolean spilled() {
        return spill != null;
    }

    /** The array to write the next row into, at {@link #offset()}; {@link #commit()} keeps it. */
    float[] begin() throws IOException {
        if (cur == null) cur = new float[rowsPerChunk * w];
        else if (curRows == rowsPerChunk) {
            cur = store(cur);
            curRows = 0;
        }
        return cur;
    }

    int offset() {
        return curRows * w;
    }

    void commit() {
        curRows++;
        rows++;
    }

    /**
     * Keeps a full chunk; returns the array for the next one: a new one while chunks stay on the
     * heap, the same one once they go to the file (no garbage chunk is left for the collector to
     * promote and keep: the heap holds one chunk however large the file).
     */
    private float[] store(float[] chunk) throws IOException {
        if (spill == null) {
            full.add(chunk);
            if ((long) full.size() * chunk.length * 4 <= spillBytes) return new float[chunk.length];
            Path dir = spillDir != null ? spillDir : Path.of(System.getProperty("java.io.tmpdir"));
            Path f = Files.createTempFile(dir, "backprop4j-cells-", ".tmp");
            spill = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            try {
                Files.deleteIfExists(f);   // POSIX: the open channel keeps the data, nothing is left behind on a crash
            } catch (IOException ignored) {
                // Windows: DELETE_ON_CLOSE removes it
            }
            io = ByteBuffer.allocateDirect(chunk.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] c : full) write(c);
            full.clear();
            return chunk;
        }
        write(chunk);
        return chunk;
    }

    private void write(float[] chunk) throws IOException {
        io.clear();
        io.asFloatBuffer().put(chunk);
        io.limit(chunk.length * 4);
        while (io.hasRemaining()) spill.write(io);
        spilledChunks++;
    }

    /** Receives the rows in order, a chunk at a time: {@code rows} rows of {@code width} floats from offset 0. */
    interface ChunkConsumer {
        void accept(float[] chunk, int firstRow, int rows) throws IOException;
    }

    /**
     * Every stored row in order (the spilled chunks are read back into one reused array); may be
     * called again until {@link #close()}.
     */
    void forEach(ChunkConsumer f) throws IOException {
        int row = 0;
        if (spill != null) {
            float[] buf = new float[rowsPerChunk * w];
            try {
                long pos = 0;
                for (long c = 0; c < spilledChunks; c++) {
                    io.clear();
                    io.limit(buf.length * 4);
                    while (io.hasRemaining()) {
                        int n = spill.read(io, pos);
                        if (n < 0) throw new IOException("temporary cell file ended early");
                        pos += n;
                    }
                    io.flip();
                    io.asFloatBuffer().get(buf);
                    f.accept(buf, row, rowsPerChunk);
                    row += rowsPerChunk;
                }
            } catch (DataFormatException e) {
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (float[] c : full) {
            f.accept(c, row, rowsPerChunk);
            row += rowsPerChunk;
        }
        if (curRows > 0) f.accept(cur, row, curRows);
    }

    @Override
    public void close() {
        full.clear();
        cur = null;
        if (spill != null) {
            try {
                spill.close();
            } catch (IOException ignored) {
                // the file is already unlinked (or deleted on close); nothing to keep
            }
            spill = null;
        }
    }
}
