package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LIBSVM file whose largest feature index is far beyond the values it holds (found by fuzzing:
 * 22 bytes made the reader allocate 1 GB) is refused, at the line and column of that index, before
 * the dense matrix and the per-feature names are allocated; plausible sparse files still read.
 */
class LibsvmHostileSizeTest {
    @TempDir
    Path dir;

    @Test
    void aHugeIndexInATinyFileIsRefusedWithoutAllocating() throws IOException {
        Path f = dir.resolve("tiny.libsvm");
        Files.writeString(f, "1 2:1\n1 08888889:1e3\n3\n");
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getThreadAllocatedBytes(Thread.currentThread().threadId());
        DataFormatException e = assertThrows(DataFormatException.class, () -> LibsvmReader.read(f));
        long used = bean.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertTrue(e.getMessage().startsWith("tiny.libsvm:2:2: feature index 8888889 makes a dense matrix of 3 × 8888889 values for only 2 non-zero ones"),
                e.getMessage());
        // the dense matrix alone would be 3·8888889·4 = 107 MB; the reader stays far below
        assertTrue(used < 8 << 20, used + " bytes");
    }

    @Test
    void manyRowsWithOneFarIndexAreRefused() throws IOException {
        Path f = dir.resolve("rows.libsvm");
        Files.writeString(f, "1\n".repeat(2000) + "0 99999:1\n");   // 4 kB asking for 2001 × 99999 floats (800 MB)
        DataFormatException e = assertThrows(DataFormatException.class, () -> LibsvmReader.read(f));
        assertTrue(e.getMessage().startsWith("rows.libsvm:2001:2: feature index 99999"), e.getMessage());
    }

    @Test
    void plausibleSparseFilesStillRead() throws IOException {
        Path f = dir.resolve("ok.libsvm");
        Files.writeString(f, "1 1:1 5000:2\n0 3:1\n");   // 2 × 5000, within 1000 per value present
        DataSet ds = LibsvmReader.read(f);
        assertEquals(5000, ds.inputs());
        assertEquals(2f, ds.x()[4999]);
    }
}
