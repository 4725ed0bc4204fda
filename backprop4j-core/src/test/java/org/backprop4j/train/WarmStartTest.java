package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 22.5, warm start: training a network again continues its update rule's state
 * ({@link Trainer#continueFrom}), so 50 epochs and 50 more are 100 epochs bit for bit, for every
 * rule (with schedule and clipping where they apply); other settings, or no state, start the rule
 * fresh (and say so); other data continue the state, and full-batch rules drop what they kept of
 * the old error function.
 */
class WarmStartTest {
    static final DataSet TRAIN = CheckpointTest.TRAIN, OTHER = CheckpointTest.VALID;

    /** CheckpointTest's configuration of each rule (schedule, clipping, decay where they apply) without early stopping. */
    static TrainingConfig config(String spec, int epochs) {
        return CheckpointTest.config(spec, epochs).earlyStopping(null).build();
    }

    static Trainer trainer(Network net, String spec, int epochs) {
        return new Trainer(net, CheckpointTest.lossOf(spec), config(spec, epochs));
    }

    @Test
    void fiftyAndFiftyMoreAreOneHundredBitForBitForEveryRule() {
        for (String spec : Optimizers.NAMES) {
            Network straight = CheckpointTest.net(3);
            Trainer t0 = trainer(straight, spec, 100);
            TrainingResult r0 = t0.fit(TRAIN);
            // 50 + 50; a second-order rule that converges sooner is split at half its run (so that both parts train)
            int k = Math.min(50, r0.epochs() / 2);
            assertTrue(k >= 5, spec + " stopped after " + r0.epochs() + " epochs: " + r0.stopReason());

            Network first = CheckpointTest.net(3);
            Trainer t1 = trainer(first, spec, k);
            t1.fit(TRAIN);
            assertNull(t1.warmStartNotice(), spec);
            TrainingState half = t1.trainingState();
            assertEquals(k, half.epochs(), spec);

            Network second = first.copy();
            Trainer t2 = trainer(second, spec, 100 - k);
            TrainingResult r2 = t2.continueFrom(half, TRAIN, null);
            String rule = t2.makeOptimizer().describe();   // as made (a schedule changes the rate it describes)
            assertEquals("warm start: continuing " + rule + "'s state from epoch " + k, t2.warmStartNotice(), spec);
            // every weight, exactly; and the rule ends in the same state as the uninterrupted run's
            assertArrayEquals(straight.params(), second.params(), 0f, spec);
            assertEquals(t0.trainingState(), t2.trainingState(), spec);
            assertEquals(r0.stopReason().replace("max epochs (100)", "max epochs (" + (100 - k) + " more, 100 in all)"), r2.stopReason(), spec);
            // the continued epochs are numbered on and have the straight run's errors
            assertEquals(r0.epochs() - k, r2.epochs(), spec);
            for (int i = 0; i < r2.epochs(); i++) {
                EpochStats a = r0.history().get(k + i), b = r2.history().get(i);
                assertEquals(a.epoch(), b.epoch(), spec);
                assertEquals(a.loss(), b.loss(), 0, spec);
                assertEquals(a.updates(), b.updates(), spec);
            }
        }
    }

    /** A fresh run from the same weights (what a warm start without a usable state must equal). */
    static float[] freshFrom(Network start, String spec, DataSet data) {
        Network n = start.copy();
        trainer(n, spec, 50).fit(data);
        return n.params();
    }

    @Test
    void otherRuleSettingsStartTheRuleFreshAndSaySo() {
        Network net = CheckpointTest.net(3);
        Trainer t1 = trainer(net, "adam", 50);
        t1.fit(TRAIN);
        TrainingState adam = t1.trainingState();

        Network start = net.copy(), cont = net.copy();
        Trainer t2 = trainer(cont, "momentum", 50);
        t2.continueFrom(adam, TRAIN, null);
        String momentum = t2.makeOptimizer().describe();
        assertEquals("warm start: the model's update-rule state does not fit this run (its settings differ: optimizer="
                + "adam(lr=0.001,beta1=0.9,beta2=0.999,eps=1.0E-8)+clip(20.0)+inv(0.05) in the model, optimizer="
                + "sgd(lr=0.1,momentum=0.9)+clip(20.0)+inv(0.05) in this run): " + momentum + " starts fresh from the model's weights",
                t2.warmStartNotice());
        assertArrayEquals(freshFrom(start, "momentum", TRAIN), cont.params(), 0f);
        assertEquals(50, t2.trainingState().epochs(), "a fresh rule counts its own epochs");

        // another batch size is another rule setting too
        Network b = net.copy();
        Trainer t3 = new Trainer(b, Loss.BINARY_CROSS_ENTROPY, CheckpointTest.config("adam", 50).earlyStopping(null).miniBatch(8).build());
        t3.continueFrom(adam, TRAIN, null);
        assertEquals("warm start: the model's update-rule state does not fit this run (its settings differ: batch=16 in the model, "
                + "batch=8 in this run): " + t3.makeOptimizer().describe() + " starts fresh from the model's weights", t3.warmStartNotice());
    }

    @Test
    void noStateStartsTheRuleFreshAndSaysSo() {
        Network net = CheckpointTest.net(3), start = net.copy();
        Trainer t = trainer(net, "irprop-", 50);
        t.continueFrom(null, TRAIN, null);
        assertEquals("warm start: the model holds no update-rule state (saved without it): " + t.makeOptimizer().describe()
                + " starts fresh from the model's weights", t.warmStartNotice());
        assertArrayEquals(freshFrom(start, "irprop-", TRAIN), net.params(), 0f);
    }

    @Test
    void otherDataContinueTheStateAndFullBatchRulesForgetTheOldErrorFunction() {
        // Adam on new data (partial_fit): its moments and step count go on
        Network net = CheckpointTest.net(3);
        Trainer t1 = trainer(net, "adam", 50);
        t1.fit(TRAIN);
        TrainingState s1 = t1.trainingState();
        Network start = net.copy();
        Trainer t2 = trainer(net, "adam", 50);
        t2.continueFrom(s1, OTHER, null);
        assertEquals("warm start: continuing " + t2.makeOptimizer().describe() + "'s state from epoch 50 on other data (80 patterns)",
                t2.warmStartNotice());
        TrainingState s2 = t2.trainingState();
        // the data each state was made on: taken when asked after fit, during a warm start's run
        assertEquals(Checkpoint.fingerprint(TRAIN), s1.dataFingerprint());
        assertEquals(TRAIN.size(), s1.dataSize());
        assertEquals(Checkpoint.fingerprint(OTHER), s2.dataFingerprint());
        assertEquals(OTHER.size(), s2.dataSize());
        assertSame(s1, t1.trainingState(), "asked twice, one state");
        assertEquals(100, s2.epochs());
        long more = s2.updates() - s1.updates();
        assertEquals(50 * 5, more, "80 patterns in batches of 16: 5 updates an epoch");
        // Adam's state is [#scalars, #arrays, n, t, m..., v...] (OptimizerState): t counts every update of both runs
        assertEquals(s2.updates(), (long) s2.optimizerState()[3]);
        assertFalse(Arrays.equals(freshFrom(start, "adam", OTHER), net.params()), "the moments carried over change the steps");

        // L-BFGS: its memory is of the old data's error function; it restarts, as a fresh run from these weights
        Network l = CheckpointTest.net(3);
        Trainer l1 = trainer(l, "lbfgs", 20);
        l1.fit(TRAIN);
        Network lstart = l.copy();
        Trainer l2 = trainer(l, "lbfgs", 50);
        l2.continueFrom(l1.trainingState(), OTHER, null);
        assertEquals("warm start: continuing " + l2.makeOptimizer().describe() + "'s state from epoch 20 on other data (80 patterns); "
                + "L-BFGS's memory (gradients of the old data's error) starts afresh", l2.warmStartNotice());
        assertArrayEquals(freshFrom(lstart, "lbfgs", OTHER), l.params(), 0f);
    }

    @Test
    void aWarmStartWritesNoCheckpoints(@org.junit.jupiter.api.io.TempDir Path dir) {
        Trainer t = trainer(CheckpointTest.net(3), "adam", 5).checkpointEvery(1, dir.resolve("c.ckpt"));
        var e = assertThrows(IllegalStateException.class, () -> t.continueFrom(null, TRAIN, null));
        assertEquals("a warm start cannot write checkpoints (a checkpoint resumes a run from its start): drop the checkpoint interval",
                e.getMessage());
    }

    @Test
    void aDivergedRunLeavesNoState() {
        // DivergenceTest's blow-up: η = 1 with momentum on the summed error of unscaled inputs
        Trainer t = new Trainer(DivergenceTest.net(), Loss.SSE, DivergenceTest.config(1.0, 50));
        TrainingResult r = t.fit(DivergenceTest.regression());
        assertTrue(r.diverged(), r.stopReason());
        assertNull(t.trainingState(), "a diverged rule's state is not worth continuing");
    }
}
