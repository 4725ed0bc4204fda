package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.DataCache;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.data.MappedExamples;
import org.backprop4j.data.MissingValues;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.model.ModelTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 5: training from a memory-mapped cache ({@link MappedExamples}) gives the same
 * bits as training on the same data on the heap, for every way an epoch presents the patterns
 * (shuffled mini-batches, the fused SGD step, online SGD, batches in order, a full batch larger
 * than one engine chunk) and with what the model trainer adds (validation split, standardisation
 * fitted in streaming passes and applied per batch, missing values imputed, early stopping):
 * every weight, every epoch's losses, the fitted preprocessing.
 */
class MappedTrainingTest {
    @TempDir
    Path dir;

    /** 6 numbers (one with missing values), a categorical input; the target a class or a number. */
    Path csv(String name, int rows, boolean classes) throws IOException {
        StringBuilder sb = new StringBuilder("a,b,c,d,e,f,colour,y\n");
        String[] colours = {"red", "green", "blue", "cyan"};
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        for (int i = 0; i < rows; i++) {
            double y = 0;
            for (int j = 0; j < 6; j++) {
                double v = Math.round(r.nextGaussian() * 1000) / 100.0 + j;
                y += (j % 2 == 0 ? 1 : -0.5) * v;
                sb.append(j == 2 && i % 17 == 3 ? "?" : Double.toString(v)).append(',');
            }
            int c = r.nextInt(4);
            sb.append(colours[c]).append(',');
            y += c;
            sb.append(classes ? (y > 8 ? "hi" : y > 3 ? "mid" : "lo") : String.format(java.util.Locale.ROOT, "%.3f", y)).append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb);
        return p;
    }

    static ReadOptions options() {
        return ReadOptions.defaults().missing(MissingValues.KEEP);
    }

    DataSet heap(Path csv) throws IOException {
        return CsvReader.read(csv, options());
    }

    MappedExamples mapped(Path csv) throws IOException {
        return assertInstanceOf(MappedExamples.class,
                DataCache.read(csv, options(), DataCache.Options.auto().mode(DataCache.Mode.ALWAYS).directory(dir.resolve("cache"))));
    }

    /** The model trainer as the command line uses it (training part preprocessed in place when on the heap). */
    static ModelTrainer.Fit fit(Settings s, Examples raw) throws IOException {
        return new ModelTrainer(s).consumeTrainingData(true).fit(raw, null);
    }

    static void assertSameRun(ModelTrainer.Fit heap, ModelTrainer.Fit mapped) {
        float[] a = heap.model().network().params(), b = mapped.model().network().params();
        assertEquals(a.length, b.length);
        assertArrayEquals(a, b, "every weight, bit for bit");   // floatToIntBits equality: no tolerance
        assertEquals(heap.model().pipeline(), mapped.model().pipeline());
        assertEquals(figures(heap.result()), figures(mapped.result()), "every epoch's losses and accuracies");
        assertEquals(heap.result().stopReason(), mapped.result().stopReason());
        assertEquals(heap.train(), mapped.train());
        assertEquals(heap.validation(), mapped.validation());
        assertEquals(heap.trainPart().size(), mapped.trainPart().size());
    }

    @Test
    void shuffledMiniBatchesWithValidationAndStandardisation() throws Exception {
        Path data = csv("cls.csv", 3000, true);
        Settings s = Settings.builder().hidden(7).epochs(4).validation(0.2).seed(5).build();   // adam, batch 32, shuffled
        ModelTrainer.Fit h = fit(s, heap(data)), m = fit(s, mapped(data));
        assertSameRun(h, m);
        assertInstanceOf(MappedExamples.class, m.trainPart());
        assertEquals(4, m.result().epochs());
        assertTrue(m.validation().accuracy() > 0.5, "it learned something: " + m.validation());
    }

    @Test
    void fusedSgdWithMomentumOnARegressionTargetWithEarlyStopping() throws Exception {
        Path data = csv("reg.csv", 2500, false);
        Settings s = Settings.builder().hidden(5).epochs(30).batch(16).optimizer("sgd:lr=0.01,momentum=0.9").validation(0.3)
                .earlyStopping("patience:2").seed(3).build();
        ModelTrainer.Fit h = fit(s, heap(data)), m = fit(s, mapped(data));
        assertSameRun(h, m);
        assertTrue(m.model().pipeline().targetScale()[0] != 1, "the regression target was standardised");
    }

    @Test
    void onlineSgdAsBatchesOfOne() throws Exception {
        Path data = csv("online.csv", 1500, true);
        Settings s = Settings.builder().hidden(4).epochs(2).batch(1).optimizer("sgd:lr=0.005").seed(9).build();
        assertSameRun(fit(s, heap(data)), fit(s, mapped(data)));
    }

    @Test
    void aFullBatchLargerThanAnEngineChunkIsStreamed() throws Exception {
        // 5,000 patterns: more than 2 chunks of org.backprop4j.Backprop.CHUNK, so the grouped gradient runs
        Path data = csv("full.csv", 5000, true);
        Settings s = Settings.builder().hidden(6).epochs(5).optimizer("rprop").seed(2).build();   // rprop: full batch by default
        ModelTrainer.Fit h = fit(s, heap(data)), m = fit(s, mapped(data));
        assertEquals(0, m.settings().batch(), "full batch");
        assertSameRun(h, m);
    }

    @Test
    void batchesInOrderAndEveryEpochEvaluatedThroughTheTrainer() throws Exception {
        Path data = csv("order.csv", 1200, true);
        DataSet raw = heap(data);
        MappedExamples map = mapped(data);
        Pipeline p = Pipeline.fit(raw, Pipeline.Options.standardize());
        assertEquals(p, Pipeline.fit(map, Pipeline.Options.standardize()));
        DataSet train = p.apply(raw);
        Examples mtrain = p.apply((Examples) map);
        assertEquals(Checkpoint.fingerprint(train), Checkpoint.fingerprint(mtrain), "a checkpoint of either run resumes the other");
        for (TrainingConfig cfg : List.of(
                TrainingConfig.builder().miniBatch(50).shuffle(false).epochs(3).optimizer("adam:lr=0.01").evaluateEachEpoch(true).seed(4).build(),
                TrainingConfig.builder().miniBatch(3000).epochs(2).optimizer("rmsprop").seed(4).build(),   // one batch of the whole set, shuffled
                TrainingConfig.builder().fullBatch().epochs(3).optimizer("sgd:lr=0.1").lambda(1e-3).seed(4).build())) {
            Network a = net(raw), b = net(raw);
            TrainingResult ra = new Trainer(a, Loss.CROSS_ENTROPY, cfg).fit(train, null);
            TrainingResult rb = new Trainer(b, Loss.CROSS_ENTROPY, cfg).fit(mtrain, null);
            assertArrayEquals(a.params(), b.params(), cfg.toString());
            assertEquals(figures(ra), figures(rb), cfg.toString());
        }
    }

    @Test
    void fullBatchMethodsAskForTheHeap() throws Exception {
        MappedExamples map = mapped(csv("lbfgs.csv", 300, true));
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(2).optimizer("lbfgs").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(net(map), Loss.CROSS_ENTROPY, cfg).fit(map, null));
        assertTrue(e.getMessage().matches("lbfgs\\(.*\\) needs the training data on the heap; data in a memory-mapped cache trains with a first-order rule "
                + "\\(adam, sgd, rmsprop, rprop, \\.\\.\\.\\), in mini-batches or full batch"), e.getMessage());
    }

    /** 5 tanh units, softmax outputs, seeded. */
    static Network net(Examples e) {
        return Settings.builder().hidden(5).activation(Activation.TANH).seed(7).build().resolve(true).network(e);
    }

    /** Each epoch's figures but its duration. */
    static List<List<Object>> figures(TrainingResult r) {
        return r.history().stream().map(e -> List.<Object>of(e.epoch(), e.loss(), e.accuracy(), e.validationLoss(), e.validationAccuracy(), e.updates())).toList();
    }
}
