package org.backprop4j.train;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.Examples;

/**
 * Everything a {@link Trainer} needs to continue a run bit-identically after the end of an epoch:
 * weights, the optimizer's state, the shuffling generator's state and the current pattern order,
 * the early-stopping monitor and its best weights, the history, and the divergence-restart state
 * (learning-rate factor, restarts used). Written by {@link Trainer#checkpointEvery} and read by
 * {@link Trainer#resume}.
 *
 * <p>File format (big-endian, no Java serialization):
 * <pre>
 *   "BP4JCKPT" (8 bytes) · int formatVersion · long payloadLength · payload · int CRC-32(payload)
 * </pre>
 * The payload holds, in order: the run description (UTF-8 string, length-prefixed), the layer sizes,
 * the training set's size, width and fingerprint, the epoch, update count and RNG state, the pattern
 * order, the weights, the optimizer state, the learning-rate factor, restart count and restart point,
 * the early-stopping monitor, the best weights and the history. Every array is length-prefixed.
 *
 * <p>Writing is atomic: the bytes go to {@code .NAME.tmp} in the same directory, are forced to disk,
 * and the temporary file is then renamed over {@code NAME}; a process killed at any moment leaves
 * either the previous checkpoint or the new one, never a partial file. Reading checks the magic,
 * version, length and checksum before parsing, and every count against the bytes that remain
 * before allocating, so a damaged or hostile file gives a {@link DataFormatException}.
 *
 * @param run            description of the settings that must match on resume (the trainer's own settings and {@link Trainer#runSettings})
 * @param sizes          layer sizes n_0..n_L
 * @param dataSize       patterns in the training set
 * @param dataInputs     inputs per pattern
 * @param dataOutputs    targets per pattern
 * @param dataFingerprint CRC-32 of the training set's inputs and targets ({@link #fingerprint(Examples)})
 * @param epoch          epochs completed
 * @param updates        weight updates made so far
 * @param rngState       state of the shuffling generator
 * @param order          pattern order left by the last shuffle (empty when the run does not shuffle)
 * @param weights        the parameter vector
 * @param optimizerState {@link Optimizer#exportState()}
 * @param lrFactor       factor applied to the learning rate by divergence restarts (1, ½, ¼, …)
 * @param restarts       divergence restarts used so far
 * @param restartEpoch   the epoch whose state a divergence restart goes back to (0 = the start)
 * @param restartError   that epoch's training error (+∞ for the start)
 * @param restartWeights its weights (empty when restarts are off)
 * @param restartOptimizerState its optimizer state (empty when restarts are off)
 * @param monitorState   {@link EarlyStopping.Monitor#exportState()} (empty without early stopping)
 * @param bestWeights    weights of the best validation epoch (empty unless restore-best)
 * @param history        statistics of the completed epochs (size = epoch)
 */
public record Checkpoint(String run, int[] sizes, int dataSize, int dataInputs, int dataOutputs, long dataFingerprint,
                         int epoch, long updates, long rngState, int[] order, float[] weights, double[] optimizerState,
                         double lrFactor, int restarts, int restartEpoch, double restartError, float[] restartWeights,
                         double[] restartOptimizerState, double[] monitorState, float[] bestWeights,
                         List<EpochStats> history) {

    /** The format this version writes; files with a larger version are refused. */
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "BP4JCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 4 + 8;
    /** Largest checkpoint read (bytes): what one Java array can hold. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 16L;
    private static final int MAX_LAYERS = 1 << 16;
    private static final int MAX_UNITS = 1 << 24;

    /**
     * A CRC-32 of the set's shape, inputs and targets (float bits, all inputs then all targets),
     * identifying the training data; streamed, so a memory-mapped set gives what its in-heap copy gives.
     */
    public static long fingerprint(Examples ds) {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocate(1 << 16);   // big-endian, as the format's other numbers
        crc.update(b.putInt(ds.size()).putInt(ds.inputs()).putInt(ds.outputs()).array(), 0, 12);
        // whole runs of floats through the buffer's bulk copy, not a store per value: the same bytes, so the same CRC
        java.nio.FloatBuffer f = b.clear().asFloatBuffer();
        for (boolean targets : new boolean[] {false, true}) {
            int w = targets ? ds.outputs() : ds.inputs();
            ds.forEachChunk((x, d, rows) -> {
                float[] a = targets ? d : x;
                for (int i = 0, n = rows * w; i < n; ) {
                    int k = Math.min(n - i, f.capacity());
                    f.clear();
                    f.put(a, i, k);
                    crc.update(b.array(), 0, 4 * k);
                    i += k;
                }
            });
        }
        return crc.getValue();
    }

    /** The file's bytes. */
    public byte[] toBytes() {
        byte[] r = run.getBytes(StandardCharsets.UTF_8);
        long n = 4L + r.length + 4 + 4L * sizes.length + 12 + 8 + 4 + 8 + 8 + 4 + 4L * order.length
                + 4 + 4L * weights.length + 4 + 8L * optimizerState.length + 8 + 4 + 4 + 8
                + 4 + 4L * restartWeights.length + 4 + 8L * restartOptimizerState.length
                + 4 + 8L * monitorState.length + 4 + 4L * bestWeights.length + 4 + 52L * history.size();
        if (HEADER + n + 4 > MAX_BYTES) throw new IllegalStateException("checkpoint too large: " + n + " bytes");
        ByteBuffer b = ByteBuffer.allocate((int) (HEADER + n + 4));   // big-endian
        b.put(MAGIC).putInt(FORMAT_VERSION).putLong(n);
        b.putInt(r.length).put(r);
        ints(b, sizes);
        b.putInt(dataSize).putInt(dataInputs).putInt(dataOutputs).putLong(dataFingerprint);
        b.putInt(epoch).putLong(updates).putLong(rngState);
        ints(b, order);
        floats(b, weights);
        doubles(b, optimizerState);
        b.putDouble(lrFactor).putInt(restarts).putInt(restartEpoch).putDouble(restartError);
        floats(b, restartWeights);
        doubles(b, restartOptimizerState);
        doubles(b, monitorState);
        floats(b, bestWeights);
        b.putInt(history.size());
        for (EpochStats s : history) {
            b.putInt(s.epoch()).putDouble(s.loss()).putDouble(s.accuracy()).putDouble(s.validationLoss())
                    .putDouble(s.validationAccuracy()).putLong(s.updates()).putDouble(s.millis());
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), HEADER, (int) n);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * Writes the checkpoint atomically ({@link org.backprop4j.util.AtomicFiles}: a temporary file in
     * the same directory, forced to the device, then renamed over {@code file}).
     */
    public void write(Path file) throws IOException {
        org.backprop4j.util.AtomicFiles.write(file, toBytes());
    }

    /**
     * {@return whether the saved run evaluated the training set after every epoch} Files written
     * before runs without a validation set took the running mean of their updates' errors say
     * {@code true}; a resume keeps the run's own choice ({@link TrainingConfig#withEvaluateEachEpoch}).
     * Null if the description does not say.
     */
    public Boolean evaluatesEachEpoch() {
        String v = TrainingState.entries(run).get("evaluateEachEpoch");
        return "true".equals(v) ? Boolean.TRUE : "false".equals(v) ? Boolean.FALSE : null;
    }

    /** Reads and validates a checkpoint file. */
    public static Checkpoint read(Path file) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
        org.backprop4j.data.Sources.requireFile(file);
        long size = Files.size(file);
        if (size > MAX_BYTES) throw new DataFormatException(name, 0, 0, "checkpoint too large: " + size + " bytes");
        return parse(Files.readAllBytes(file), name);
    }

    /** Parses and validates the bytes of a checkpoint file ({@code name} is used in messages). */
    public static Checkpoint parse(byte[] all, String name) throws DataFormatException {
        if (all.length < MAGIC.length || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new DataFormatException(name, 0, 0, "not a backprop4j checkpoint (bad magic number)");
        }
        if (all.length < HEADER + 4) {
            throw new DataFormatException(name, 0, 0, "truncated checkpoint: " + all.length + " bytes, the header alone has " + (HEADER + 4));
        }
        ByteBuffer h = ByteBuffer.wrap(all);
        h.position(MAGIC.length);
        int version = h.getInt();
        if (version > FORMAT_VERSION) {
            throw new DataFormatException(name, 0, 0, "written by a newer backprop4j (checkpoint format " + version
                    + "; this version reads up to " + FORMAT_VERSION + "): upgrade backprop4j to resume from it");
        }
        if (version < 1) throw new DataFormatException(name, 0, 0, "bad checkpoint format version " + version);
        long len = h.getLong();
        long actual = all.length - HEADER - 4L;
        if (len != actual) {
            throw new DataFormatException(name, 0, 0, (len > actual ? "truncated" : "damaged") + " checkpoint: the header announces "
                    + len + " payload bytes, the file holds " + actual);
        }
        CRC32 crc = new CRC32();
        crc.update(all, HEADER, (int) len);
        int stored = ByteBuffer.wrap(all, HEADER + (int) len, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new DataFormatException(name, 0, 0, "checkpoint damaged: CRC-32 mismatch (the file was modified or cut short)");
        }
        Cursor c = new Cursor(ByteBuffer.wrap(all, HEADER, (int) len).slice(), name);
        try {
            return c.checkpoint();
        } catch (BufferUnderflowException e) {
            throw c.err("truncated payload");
        }
    }

    private static void ints(ByteBuffer b, int[] a) {
        b.putInt(a.length);
        for (int v : a) b.putInt(v);
    }

    private static void floats(ByteBuffer b, float[] a) {
        b.putInt(a.length);
        for (float v : a) b.putInt(Float.floatToRawIntBits(v));
    }

    private static void doubles(ByteBuffer b, double[] a) {
        b.putInt(a.length);
        for (double v : a) b.putLong(Double.doubleToRawLongBits(v));
    }

    /** Reads the payload with every count checked against the bytes left. */
    private static final class Cursor {
        private final ByteBuffer b;
        private final String name;

        Cursor(ByteBuffer b, String name) {
            this.b = b;
            this.name = name;
        }

        DataFormatException err(String problem) {
            return new DataFormatException(name, 0, 0, "payload byte " + b.position() + ": " + problem);
        }

        int count(String what, int elementBytes) throws DataFormatException {
            int n = b.getInt();
            if (n < 0 || (long) n * elementBytes > b.remaining()) {
                throw err(what + ": length " + n + " does not fit in the " + b.remaining() + " bytes left");
            }
            return n;
        }

        int[] ints(String what) throws DataFormatException {
            int[] a = new int[count(what, 4)];
            for (int i = 0; i < a.length; i++) a[i] = b.getInt();
            return a;
        }

        float[] floats(String what) throws DataFormatException {
            float[] a = new float[count(what, 4)];
            for (int i = 0; i < a.length; i++) a[i] = Float.intBitsToFloat(b.getInt());
            return a;
        }

        double[] doubles(String what) throws DataFormatException {
            double[] a = new double[count(what, 8)];
            for (int i = 0; i < a.length; i++) a[i] = Double.longBitsToDouble(b.getLong());
            return a;
        }

        Checkpoint checkpoint() throws DataFormatException {
            byte[] r = new byte[count("run description", 1)];
            b.get(r);
            String run = new String(r, StandardCharsets.UTF_8);
            int[] sizes = ints("layer sizes");
            if (sizes.length < 2 || sizes.length > MAX_LAYERS) throw err("a network has 2.." + MAX_LAYERS + " layer sizes, found " + sizes.length);
            long params = 0;
            for (int l = 0; l < sizes.length; l++) {
                if (sizes[l] < 1 || sizes[l] > MAX_UNITS) throw err("layer size n_" + l + " must be 1.." + MAX_UNITS + ", found " + sizes[l]);
                if (l > 0) params += (long) sizes[l] * sizes[l - 1] + sizes[l];
            }
            int dataSize = b.getInt(), dataInputs = b.getInt(), dataOutputs = b.getInt();
            if (dataSize < 1 || dataInputs != sizes[0] || dataOutputs != sizes[sizes.length - 1]) {
                throw err("training set of " + dataSize + "×" + dataInputs + "→" + dataOutputs + " does not fit the network");
            }
            long fingerprint = b.getLong();
            int epoch = b.getInt();
            if (epoch < 0) throw err("negative epoch " + epoch);
            long updates = b.getLong();
            if (updates < 0) throw err("negative update count " + updates);
            long rng = b.getLong();
            int[] order = ints("pattern order");
            if (order.length != 0) {
                if (order.length != dataSize) throw err("pattern order has " + order.length + " entries for " + dataSize + " patterns");
                boolean[] seen = new boolean[dataSize];
                for (int p : order) {
                    if (p < 0 || p >= dataSize || seen[p]) throw err("pattern order is not a permutation of 0.." + (dataSize - 1));
                    seen[p] = true;
                }
            }
            float[] w = floats("weights");
            if (w.length != params) throw err(w.length + " weights for a network with " + params + " parameters");
            for (int i = 0; i < w.length; i++) if (!Float.isFinite(w[i])) throw err("weight " + i + " is not finite: " + w[i]);
            double[] opt = doubles("optimizer state");
            double lrFactor = b.getDouble();
            if (!(lrFactor > 0 && lrFactor <= 1)) throw err("learning-rate factor must be in (0, 1], found " + lrFactor);
            int restarts = b.getInt();
            if (restarts < 0) throw err("negative restart count " + restarts);
            int restartEpoch = b.getInt();
            if (restartEpoch < 0 || restartEpoch > epoch) throw err("restart epoch " + restartEpoch + " is not in 0.." + epoch);
            double restartError = b.getDouble();
            float[] restartW = floats("restart weights");
            if (restartW.length != 0 && restartW.length != params) throw err(restartW.length + " restart weights for " + params + " parameters");
            for (int i = 0; i < restartW.length; i++) if (!Float.isFinite(restartW[i])) throw err("restart weight " + i + " is not finite");
            double[] restartOpt = doubles("restart optimizer state");
            double[] monitor = doubles("early-stopping state");
            if (monitor.length != 0 && monitor.length != EarlyStopping.Monitor.STATE_SIZE) {
                throw err("early-stopping state has " + monitor.length + " values, expected " + EarlyStopping.Monitor.STATE_SIZE);
            }
            float[] best = floats("best weights");
            if (best.length != 0 && best.length != params) throw err(best.length + " best weights for " + params + " parameters");
            int n = count("history", 4 + 8 * 6);
            if (n != epoch) throw err("history has " + n + " epochs, the checkpoint is at epoch " + epoch);
            List<EpochStats> history = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                history.add(new EpochStats(b.getInt(), b.getDouble(), b.getDouble(), b.getDouble(), b.getDouble(),
                        b.getLong(), b.getDouble()));
            }
            if (b.hasRemaining()) throw err(b.remaining() + " unexpected bytes after the history");
            return new Checkpoint(run, sizes, dataSize, dataInputs, dataOutputs, fingerprint, epoch, updates, rng, order, w,
                    opt, lrFactor, restarts, restartEpoch, restartError, restartW, restartOpt, monitor, best, List.copyOf(history));
        }
    }
}
