package org.backprop4j.util;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> listing(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void replacesWholeAndIsWorldReadable() throws Exception {
        Path f = dir.resolve("sub/model.json");
        AtomicFiles.write(f, "first".getBytes());
        AtomicFiles.write(f, "second".getBytes());
        assertEquals("second", Files.readString(f));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(List.of(f), listing(f.getParent()), "no temporary file left");
        // a replaced file keeps its permissions
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(f, "third".getBytes());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void contentMayCloseItsStream() throws Exception {
        Path f = dir.resolve("closed.txt");
        AtomicFiles.write(f, out -> {
            out.write("all of it".getBytes());
            out.close();
        });
        assertEquals("all of it", Files.readString(f));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFileAndNamesThePath() throws Exception {
        Path f = dir.resolve("model.json");
        Files.writeString(f, "precious");
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half of a new fi".getBytes());
            throw new IOException("No space left on device");
        }));
        assertEquals(f + ": No space left on device", e.getMessage());
        assertEquals("precious", Files.readString(f));
        assertEquals(List.of(f), listing(dir));
    }

    /** Issue 24.2: a transaction writes every file first and renames only when all were written. */
    @Test
    void aTransactionCommitsEveryFileOrNone() throws Exception {
        Path model = dir.resolve("model.json"), report = dir.resolve("report.html"), chart = dir.resolve("c/chart.svg");
        Files.writeString(model, "old model");
        Files.writeString(report, "old report");
        try (AtomicFiles.Transaction t = new AtomicFiles.Transaction()) {
            t.add(model, out -> out.write("new model".getBytes()));
            t.add(chart, out -> out.write("new chart".getBytes()));
            assertThrows(FileSystemException.class, () -> t.add(report, out -> {
                throw new IOException("No space left on device");
            }));
            // not committed: closing removes the temporary files
        }
        assertEquals("old model", Files.readString(model));
        assertEquals("old report", Files.readString(report));
        assertFalse(Files.exists(chart));
        assertEquals(List.of(dir.resolve("c"), model, report), listing(dir));
        assertEquals(List.of(), listing(dir.resolve("c")));
        try (AtomicFiles.Transaction t = new AtomicFiles.Transaction()) {
            t.add(model, out -> out.write("new model".getBytes()));
            t.add(report, out -> out.write("new report".getBytes()));
            assertEquals("old model", Files.readString(model), "nothing visible before the commit");
            t.commit();
        }
        assertEquals("new model", Files.readString(model));
        assertEquals("new report", Files.readString(report));
        assertEquals(List.of(dir.resolve("c"), model, report), listing(dir));
    }

    /** A link to a model is kept as a link; the file it points to is replaced (atomically, in its own directory). */
    @Test
    void aSymbolicLinkToAFileReplacesTheFileAndStaysALink() throws Exception {
        Path real = Files.createDirectories(dir.resolve("runs")).resolve("model-5.json");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("latest.json"), real);
        AtomicFiles.write(link, "new".getBytes());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
        assertEquals(List.of(real), listing(dir.resolve("runs")));
        assertTrue(AtomicFiles.sameFile(link, real));
    }

    @Test
    void whatCannotBeWrittenSafelyIsRefusedNamingThePath() throws Exception {
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.json"), dir.resolve("missing.json"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.write(dangling, new byte[1]));
        assertEquals(dangling + ": a symbolic link to a missing file; give the file itself", e.getMessage());
        e = assertThrows(FileSystemException.class, () -> AtomicFiles.write(dir, new byte[1]));
        assertEquals(dir + ": is a directory; give a file name", e.getMessage());
        Path file = Files.writeString(dir.resolve("data.csv"), "a,b\n");
        for (Path p : List.of(file.resolve("model.json"), file.resolve("sub/model.json"))) {
            e = assertThrows(FileSystemException.class, () -> AtomicFiles.write(p, new byte[1]));
            assertEquals(p + ": " + file + " is a file, not a directory", e.getMessage());
            e = assertThrows(FileSystemException.class, () -> AtomicFiles.checkWritable(p));
            assertEquals(p + ": " + file + " is a file, not a directory", e.getMessage());
        }
        assertEquals("a,b\n", Files.readString(file));
        Path block = Path.of("/dev/loop0");
        if (Files.exists(block) && ((Integer) Files.getAttribute(block, "unix:mode") & 0170000) == 0060000) {
            e = assertThrows(FileSystemException.class, () -> AtomicFiles.kindOf(block));
            assertEquals(block + ": is a block device; refusing to write to it", e.getMessage());
        }
    }

    /** Devices and pipes are written through, never replaced by a regular file (issue 24.2: -o /dev/full as root). */
    @Test
    void devicesAndPipesAreWrittenThroughAndStayWhatTheyWere() throws Exception {
        Path devNull = Path.of("/dev/null"), devFull = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.exists(devNull) && Files.exists(devFull), "no /dev/null and /dev/full here");
        assertEquals(AtomicFiles.Kind.STREAM, AtomicFiles.kindOf(devNull));
        assertEquals(AtomicFiles.Kind.STREAM, AtomicFiles.kindOf(Path.of("/dev/stdout")));
        AtomicFiles.write(devNull, "x".getBytes());
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.write(devFull, new byte[100_000]));
        assertEquals("/dev/full: No space left on device", e.getMessage());
        for (Path p : List.of(devNull, devFull)) {
            assertEquals(0020000, (Integer) Files.getAttribute(p, "unix:mode") & 0170000, p + " is still a character device");
        }
        assertFalse(AtomicFiles.sameFile(devNull, devNull), "streams are not files another output could overwrite");

        Path fifo = dir.resolve("pipe");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo failed");
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> read = reader.submit(() -> Files.readAllBytes(fifo));
            AtomicFiles.write(fifo, "through the pipe".getBytes(StandardCharsets.UTF_8));
            assertEquals("through the pipe", new String(read.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } finally {
            reader.shutdownNow();
        }
        assertEquals(0010000, (Integer) Files.getAttribute(fifo, "unix:mode") & 0170000, "still a FIFO");
        assertEquals(List.of(fifo), listing(dir));
    }

    @Test
    void sameFileSeesLinksHardLinksRelativePathsAndNewNames() throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "x");
        Path hard = Files.createLink(dir.resolve("hard.csv"), a);
        assertTrue(AtomicFiles.sameFile(a, hard));
        assertTrue(AtomicFiles.sameFile(a, dir.resolve("sub/../a.csv")));
        assertTrue(AtomicFiles.sameFile(dir.resolve("new/x.json"), dir.resolve("new/./x.json")));
        assertFalse(AtomicFiles.sameFile(dir.resolve("new/x.json"), dir.resolve("new/y.json")));
        assertFalse(AtomicFiles.sameFile(a, dir.resolve("b.csv")));
    }

    /** Issue 24.3: writers of one file never share a temporary file; the file is always one writer's whole content. */
    @Test
    void concurrentWritersOfOneFileNeverShareATemporaryFile() throws Exception {
        Path f = dir.resolve("same.json");
        int writers = 8, writes = 40;
        Set<String> written = ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            Future<Integer> reads = pool.submit(() -> {
                int n = 0;
                while (!done.get()) {
                    if (Files.exists(f)) {
                        String s = Files.readString(f);
                        // every content is 'begin W I' + 20,000 of one letter + 'end W I'
                        assertTrue(s.startsWith("begin ") && s.endsWith(" end " + s.substring(6, s.indexOf('\n'))), "a torn file: " + s.length());
                        n++;
                    }
                }
                return n;
            });
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                final int id = w;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < writes; i++) {
                        String tag = id + "-" + i;
                        String content = "begin " + tag + "\n" + String.valueOf((char) ('a' + id)).repeat(20_000) + " end " + tag;
                        AtomicFiles.write(f, content.getBytes(StandardCharsets.UTF_8));
                        written.add(content);
                    }
                    return null;
                }));
            }
            for (Future<?> x : fs) x.get();
            done.set(true);
            assertTrue(reads.get() > 0);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        assertTrue(written.contains(Files.readString(f)), "the final file is one writer's whole content");
        assertEquals(writers * writes, written.size());
        assertEquals(List.of(f), listing(dir), "no temporary file left");
    }

    @Test
    void checkWritableCreatesNothingAndRefusesADirectoryTarget() throws Exception {
        AtomicFiles.checkWritable(dir.resolve("a/b/model.json"));
        AtomicFiles.checkWritable(dir.resolve("model.json"));
        assertEquals(List.of(), listing(dir), "the check leaves nothing behind");
        assertThrows(FileSystemException.class, () -> AtomicFiles.checkWritable(dir));
    }
}
