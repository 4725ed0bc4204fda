package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints: a run interrupted after any epoch and resumed from its checkpoint ends with exactly
 * the weights (and history) of a run that was never interrupted, for every update rule; damaged
 * files are refused with a DataFormatException. (The same with a real SIGKILL of a child JVM:
 * {@link KillResumeTest}.)
 */
class CheckpointTest {
    @TempDir
    Path dir;

    static final DataSet TRAIN = BuiltinData.monkSample(1, 124, 7);
    static final DataSet VALID = BuiltinData.monkSample(1, 80, 8);

    static Network net(long seed) {
        return Network.builder(17).layer(5, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), seed);
    }

    /** A configuration exercising the rule, with a schedule/clipping/early stopping where they apply. */
    static TrainingConfig.Builder config(String spec, int epochs) {
        boolean fb = Optimizers.isFullBatch(spec);
        TrainingConfig.Builder b = TrainingConfig.builder().epochs(epochs).optimizer(spec).seed(11).lambda(spec.equals("br") ? 0 : 1e-4);   // br chooses its own λ
        if (fb || spec.contains("rprop")) b.fullBatch();
        else if (spec.startsWith("nesterov")) b.online();
        else b.miniBatch(16);
        if (!fb) b.clipNorm(20);
        if (!fb && !Double.isNaN(Optimizers.create(spec).learningRate())) b.schedule(Schedule.inverseTime(0.05));
        // patience large enough not to stop within the run, so the monitor state and best weights matter
        b.earlyStopping(new EarlyStopping(50, 0, true, 0));
        return b;
    }

    static Loss lossOf(String spec) {
        return spec.equals("lm") || spec.equals("br") ? Loss.SSE : Loss.BINARY_CROSS_ENTROPY;
    }

    /**
     * The fingerprint is the CRC-32 of the documented bytes (size, inputs, outputs, then every input
     * and every target as big-endian float bits), written here one value at a time: the bulk copy
     * must give the same value, across its buffer's boundary (40,000 inputs) and for any bits.
     */
    @Test
    void fingerprintIsTheCrcOfEveryValueInOrder() {
        int rows = 1000, in = 40, out = 3;
        java.util.Random r = new java.util.Random(5);
        float[] x = new float[rows * in], d = new float[rows * out];
        for (int i = 0; i < x.length; i++) x[i] = Float.intBitsToFloat(r.nextInt(0x7f000000)) * (r.nextBoolean() ? 1 : -1);
        for (int i = 0; i < d.length; i++) d[i] = r.nextFloat();
        DataSet ds = new DataSet(x, d, in, out);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * (x.length + d.length));
        b.putInt(rows).putInt(in).putInt(out);
        for (float v : x) b.putInt(Float.floatToRawIntBits(v));
        for (float v : d) b.putInt(Float.floatToRawIntBits(v));
        crc.update(b.array());
        assertEquals(crc.getValue(), Checkpoint.fingerprint(ds));
        x[x.length - 1] = Math.nextUp(x[x.length - 1]);   // the last input's last bit counts
        assertTrue(crc.getValue() != Checkpoint.fingerprint(ds));
    }

    @Test
    void resumedRunIsBitIdenticalForEveryOptimizer() throws IOException {
        int epochs = 12, stopAt = 5;
        for (String spec : Optimizers.NAMES) {
            Network straight = net(3);
            TrainingResult r0 = new Trainer(straight, lossOf(spec), config(spec, epochs).build()).fit(TRAIN, VALID);

            Path file = dir.resolve(spec.replace('+', 'p').replace('-', 'm') + ".ckpt");
            Network first = net(3);
            Trainer t1 = new Trainer(first, lossOf(spec), config(spec, epochs).build()).checkpointEvery(100, file);
            t1.addListener((s, t) -> { if (s.epoch() == stopAt) t.stop("interrupted"); });
            TrainingResult r1 = t1.fit(TRAIN, VALID);
            assertEquals(stopAt, r1.epochs(), spec);
            assertTrue(Files.exists(file), spec + ": stop() writes a checkpoint even off the interval");

            Network resumed = net(99);   // other initial weights: everything must come from the file
            TrainingResult r2 = new Trainer(resumed, lossOf(spec), config(spec, epochs).build()).resume(file, TRAIN, VALID);
            assertArrayEquals(straight.params(), resumed.params(), 0f, spec);
            assertEquals(r0.epochs(), r2.epochs(), spec);
            assertEquals(r0.bestEpoch(), r2.bestEpoch(), spec);
            for (int i = 0; i < r0.epochs(); i++) {
                EpochStats a = r0.history().get(i), b = r2.history().get(i);
                assertEquals(a.loss(), b.loss(), 0, spec + " epoch " + (i + 1));
                assertEquals(a.validationLoss(), b.validationLoss(), 0, spec + " epoch " + (i + 1));
                assertEquals(a.updates(), b.updates(), spec + " epoch " + (i + 1));
            }
        }
    }

    @Test
    void periodicCheckpointsAndALongerResumedRun() throws IOException {
        Path file = dir.resolve("run.ckpt");
        // 7 epochs with a checkpoint every 3: the file holds epoch 6 (the final epoch writes none)
        new Trainer(net(4), Loss.BINARY_CROSS_ENTROPY, config("adam", 7).build()).checkpointEvery(3, file).fit(TRAIN, VALID);
        Checkpoint c = Checkpoint.read(file);
        assertEquals(6, c.epoch());
        assertEquals(6, c.history().size());
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of(file), files.toList(), "the temporary file is renamed, not left behind");
        }
        // resuming with more epochs (allowed: the epoch count is not part of the run's identity)
        Network straight = net(4);
        new Trainer(straight, Loss.BINARY_CROSS_ENTROPY, config("adam", 15).build()).fit(TRAIN, VALID);
        Network resumed = net(5);
        TrainingResult r = new Trainer(resumed, Loss.BINARY_CROSS_ENTROPY, config("adam", 15).build()).resume(file, TRAIN, VALID);
        assertEquals(15, r.epochs());
        assertArrayEquals(straight.params(), resumed.params(), 0f);
    }

    @Test
    void resumeRefusesAnotherRun() throws IOException {
        Path file = dir.resolve("a.ckpt");
        new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, config("sgd", 4).build()).checkpointEvery(2, file).fit(TRAIN, VALID);
        var e1 = assertThrows(IllegalArgumentException.class, () ->
                new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, config("sgd:lr=0.3", 4).build()).resume(file, TRAIN, VALID));
        assertTrue(e1.getMessage().startsWith("cannot resume from a.ckpt: its settings differ: optimizer=sgd(")
                && e1.getMessage().contains(" in the checkpoint, optimizer=sgd(lr=0.3"), e1.getMessage());
        assertFalse(e1.getMessage().contains("net="), "only what differs: " + e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () ->
                new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, config("sgd", 4).build()).resume(file, VALID, VALID));
        assertTrue(e2.getMessage().contains("other data"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () ->
                new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, config("sgd", 4).build()).resume(file, TRAIN, TRAIN));
        assertTrue(e3.getMessage().contains("its settings differ: validation="), "another validation set: " + e3.getMessage());
        // settings decided outside the trainer (the CLI's --init) are recorded and compared too
        Path init = dir.resolve("init.ckpt");
        Trainer first = new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, config("sgd", 4).build()).runSettings("init=xavier");
        first.checkpointEvery(2, init).fit(TRAIN, VALID);
        assertEquals(2, first.lastCheckpointEpoch());
        var e4 = assertThrows(IllegalArgumentException.class, () -> new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY,
                config("sgd", 4).build()).runSettings("init=uniform(0.3)").resume(init, TRAIN, VALID));
        assertEquals("cannot resume from init.ckpt: its settings differ: init=xavier in the checkpoint, init=uniform(0.3) in this run", e4.getMessage());
        Trainer same = new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, config("sgd", 4).build()).runSettings("init=xavier");
        same.resume(init, TRAIN, VALID);
        assertEquals(2, same.lastCheckpointEpoch(), "resumed from epoch 2; the last epoch writes none");
    }

    @Test
    void anOptimizerStateOfTheWrongSizeIsRefusedBeforeTraining() throws IOException {
        Path file = dir.resolve("adam.ckpt");
        new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, config("adam", 4).build()).checkpointEvery(2, file).fit(TRAIN, VALID);
        Checkpoint c = Checkpoint.read(file);
        // Adam's state with per-weight arrays of 5 entries instead of one per weight (a CRC-valid file)
        double[] small = OptimizerState.pack(new double[] {2}, new float[5], new float[5]);
        Checkpoint bad = new Checkpoint(c.run(), c.sizes(), c.dataSize(), c.dataInputs(), c.dataOutputs(), c.dataFingerprint(),
                c.epoch(), c.updates(), c.rngState(), c.order(), c.weights(), small, c.lrFactor(), c.restarts(), c.restartEpoch(),
                c.restartError(), c.restartWeights(), c.restartOptimizerState(), c.monitorState(), c.bestWeights(), c.history());
        var e = assertThrows(IllegalArgumentException.class, () ->
                new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, config("adam", 4).build()).resume(bad, TRAIN, VALID));
        // Adam's packed state: 3 header values, t, then m and v with one value per weight
        int expected = 3 + 1 + 2 * net(1).paramCount();
        assertTrue(e.getMessage().contains("its optimizer state holds 14 values, not the " + expected + " of this network"), e.getMessage());
    }

    /** A valid checkpoint file's bytes. */
    private byte[] validBytes() throws IOException {
        Path file = dir.resolve("v.ckpt");
        new Trainer(net(2), Loss.BINARY_CROSS_ENTROPY, config("sgd:momentum=0.9", 3).build()).checkpointEvery(2, file).fit(TRAIN, VALID);
        return Files.readAllBytes(file);
    }

    private DataFormatException refused(byte[] bytes) throws IOException {
        Path f = dir.resolve("bad.ckpt");
        Files.write(f, bytes);
        return assertThrows(DataFormatException.class, () -> Checkpoint.read(f));
    }

    @Test
    void everyTruncationIsRefusedWithAClearMessage() throws IOException {
        byte[] ok = validBytes();
        Checkpoint.parse(ok, "v.ckpt");   // the intact file reads
        for (int len = 0; len < ok.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(ok, len);
            // through a file for a sample of lengths, in memory for the rest (the same parser)
            DataFormatException e = len % 97 == 0 ? refused(cut)
                    : assertThrows(DataFormatException.class, () -> Checkpoint.parse(cut, "bad.ckpt"));
            assertTrue(e.getMessage().startsWith("bad.ckpt: "), e.getMessage());
            if (len >= 8) assertTrue(e.getMessage().contains("truncated"), len + ": " + e.getMessage());
        }
    }

    @Test
    void everyFlippedByteIsRefused() throws IOException {
        byte[] ok = validBytes();
        for (int i = 0; i < ok.length; i++) {
            byte[] bad = ok.clone();
            bad[i] ^= 0x10;
            String m = (i % 97 == 0 ? refused(bad) : assertThrows(DataFormatException.class, () -> Checkpoint.parse(bad, "bad.ckpt"))).getMessage();
            assertTrue(m.contains("magic") || m.contains("version") || m.contains("newer") || m.contains("payload bytes") || m.contains("CRC-32"), i + ": " + m);
        }
    }

    @Test
    void newerVersionAndHostileSizes() throws IOException {
        byte[] ok = validBytes();
        byte[] newer = ok.clone();
        ByteBuffer.wrap(newer).putInt(8, 7);
        assertTrue(refused(newer).getMessage().contains("newer backprop4j (checkpoint format 7"));
        // a payload claiming 2^31−1 weights, with a correct CRC: refused before allocating
        byte[] hostile = withPayload(ok, p -> {
            int runLen = p.getInt(0);
            int sizesAt = 4 + runLen;
            int nSizes = p.getInt(sizesAt);
            int wAt = sizesAt + 4 + 4 * nSizes + 12 + 8 + 4 + 8 + 8;
            int orderLen = p.getInt(wAt);
            p.putInt(wAt + 4 + 4 * orderLen, Integer.MAX_VALUE);
        });
        String m = refused(hostile).getMessage();
        assertTrue(m.contains("weights: length 2147483647 does not fit"), m);
    }

    @Test
    void aStaleTemporaryFileFromAKilledWriteIsHarmless() throws IOException {
        Path file = dir.resolve("k.ckpt");
        // what a kill in the middle of a write leaves: a partial .NAME.tmp next to the last good file
        new Trainer(net(2), Loss.BINARY_CROSS_ENTROPY, config("sgd", 3).build()).checkpointEvery(2, file).fit(TRAIN, VALID);
        byte[] good = Files.readAllBytes(file);
        // (.NAME.PID-RANDOM.tmp of a process that no longer exists; .NAME.tmp of earlier versions)
        Process gone = new ProcessBuilder("true").start();
        try {
            gone.waitFor();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Path stale = dir.resolve(".k.ckpt." + gone.pid() + "-0123456789abcdef.tmp");
        Files.write(stale, java.util.Arrays.copyOf(good, good.length / 2));
        Files.write(dir.resolve(".k.ckpt.tmp"), java.util.Arrays.copyOf(good, good.length / 3));
        // a live writer's temporary file (this process's) is not touched
        Path live = dir.resolve(".k.ckpt." + ProcessHandle.current().pid() + "-fedcba9876543210.tmp");
        Files.write(live, new byte[] {1});
        assertEquals(2, Checkpoint.read(file).epoch());
        // and the next write removes the stale ones
        new Trainer(net(2), Loss.BINARY_CROSS_ENTROPY, config("sgd", 5).build()).checkpointEvery(4, file).fit(TRAIN, VALID);
        assertEquals(4, Checkpoint.read(file).epoch());
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(dir.resolve(".k.ckpt.tmp")));
        assertTrue(Files.exists(live), "another live writer's temporary file is left alone");
    }

    /** The file with its payload edited and the CRC recomputed. */
    private static byte[] withPayload(byte[] file, java.util.function.Consumer<ByteBuffer> edit) {
        byte[] b = file.clone();
        int len = (int) ByteBuffer.wrap(b).getLong(12);
        ByteBuffer payload = ByteBuffer.wrap(b, 20, len).slice();
        edit.accept(payload);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 20, len);
        ByteBuffer.wrap(b).putInt(20 + len, (int) crc.getValue());
        return b;
    }

    @Test
    void aRoundTripKeepsEveryField() throws IOException {
        Checkpoint c = new Checkpoint("run", new int[] {2, 3, 1}, 4, 2, 1, 0xABCDEFL, 1, 4, -5L, new int[] {3, 1, 0, 2},
                new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -0f, Float.MIN_VALUE}, new double[] {3, 0, 0, Math.PI},
                0.25, 2, 1, 0.75, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, new double[] {1, 2},
                new double[] {0.5, 0.4, 1, 0, Double.NaN}, new float[0],
                List.of(new EpochStats(1, 0.5, Double.NaN, 0.25, 1, 4, 3.5)));
        Path f = dir.resolve("rt.ckpt");
        c.write(f);
        Checkpoint r = Checkpoint.read(f);
        assertEquals(c.run(), r.run());
        assertArrayEquals(c.sizes(), r.sizes());
        assertArrayEquals(c.order(), r.order());
        assertArrayEquals(c.weights(), r.weights(), 0f);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(r.weights()[11]));
        assertArrayEquals(c.optimizerState(), r.optimizerState(), 0);
        assertArrayEquals(c.monitorState(), r.monitorState(), 0);
        assertArrayEquals(c.restartWeights(), r.restartWeights(), 0f);
        assertArrayEquals(c.restartOptimizerState(), r.restartOptimizerState(), 0);
        assertEquals(List.of(c.restartEpoch(), c.restartError()), List.of(r.restartEpoch(), r.restartError()));
        assertEquals(c.history(), r.history());
        assertEquals(List.of(c.dataFingerprint(), c.rngState(), c.updates(), (long) c.restarts()),
                List.of(r.dataFingerprint(), r.rngState(), r.updates(), (long) r.restarts()));
        assertEquals(0.25, r.lrFactor());
    }
}
