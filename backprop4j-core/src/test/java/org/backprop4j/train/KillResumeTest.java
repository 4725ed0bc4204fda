package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run killed with SIGKILL at a random moment and resumed from its last checkpoint ends
 * with weights bit-identical to a run that was never interrupted; and the checkpoint on disk, read
 * over and over while the child writes it, is always complete and valid. The run is a child JVM
 * ({@link KillResumeChild}: MONK-2, 600 online epochs with momentum, a schedule and early-stopping
 * bookkeeping, a checkpoint after every epoch); the reference run is in this JVM, with the same
 * kernels (same JVM flags and system properties).
 */
class KillResumeTest {
    @TempDir
    Path dir;

    private Process child(String mode, Path ckpt, Path out) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("backprop4j.")) cmd.add("-D" + k + "=" + System.getProperty(k));   // same kernel choice
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KillResumeChild.class.getName());
        cmd.add(mode);
        cmd.add(ckpt.toString());
        cmd.add(out.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(mode + ".log").toFile()).start();
    }

    private static float[] readWeights(Path out) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out));
        float[] w = new float[b.remaining() / 4];
        for (int i = 0; i < w.length; i++) w[i] = Float.intBitsToFloat(b.getInt());
        return w;
    }

    /**
     * Generous limits: they only stop a child that hangs; on a slow, loaded machine the child may
     * take minutes (600 epochs with an fsync each), and a tight limit would make the test flaky.
     */
    static final long CHILD_SECONDS = 600;

    /** Attempts at killing the child before it finishes (the parent may be descheduled for long). */
    static final int ATTEMPTS = 3;

    @Test
    void killedAtARandomMomentAndResumedGivesBitIdenticalWeights() throws Exception {
        // the uninterrupted reference run, in this JVM, while the child trains (two cores)
        CompletableFuture<float[]> expected = CompletableFuture.supplyAsync(() -> KillResumeChild.train().params());

        Path ckpt = dir.resolve("run.ckpt"), out = dir.resolve("weights.bin");
        // a random moment: a random epoch, then a random 0-19 ms into the next one (inside the
        // training or the checkpoint write); the seed is printed so that a failure can be replayed
        long seed = System.nanoTime();
        Rng rng = new Rng(seed);
        Checkpoint c = null;
        for (int attempt = 1; attempt <= ATTEMPTS && c == null; attempt++) {
            Files.deleteIfExists(ckpt);
            Files.deleteIfExists(out);
            int target = 1 + rng.nextInt(KillResumeChild.EPOCHS - 100);
            long delay = rng.nextInt(20);
            System.out.println("attempt " + attempt + ": kill " + delay + " ms after checkpoint " + target + " (seed " + seed + ")");
            Process p = child("fresh", ckpt, out);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_SECONDS);
            int seen = 0, reads = 0;
            try {
                while (seen < target && p.isAlive() && System.nanoTime() < deadline) {
                    if (Files.exists(ckpt)) {
                        seen = Checkpoint.read(ckpt).epoch();   // while the child writes: never a partial file
                        reads++;
                    }
                    Thread.sleep(2);
                }
                assertTrue(seen >= target || !p.isAlive() && Files.exists(out),
                        "the child did not reach checkpoint " + target + ": " + Files.readString(dir.resolve("fresh.log")));
                Thread.sleep(delay);
            } finally {
                p.destroyForcibly();                     // SIGKILL
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            }
            System.out.println(reads + " checkpoints read while the child was writing them");
            if (Files.exists(out)) {
                // the child finished before the kill (this process was descheduled for the last
                // 100 epochs): nothing was proven, try again with another moment
                System.out.println("the child finished before it was killed; trying again");
                continue;
            }
            assertTrue(p.exitValue() != 0);
            // whatever moment the kill hit, the checkpoint on disk is complete and valid
            c = Checkpoint.read(ckpt);
        }
        assertTrue(c != null, "the child finished before it was killed in all " + ATTEMPTS + " attempts");
        assertTrue(c.epoch() >= 1 && c.epoch() < KillResumeChild.EPOCHS, "epoch " + c.epoch());
        System.out.println("resuming from epoch " + c.epoch() + (Files.exists(dir.resolve(".run.ckpt.tmp")) ? " (a partial .tmp was left)" : ""));

        Process r = child("resume", ckpt, out);
        try {
            assertTrue(r.waitFor(CHILD_SECONDS, TimeUnit.SECONDS), "resume run did not finish");
        } finally {
            r.destroyForcibly();
        }
        assertEquals(0, r.exitValue(), Files.readString(dir.resolve("resume.log")));
        assertArrayEquals(expected.get(), readWeights(out), 0f, "resumed from epoch " + c.epoch() + " (seed " + seed + ")");
    }
}
