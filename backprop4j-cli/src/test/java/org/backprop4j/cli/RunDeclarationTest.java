package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.IdxReader;
import org.backprop4j.train.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} declares an IDX run's size from the images file's header, before the body is read
 * (issue 18: the element-wise loops' warm-up then runs beside the reading): the value must be the
 * one the declaration after reading gives, so that the kernels chosen do not change.
 */
class RunDeclarationTest {
    @TempDir
    Path dir;

    @Test
    void theHeaderDeclaresWhatTheDataRead() throws Exception {
        Path im = dir.resolve("im.gz"), lb = dir.resolve("lb.gz");
        CacheTrainingCommand.writeIdx(im, lb, 300, 8, 4, 1);
        DataSet raw = IdxReader.read(im, lb);
        for (Settings s : new Settings[] {Settings.builder().build(), Settings.builder().hidden(256, 128).epochs(3).build(),
                Settings.builder().hidden(7).epochs(11).optimizer("sgd:lr=0.05,momentum=0.9").build()}) {
            Settings resolved = s.resolve(raw);
            double after = TrainCommand.expectedFlops(resolved, raw.inputs(), raw.outputs(), raw.size());
            assertEquals(6.0 * resolved.network(raw).paramCount() * raw.size() * resolved.epochs(), after, s.toString());
            assertEquals(after, TrainCommand.headerFlops(s, im), s.toString());
        }
    }

    @Test
    void theRunDeclaresItsNetworksActivationsForTheWarmUp() {
        Settings s = Settings.builder().hidden(8, 4).activations(java.util.List.of(org.backprop4j.Activation.TANH, org.backprop4j.Activation.RELU))
                .build().resolve(true);
        assertEquals(java.util.List.of(org.backprop4j.Activation.TANH, org.backprop4j.Activation.RELU, org.backprop4j.Activation.SOFTMAX),
                TrainCommand.activations(s));
        Settings w1 = Settings.builder().hidden(256, 128).activation(org.backprop4j.Activation.RELU).build().resolve(true);
        assertEquals(java.util.List.of(org.backprop4j.Activation.RELU, org.backprop4j.Activation.RELU, org.backprop4j.Activation.SOFTMAX),
                TrainCommand.activations(w1));
    }

    @Test
    void aRunDeclaredFromTheHeaderIsPrimedWhereTheLibrarysRuleSaysSo() throws Exception {
        Path im = dir.resolve("im.gz"), lb = dir.resolve("lb.gz");
        CacheTrainingCommand.writeIdx(im, lb, 300, 8, 4, 1);
        Settings miniBatch = Settings.builder().hidden(16).optimizer("sgd:lr=0.05,momentum=0.9").batch(64).build();
        assertNull(TrainCommand.primer(miniBatch, im, org.backprop4j.train.Trainer.PRIME_MIN_FLOPS / 2), "a short run");
        assertNull(TrainCommand.primer(Settings.builder().hidden(16).optimizer("irprop-").build(), im, 1e12), "full batch");
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the rule primes only with a core to spare");
        try (org.backprop4j.train.Trainer.Primer p = TrainCommand.primer(miniBatch, im, 1e12)) {
            assertNotNull(p, "a long mini-batch run");
        }
    }

    @Test
    void aHeaderThatCannotBeReadDeclaresNothing() throws Exception {
        Path csv = Files.writeString(dir.resolve("d.csv"), "a,b,y\n1,2,yes\n");
        assertTrue(Double.isNaN(TrainCommand.headerFlops(Settings.builder().build(), csv)));
        assertTrue(Double.isNaN(TrainCommand.headerFlops(Settings.builder().build(), dir.resolve("missing.gz"))));
    }
}
