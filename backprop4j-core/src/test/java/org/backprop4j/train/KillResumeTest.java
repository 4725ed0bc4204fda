package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void killedAtARandomMomentAndResumedGivesBitIdenticalWeights() throws Exception {
        float[] expected = KillResumeChild.train().params();

        Path ckpt = dir.resolve("run.ckpt"), out = dir.resolve("weights.bin");
        // a random moment: a random epoch, then a random 0-19 ms into the next one (inside the
        // training or the checkpoint write); the seed is printed so that a failure can be replayed
        long seed = System.nanoTime();
        Rng rng = new Rng(seed);
        int target = 1 + rng.nextInt(KillResumeChild.EPOCHS - 100);
        long delay = rng.nextInt(20);
        System.out.println("kill " + delay + " ms after checkpoint " + target + " (seed " + seed + ")");
        Process p = child("fresh", ckpt, out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int seen = 0, reads = 0;
        while (seen < target && p.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(ckpt)) {
                seen = Checkpoint.read(ckpt).epoch();   // while the child writes: never a partial file
                reads++;
            }
            Thread.sleep(2);
        }
        assertTrue(seen >= target, "the child did not reach checkpoint " + target + ": " + Files.readString(dir.resolve("fresh.log")));
        Thread.sleep(delay);
        p.destroyForcibly();                     // SIGKILL
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertFalse(Files.exists(out), "the child finished before it was killed: the test proves nothing");
        assertTrue(p.exitValue() != 0);
        System.out.println(reads + " checkpoints read while the child was writing them");

        // whatever moment the kill hit, the checkpoint on disk is complete and valid
        Checkpoint c = Checkpoint.read(ckpt);
        assertTrue(c.epoch() >= 1 && c.epoch() < KillResumeChild.EPOCHS, "epoch " + c.epoch());
        System.out.println("resuming from epoch " + c.epoch() + (Files.exists(dir.resolve(".run.ckpt.tmp")) ? " (a partial .tmp was left)" : ""));

        Process r = child("resume", ckpt, out);
        assertTrue(r.waitFor(60, TimeUnit.SECONDS), "resume run did not finish");
        assertEquals(0, r.exitValue(), Files.readString(dir.resolve("resume.log")));
        assertArrayEquals(expected, readWeights(out), 0f, "resumed from epoch " + c.epoch() + " (seed " + seed + ")");
    }
}
