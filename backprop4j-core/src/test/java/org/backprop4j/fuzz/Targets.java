package org.backprop4j.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.backprop4j.data.ArffReader;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.IdxReader;
import org.backprop4j.data.LibsvmReader;
import org.backprop4j.data.MissingValues;
import org.backprop4j.data.MonkFormat;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.train.Checkpoint;

/**
 * The fuzz targets (shared by the Jazzer tests in {@link ReaderFuzzTest} and the seeded mutation
 * run in {@link MutationSmokeTest}) and the property each checks: for any bytes, the loader either
 * returns or throws {@link DataFormatException}; anything else (another exception, an error) escapes
 * and is a finding. It must also not allocate more than {@link #allocationLimit} bytes (measured
 * per thread) and, under Jazzer, not hang (libFuzzer's per-input timeout, set by scripts/fuzz).
 */
public final class Targets {
    private Targets() {}

    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("bp4j-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {   // the directory and the files in it
                try (var files = Files.walk(DIR)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // best effort: a temporary directory
                }
            }));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A target: the loader applied to fuzzer bytes. */
    @FunctionalInterface
    public interface Target {
        void run(byte[] data) throws IOException;
    }

    /**
     * Bytes a loader may allocate for an input of {@code n} bytes: 64 MiB plus 4 KiB per input byte
     * (a one-hot encoding of k distinct values in k rows is k² floats, so the readers' legitimate
     * allocation is not linear; for the inputs fuzzers make, up to a few KiB, this stays far below
     * the gigabytes a trusted size field could claim).
     */
    public static long allocationLimit(int n) {
        return (64L << 20) + 4096L * n;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Runs {@code t} on {@code data} and checks the property. */
    public static void check(String name, Target t, byte[] data) throws IOException {
        long used = allocated(name, t, data);
        if (used > allocationLimit(data.length)) {
            // the first call on a code path also loads (and, under Jazzer, instruments) classes,
            // which allocates on this thread: measure again, with everything loaded
            used = allocated(name, t, data);
            if (used > allocationLimit(data.length)) {
                throw new AssertionError(name + ": allocated " + used + " bytes for an input of " + data.length + " bytes");
            }
        }
    }

    /**
     * Longest a loader may take on one input before it counts as a hang: 10 s while fuzzing
     * (JAZZER_FUZZ, scripts/fuzz); in the normal suite, which replays small inputs on a machine that
     * may be loaded, only a real hang (2 min) stops the JVM.
     */
    static final long HANG_MILLIS = System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty() ? 10_000 : 120_000;
    private static volatile long started;           // nanoTime of the running call, 0 = none
    private static volatile byte[] running;
    private static volatile String runningName;

    static {
        // the watchdog: a call running longer than HANG_MILLIS is a hang; save the input and stop
        // the JVM (a hang cannot be interrupted from outside)
        Thread w = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                long s = started;
                if (s != 0 && System.nanoTime() - s > HANG_MILLIS * 1_000_000) {
                    byte[] in = running;
                    try {
                        Path f = Path.of("hang-" + runningName + "-" + Integer.toHexString(Arrays.hashCode(in)));
                        Files.write(f, in);
                        System.err.println("HANG: " + runningName + " ran for more than " + HANG_MILLIS + " ms; input saved to " + f.toAbsolutePath());
                    } catch (IOException e) {
                        System.err.println("HANG: " + runningName + " (input not saved: " + e + ")");
                    }
                    Thread.getAllStackTraces().forEach((th, st) -> {
                        if (th.getName().equals("main") || th.getName().startsWith("Test worker")) {
                            for (StackTraceElement el : st) System.err.println("    at " + el);
                        }
                    });
                    Runtime.getRuntime().halt(77);
                }
            }
        }, "fuzz-watchdog");
        w.setDaemon(true);
        w.start();
    }

    private static long allocated(String name, Target t, byte[] data) throws IOException {
        long tid = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(tid);
        running = data;
        runningName = name;
        started = System.nanoTime();
        try {
            t.run(data);
        } catch (DataFormatException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError(name + ": a DataFormatException without a message", expected);
            }
        } finally {
            started = 0;
        }
        return THREADS.getThreadAllocatedBytes(tid) - before;
    }

    private static Path file(String name, byte[] data) throws IOException {
        Path f = DIR.resolve(name);
        Files.write(f, data);
        return f;
    }

    /** First byte: options (delimiter, header, missing values, target); the rest: the file. */
    public static void csv(byte[] data) throws IOException {
        check("csv", d -> {
            ReadOptions o = ReadOptions.defaults();
            int k = d.length == 0 ? 0 : d[0] & 0xFF;
            switch (k % 6) {
                case 1 -> o.delimiter(',');
                case 2 -> o.delimiter(';');
                case 3 -> o.delimiter('\t');
                case 4 -> o.delimiter(ReadOptions.WHITESPACE);
                case 5 -> o.delimiter('|');
                default -> { }
            }
            if ((k & 8) != 0) o.header((k & 16) != 0);
            if ((k & 32) != 0) o.missing(MissingValues.KEEP);
            if ((k & 64) != 0) o.targetIndex(0);
            if ((k & 128) != 0) o.classTarget(true);
            CsvReader.read(file("fuzz.csv", rest(d)), o);
        }, data);
    }

    /** Two bytes: the length L of the inputs file; then L bytes of inputs, the rest targets (two-file CSV). */
    public static void csvPair(byte[] data) throws IOException {
        check("csvPair", d -> {
            int len = d.length < 2 ? 0 : Math.min(d.length - 2, ((d[0] & 0xFF) << 8) | (d[1] & 0xFF));
            int from = Math.min(2, d.length);
            Path inputs = file("inputs.csv", Arrays.copyOfRange(d, from, from + len));
            Path targets = file("targets.csv", Arrays.copyOfRange(d, from + len, d.length));
            CsvReader.read(inputs, targets, ReadOptions.defaults());
        }, data);
    }

    /** First byte: missing values kept or rejected; the rest: the file. */
    public static void arff(byte[] data) throws IOException {
        check("arff", d -> {
            ReadOptions o = ReadOptions.defaults();
            if (d.length > 0 && (d[0] & 1) != 0) o.missing(MissingValues.KEEP);
            ArffReader.read(file("fuzz.arff", rest(d)), o);
        }, data);
    }

    /** First byte: 0 = features from the data, else that many features expected; the rest: the file. */
    public static void libsvm(byte[] data) throws IOException {
        check("libsvm", d -> {
            ReadOptions o = ReadOptions.defaults();
            int k = d.length == 0 ? 0 : d[0] & 0xFF;
            if (k % 4 != 0) o.features(k);
            if ((k & 2) != 0) o.classTarget(false);
            LibsvmReader.read(file("fuzz.libsvm", rest(d)), o);
        }, data);
    }

    public static void monk(byte[] data) throws IOException {
        check("monk", d -> MonkFormat.read(file("monks-1.train", d)), data);
    }

    /** Two bytes: the length L of the images file; then L bytes of images, the rest labels. */
    public static void idx(byte[] data) throws IOException {
        check("idx", d -> {
            int len = d.length < 2 ? 0 : Math.min(d.length - 2, ((d[0] & 0xFF) << 8) | (d[1] & 0xFF));
            int from = Math.min(2, d.length);
            Path images = file("images-idx3-ubyte", Arrays.copyOfRange(d, from, from + len));
            Path labels = file("labels-idx1-ubyte", Arrays.copyOfRange(d, from + len, d.length));
            IdxReader.read(images, labels, IdxReader.DIGITS, Integer.MAX_VALUE);
        }, data);
    }

    public static void checkpoint(byte[] data) throws IOException {
        check("checkpoint", d -> Checkpoint.parse(d, "fuzz.ckpt"), data);
    }

    /**
     * The bytes as a checkpoint's payload, wrapped in a valid header and CRC-32, so that the fuzzer
     * reaches the payload's parser (with random bytes the checksum stops nearly every input first).
     */
    public static void checkpointPayload(byte[] data) throws IOException {
        check("checkpointPayload", d -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + d.length);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(d);
            b.put("BP4JCKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(1).putLong(d.length).put(d)
                    .putInt((int) crc.getValue());
            Checkpoint.parse(b.array(), "fuzz.ckpt");
        }, data);
    }

    /** The training data whose schemas the {@link #schema} target reads against (numeric, nominal, a class). */
    private static final org.backprop4j.data.Schema CSV_SCHEMA, ARFF_SCHEMA;

    static {
        try {
            CSV_SCHEMA = CsvReader.read(file("schema-train.csv",
                    "size,colour,weight,label\n1,red,0.5,a\n2,blue,1.5,b\n1.5,green,2,c\n2.5,red,3,a\n".getBytes(
                            java.nio.charset.StandardCharsets.UTF_8))).schema();
            ARFF_SCHEMA = ArffReader.read(file("schema-train.arff", ("@relation t\n@attribute size numeric\n"
                    + "@attribute colour {red,blue,'dark green'}\n@attribute class {p,q}\n@data\n1,red,p\n2,blue,q\n3,'dark green',p\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))).schema();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Data read against a training schema, as evaluate and predict read it (unknown nominal values,
     * missing or extra columns, other names). First byte: bit 0 ARFF (else CSV), bit 1 inputs only
     * (prediction data, the target column optional), bit 2 missing values kept; the rest: the file.
     */
    public static void schema(byte[] data) throws IOException {
        check("schema", d -> {
            int k = d.length == 0 ? 0 : d[0] & 0xFF;
            boolean arff = (k & 1) != 0, inputsOnly = (k & 2) != 0;
            ReadOptions o = ReadOptions.defaults().schema(arff ? ARFF_SCHEMA : CSV_SCHEMA);
            if ((k & 4) != 0) o.missing(MissingValues.KEEP);
            Path f = file(arff ? "fuzz-schema.arff" : "fuzz-schema.csv", rest(d));
            if (arff && inputsOnly) ArffReader.readInputs(f, o);
            else if (arff) ArffReader.read(f, o);
            else if (inputsOnly) CsvReader.readInputs(f, o);
            else CsvReader.read(f, o);
        }, data);
    }

    private static byte[] rest(byte[] d) {
        return d.length == 0 ? d : Arrays.copyOfRange(d, 1, d.length);
    }
}
