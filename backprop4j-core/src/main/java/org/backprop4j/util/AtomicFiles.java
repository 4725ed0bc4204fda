package org.backprop4j.util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes files completely or not at all, one file or several together.
 *
 * <p>What happens depends on what the path names ({@link #kindOf}):
 * <ul>
 * <li>a new name or a regular file: the content goes to a temporary file in the same directory,
 *     created exclusively under a name no other writer uses ({@code .NAME.PID-RANDOM.tmp}), is
 *     forced to the device, and is then renamed over the target (atomically where the file system
 *     supports it). A reader never sees half a file; a failed or killed write leaves the old file.</li>
 * <li>a symbolic link to a regular file: the file the link points to is replaced as above, in its
 *     own directory; the link stays a link.</li>
 * <li>a character device or FIFO ({@code /dev/null}, {@code /dev/full}, a named pipe) and the
 *     descriptor names {@code /dev/stdout}, {@code /dev/stderr}, {@code /dev/fd/N},
 *     {@code /proc/self/fd/N}: written through (appended, no temporary file): a stream has no
 *     old content to protect, and replacing it by a regular file would destroy it.</li>
 * <li>anything else (a directory, a block device, a socket, a link to a missing file): refused
 *     with a {@link FileSystemException} naming the path.</li>
 * </ul>
 *
 * <p>A {@link Transaction} commits several files together: every file is written and forced first,
 * then all are renamed; if any write fails, nothing is renamed and no temporary file is left.
 * (Renames in one directory do not fail for lack of space; a rename that fails for another reason
 * after others succeeded is reported, naming the file.) Errors are {@link FileSystemException}s
 * naming the file ("model.json: No space left on device"). A new file is readable by everyone
 * (rw-r--r--) on POSIX file systems, like a file written directly; a replaced file keeps its permissions.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the bytes some code produces on a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** What a path names, as far as writing it is concerned. */
    public enum Kind {
        /** nothing there yet: created by rename */
        NEW,
        /** a regular file (possibly through symbolic links): replaced by rename */
        REGULAR,
        /** a character device, FIFO or descriptor name: written through */
        STREAM
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern DESCRIPTOR = Pattern.compile("/dev/(stdout|stderr|fd/\\d+)|/proc/(self|thread-self|\\d+)/fd/\\d+");
    private static final int S_IFMT = 0170000, S_IFCHR = 0020000, S_IFIFO = 0010000, S_IFBLK = 0060000;

    public static void write(Path file, byte[] content) throws IOException {
        write(file, out -> out.write(content));
    }

    public static void write(Path file, Content content) throws IOException {
        try (Transaction t = new Transaction()) {
            t.add(file, content);
            t.commit();
        }
    }

    /**
     * What {@code file} names (see the class comment); throws a {@link FileSystemException} naming
     * the path for anything that cannot be written safely, and for a parent that is not a directory.
     */
    public static Kind kindOf(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (DESCRIPTOR.matcher(abs.toString()).matches()) return Kind.STREAM;
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(abs, BasicFileAttributes.class);   // follows links
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(abs)) {
                throw new FileSystemException(file.toString(), null, "a symbolic link to a missing file; give the file itself");
            }
            checkParent(file, abs.getParent());
            return Kind.NEW;
        } catch (FileSystemException e) {
            // ENOTDIR: a component of the parent path is a file
            checkParent(file, abs.getParent());
            throw e;
        }
        if (a.isRegularFile()) return Kind.REGULAR;
        if (a.isDirectory()) throw new FileSystemException(file.toString(), null, "is a directory; give a file name");
        int type = mode(abs) & S_IFMT;
        if (type == S_IFCHR || type == S_IFIFO || type == -1 && a.isOther()) return Kind.STREAM;
        String what = type == S_IFBLK ? "a block device" : "not a regular file, device or pipe";
        throw new FileSystemException(file.toString(), null, "is " + what + "; refusing to write to it");
    }

    /** The POSIX file mode (st_mode), or -1 where the file system does not say. */
    private static int mode(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return -1;
        }
    }

    /** The nearest existing ancestor must be a directory (a file there is a one-line error naming it). */
    private static void checkParent(Path file, Path dir) throws IOException {
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d)) return;
            if (Files.exists(d, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(d)) {
                throw new FileSystemException(file.toString(), null, d + " is a file, not a directory");
            }
        }
    }

    /**
     * Checks, before any work is done, that {@code file} can be written: what it names is writable
     * ({@link #kindOf}), and its directory (or the nearest existing ancestor, where the missing
     * directories will be created) accepts a new file: a temporary file is created there and
     * deleted. Throws a {@link FileSystemException} naming the path otherwise.
     */
    public static void checkWritable(Path file) throws IOException {
        Kind k = kindOf(file);
        if (k == Kind.STREAM) {
            if (!Files.isWritable(file)) throw new FileSystemException(file.toString(), null, "permission denied");
            return;
        }
        Path target = k == Kind.REGULAR ? file.toAbsolutePath().normalize().toRealPath() : file.toAbsolutePath().normalize();
        Path dir = target.getParent();
        while (dir != null && !Files.isDirectory(dir)) dir = dir.getParent();
        if (dir == null) throw new FileSystemException(file.toString(), null, "no existing directory above it");
        Path probe;
        try {
            probe = Files.createTempFile(dir, ".backprop4j-probe.", ".tmp");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new FileSystemException(file.toString(), null, "directory " + dir + " is not writable (permission denied)");
        } catch (IOException e) {
            throw new FileSystemException(file.toString(), null, "directory " + dir + " is not writable (" + reason(e) + ")");
        }
        Files.deleteIfExists(probe);
    }

    /**
     * The file a write to {@code file} changes, for comparing paths: the real path of an existing
     * file or directory (through links), else the absolute normalized path with its existing part
     * resolved; null for a device or pipe (writing one does not change any file). Never refuses:
     * inputs are compared too.
     */
    public static Path identity(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (DESCRIPTOR.matcher(abs.toString()).matches()) return null;
        if (Files.exists(abs)) {
            BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
            return a.isRegularFile() || a.isDirectory() ? abs.toRealPath() : null;
        }
        Path existing = abs.getParent();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) return abs;
        return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
    }

    /** Whether two paths name the same file (hard links too); streams never do. */
    public static boolean sameFile(Path a, Path b) throws IOException {
        Path ia = identity(a), ib = identity(b);
        if (ia == null || ib == null) return false;
        if (ia.equals(ib)) return true;
        return Files.exists(ia) && Files.exists(ib) && Files.isSameFile(ia, ib);
    }

    /** The prefix of temporary files for {@code target}: {@code .NAME.} (followed by PID-RANDOM.tmp). */
    public static String temporaryPrefix(Path target) {
        return "." + target.getFileName() + ".";
    }

    /**
     * Several files written together: {@link #add} writes each (to its temporary file, forced;
     * streams are written through at once), {@link #commit} renames them all; {@link #close}
     * without a commit deletes every temporary file, leaving every old file as it was.
     */
    public static final class Transaction implements AutoCloseable {
        private record Staged(Path tmp, Path target, Path named) {}

        private final List<Staged> staged = new ArrayList<>();
        private boolean committed;

        /** Writes {@code file}'s new content; nothing is visible under its name before {@link #commit}. */
        public void add(Path file, Content content) throws IOException {
            if (committed) throw new IllegalStateException("already committed");
            Kind k = kindOf(file);
            if (k == Kind.STREAM) {
                writeThrough(file, content);
                return;
            }
            Path target = k == Kind.REGULAR ? file.toAbsolutePath().normalize().toRealPath() : file.toAbsolutePath().normalize();
            Path dir = target.getParent();
            try {
                if (dir != null) Files.createDirectories(dir);
            } catch (IOException e) {
                throw named(file, e);
            }
            removeStaleTemporaries(target);
            Path tmp;
            try {
                // exclusive creation under a name of our own: concurrent writers never share one
                tmp = Files.createFile(target.resolveSibling(temporaryPrefix(target) + ProcessHandle.current().pid() + "-"
                        + HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".tmp"));
            } catch (IOException e) {
                throw named(file, e);
            }
            staged.add(new Staged(tmp, target, file));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                content.writeTo(unclosable(out));
                out.flush();
                ch.force(true);   // on the device before the rename: a crash leaves the old file or the new one
            } catch (IOException e) {
                throw named(file, e);
            }
            if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
                // a replaced file keeps its permissions; a new one is rw-r--r--, like a file written directly
                Files.setPosixFilePermissions(tmp, k == Kind.REGULAR ? Files.getPosixFilePermissions(target)
                        : PosixFilePermissions.fromString("rw-r--r--"));
            }
        }

        /** Renames every written file over its target (all were written and forced first). */
        public void commit() throws IOException {
            if (committed) throw new IllegalStateException("already committed");
            committed = true;
            for (Staged s : staged) {
                try {
                    try {
                        Files.move(s.tmp, s.target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(s.tmp, s.target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw named(s.named, e);
                }
            }
        }

        /** Deletes the temporary files of a transaction that was not committed (or whose commit failed). */
        @Override
        public void close() throws IOException {
            IOException first = null;
            for (Staged s : staged) {
                try {
                    Files.deleteIfExists(s.tmp);
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
            staged.clear();
            committed = true;
            if (first != null) throw first;
        }
    }

    private static void writeThrough(Path file, Content content) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            // APPEND: /dev/stdout redirected to a file continues after what was printed, not over it
            OutputStream out = new BufferedOutputStream(raw, 1 << 16);
            content.writeTo(unclosable(out));
            out.flush();
        } catch (IOException e) {
            throw named(file, e);
        }
    }

    /** Content may close its stream (Jackson does): that must not close the channel before force. */
    private static OutputStream unclosable(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    /** The error as a FileSystemException naming the file the user gave ("FILE: No space left on device"). */
    static FileSystemException named(Path file, IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null && fs.getFile().equals(file.toString())) return fs;
        FileSystemException n = new FileSystemException(file.toString(), null, reason(e));
        n.initCause(e);
        return n;
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException nf) return "no such file or directory: " + nf.getFile();
        if (e instanceof FileSystemException fs && fs.getReason() != null) return fs.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static final Pattern TEMPORARY = Pattern.compile("(\\d{1,18})-[0-9a-f]{16}\\.tmp");

    /**
     * Deletes temporary files for {@code target} left by writers that were killed (their process
     * no longer exists), and the fixed-name {@code .NAME.tmp} of earlier versions; a temporary file
     * of a live process (a concurrent writer) is left alone.
     */
    private static void removeStaleTemporaries(Path target) {
        String prefix = temporaryPrefix(target);
        Path dir = target.getParent();
        if (dir == null) return;
        DirectoryStream.Filter<Path> ours = p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith("tmp");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ours)) {
            for (Path p : ds) {
                String rest = p.getFileName().toString().substring(prefix.length());
                Matcher m = TEMPORARY.matcher(rest);
                boolean stale = rest.equals("tmp")
                        || m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true);
                if (stale) Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a stale temporary file is harmless, only untidy
        }
    }
}
