package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.backprop4j.kernel.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher's start-up cache is made by cache-training's runs: its W1 step must be declared as long a
 * run as W1 itself (above KernelProvider.SCALAR_LOOPS_FLOPS), so that the element-wise loops' warm-up and
 * vector form run in it and the cache holds their classes and profiles, and must read a test set and
 * print JSON lines as the user's W1 command (scripts/bench-compare) does.
 */
class CacheTrainingStepsTest {
    @TempDir
    Path dir;

    @Test
    void theW1StepIsDeclaredAsLongARunAsW1() throws Exception {
        Path im = dir.resolve("im.gz"), lb = dir.resolve("lb.gz"), tim = dir.resolve("tim.gz"), tlb = dir.resolve("tlb.gz");
        CacheTrainingCommand.writeIdx(im, lb, CacheTrainingCommand.IMAGES, 28, 10, 1);
        String[] step = CacheTrainingCommand.w1(im, lb, tim, tlb, dir.resolve("m.json").toString());
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs(List.of(step).subList(1, step.length).toArray(String[]::new));
        double flops = TrainCommand.headerFlops(train.modelOptions.settings(train.validation), im);
        assertTrue(flops >= KernelProvider.SCALAR_LOOPS_FLOPS, "declared " + flops);
        assertTrue(train.test != null && train.testLabels != null && train.json, "the user's W1 command: a test set, JSON lines");
    }
}
