package org.backprop4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.Pipeline;
import org.backprop4j.model.Model;
import org.backprop4j.model.Provenance;
import org.backprop4j.train.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    static Model sample() throws Exception {
        Network net = Network.builder(3).layer(5, Activation.TANH).layer(4, Activation.RELU).layer(2, Activation.SOFTMAX)
                .build(Init.xavier(), 7);
        // make biases non-zero too
        Rng r = new Rng(3);
        for (int l = 1; l <= net.layers(); l++) for (int t = 0; t < net.size(l); t++) net.setBias(l, t, (float) r.uniform(-1, 1));
        return Model.builder(net, Loss.CROSS_ENTROPY).inputNames(List.of("a", "b", "c")).classNames(List.of("no", "yes"))
                .targetNames(List.of("class")).pipeline(standardize(1.0, 2.0, 3.0))
                .provenance(new Provenance(Settings.builder().epochs(10).seed(7).build(), null, new Provenance.DataInfo(null, 100, null), null))
                .build();
    }

    /** A preprocessing that standardizes three inputs with these means (scale 0.5, 1, 2). */
    static Pipeline standardize(double... mean) throws Exception {
        return Pipeline.fromMap(Map.ofEntries(Map.entry("type", Pipeline.TYPE), Map.entry("version", 1), Map.entry("inputs", 3),
                Map.entry("outputs", 2), Map.entry("inputScaling", "STANDARDIZE"), Map.entry("scaleOneHot", false),
                Map.entry("targetScaling", "NONE"), Map.entry("fill", List.of(mean[0], mean[1], mean[2])),
                Map.entry("center", List.of(mean[0], mean[1], mean[2])), Map.entry("scale", List.of(0.5, 1.0, 2.0)),
                Map.entry("targetCenter", List.of(0.0, 0.0)), Map.entry("targetScale", List.of(1.0, 1.0))));
    }

    @Test
    void preparingInTheBackgroundWritesNothingAndChangesNoFile() throws Exception {
        Model m = sample();
        m = Model.builder(m.network(), m.loss()).pipeline(m.pipeline()).classNames(m.classNames()).inputNames(m.inputNames()).targetNames(m.targetNames())
                .provenance(m.provenance().withEnvironment(Provenance.Environment.current())).build();   // a fixed creation time
        byte[] before = ModelFile.toBytes(m);
        Thread t = ModelFile.prepareInBackground();
        t.join(60_000);
        assertFalse(t.isAlive());
        assertTrue(t.isDaemon(), "never keeps a process alive");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
        assertArrayEquals(before, ModelFile.toBytes(m));
    }

    @Test
    void savedAndLoadedModelPredictsBitIdentically() throws Exception {
        Model m = sample();
        Path f = dir.resolve("m.json");
        ModelFile.write(m, f);
        Model back = ModelFile.read(f);
        assertArrayEquals(m.network().params(), back.network().params());
        assertEquals(m.network().describe(), back.network().describe());
        assertEquals(m.loss(), back.loss());
        assertEquals(m.classNames(), back.classNames());
        assertEquals(m.inputNames(), back.inputNames());
        assertArrayEquals(new double[] {1.0, 2.0, 3.0}, back.pipeline().center());
        assertEquals(m.pipeline(), back.pipeline());
        assertEquals(7L, back.provenance().settings().seed());
        assertEquals(10, back.provenance().settings().epochs());
        assertEquals(100, back.provenance().data().patterns());
        Rng r = new Rng(1);
        float[] x = new float[50 * 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-3, 3);
        float[] a = new Backprop(m.network(), m.loss()).forward(x, 0, 50).clone();
        float[] b = new Backprop(back.network(), back.loss()).forward(x, 0, 50).clone();
        assertArrayEquals(a, b);
        assertTrue(back.provenance().environment().library().startsWith("backprop4j"));
        // no temporary files left behind
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    /** One logistic output unit for two classes, nominal inputs: the schema (and so raw-record prediction) survives the file. */
    @Test
    void aBinaryModelWithOneLogisticOutputKeepsItsSchema() throws Exception {
        org.backprop4j.data.Schema s = new org.backprop4j.data.Schema(
                List.of(org.backprop4j.data.Attribute.numeric("age"), org.backprop4j.data.Attribute.nominal("colour", List.of("red", "green"))),
                List.of(org.backprop4j.data.Attribute.nominal("class", List.of("no", "yes"))));
        org.backprop4j.data.DataSet binary = new org.backprop4j.data.DataSet(new float[] {20, 1, 0, 30, 0, 1, 40, 0, 1}, new float[] {0, 1, 1}, 3, 1,
                List.of("no", "yes"), s.encodedInputNames(), s);
        Pipeline p = Pipeline.fit(binary, Pipeline.Options.standardize());
        Network net = Network.builder(3).layer(4, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), 2);
        Model m = Model.builder(net, Loss.BINARY_CROSS_ENTROPY).pipeline(p).classNames(List.of("no", "yes")).targetNames(List.of("class")).build();
        Path f = dir.resolve("binary.json");
        ModelFile.write(m, f);
        Model back = ModelFile.read(f);
        assertEquals(s, back.schema());
        assertEquals(m.pipeline(), back.pipeline());
        assertEquals(List.of("age", "colour"), back.fieldNames());
        for (String[] r : new String[][] {{"25", "red"}, {"35", "green"}, {"?", "?"}}) {
            assertArrayEquals(m.predict(r).values(), back.predict(r).values(), String.join(",", r));
        }
    }

    @Test
    void writingReplacesAnExistingFileWhole() throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, "old");
        ModelFile.write(sample(), f);
        assertTrue(Files.readString(f).contains("backprop4j-model"));
    }

    private DataFormatException bad(String json) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, json);
        return assertThrows(DataFormatException.class, () -> ModelFile.read(f));
    }

    private String good() throws Exception {
        return ModelFile.toJson(sample()).toPrettyString();
    }

    @Test
    void rejectsInvalidJsonWithLineAndColumn() throws Exception {
        DataFormatException e = bad("{\n  \"format\": \"backprop4j-model\",\n  oops\n}");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("bad.json:3:"), e.getMessage());
        // a file cut off inside an array: one plain line, without Jackson's "[Source: REDACTED ...]"
        String g = good();
        e = bad(g.substring(0, g.indexOf("\"W\"") + 20));
        assertTrue(e.getMessage().contains("not valid JSON: Unexpected end-of-input"), e.getMessage());
        assertFalse(e.getMessage().contains("Source") || e.getMessage().contains("REDACTED") || e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void rejectsOtherDocuments() throws Exception {
        assertTrue(bad("[1,2]").getMessage().contains("not a backprop4j model file"));
        assertTrue(bad("{\"format\":\"something\"}").getMessage().contains("not a backprop4j model file"));
    }

    /** Issue 22.3: what Bayesian regularisation chose is typed provenance and reads back exactly (a NaN evidence left out). */
    @Test
    void bayesianRegularisationsChoiceReadsBack() throws Exception {
        List<Provenance.WeightClass> classes = List.of(new Provenance.WeightClass("layer 1 weights", 15, 6.25, 0.125, 0.0003),
                new Provenance.WeightClass("layer 1 biases", 5, 1.0e-9, 1e10, 2.5e7), new Provenance.WeightClass("layer 2 (output) weights and biases", 6, 2.5, 0.5, 0.002));
        for (double ev : new double[] {-344.25, Double.NaN}) {
            Provenance.Bayesian b = new Provenance.Bayesian(9.75, 26, 3.5, ev, 17, classes);
            Provenance.Outcome o = new Provenance.Outcome(100, "max epochs (100)", 0, 1, Double.NaN, 1.5, 0.25, Double.NaN, Double.NaN, Double.NaN, b);
            Model m = sample().withProvenance(new Provenance(null, o, null, null));
            assertEquals(o, ModelFile.parse(ModelFile.toBytes(m), "m.json").provenance().outcome());
        }
    }

    @Test
    void rejectsNewerFormatVersionsClearly() throws Exception {
        String g = good();
        assertTrue(g.contains("\"formatVersion\" : " + ModelFile.FORMAT_WITHOUT_STATE), "a model without training state");
        String msg = bad(g.replace("\"formatVersion\" : " + ModelFile.FORMAT_WITHOUT_STATE, "\"formatVersion\" : 99")).getMessage();
        assertTrue(msg.contains("newer backprop4j") && msg.contains("99") && msg.contains("reads up to " + ModelFile.FORMAT_VERSION), msg);
    }

    @Test
    void rejectsTamperedWeights() throws Exception {
        String g = good();
        int i = g.indexOf("\"b\" : [ ");
        assertTrue(i > 0);
        String tampered = g.substring(0, i) + "\"b\" : [ 0.125, " + g.substring(g.indexOf(',', i + 8) + 1);
        String msg = bad(tampered).getMessage();
        assertTrue(msg.contains("checksum"), msg);
    }

    @Test
    void rejectsShapeMismatchBeforeAllocating() throws Exception {
        assertTrue(bad(good().replaceFirst("\"units\" : 5", "\"units\" : 6")).getMessage().contains("must have 6 rows"));
        // a hostile size claim is refused from the header alone
        String huge = "{\"format\":\"backprop4j-model\",\"formatVersion\":1,\"network\":{\"inputs\":16000000,"
                + "\"layers\":[{\"units\":16000000,\"activation\":\"tanh\",\"W\":[],\"b\":[]}]},\"loss\":\"mse\"}";
        assertTrue(bad(huge).getMessage().contains("refusing to allocate"));
        String negative = huge.replace("16000000", "-3");
        assertTrue(bad(negative).getMessage().contains("between 1 and"));
    }

    @Test
    void rejectsNonFiniteAndNonNumericWeights() throws Exception {
        String g = good();
        int i = g.indexOf("\"b\" : [ ") + 8;
        String s = g.substring(0, i) + "\"x\", " + g.substring(g.indexOf(',', i) + 1);
        assertTrue(bad(s).getMessage().contains("must be a number"), bad(s).getMessage());
        String big = g.substring(0, i) + "1e300, " + g.substring(g.indexOf(',', i) + 1);
        assertTrue(bad(big).getMessage().contains("not a finite float32"));
    }

    @Test
    void rejectsUnknownActivationAndLoss() throws Exception {
        assertTrue(bad(good().replaceFirst("\"activation\" : \"tanh\"", "\"activation\" : \"swish\"")).getMessage().contains("unknown activation"));
        assertTrue(bad(good().replace("\"loss\" : \"ce\"", "\"loss\" : \"hinge\"")).getMessage().contains("unknown loss"));
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelFile.read(dir.resolve("nope.json")));
    }
    /** A distributed run's record (backprop4j-spark) is written and read back field by field. */
    @Test
    void provenanceKeepsADistributedRunsRecord() throws Exception {
        Model m = sample();
        Provenance.Distributed d = new Provenance.Distributed("Apache Spark 4.2.0", "spark://127.0.0.1:7077", 4, List.of("0", "1"),
                "full batch: gradient shares summed in partition order", 23, "00ff00ff00ff00ff");
        Provenance p = new Provenance(Settings.builder().hidden(5).epochs(20).build(),
                new Provenance.Outcome(20, "max epochs (20)", 0, 1, Double.NaN, 3.5, 0.25, 0.9, Double.NaN, Double.NaN),
                new Provenance.DataInfo(null, 1500, null), null, d);
        Model withD = Model.builder(m.network(), m.loss()).inputNames(m.inputNames()).classNames(m.classNames())
                .targetNames(m.targetNames()).pipeline(m.pipeline()).provenance(p).build();
        Path f = dir.resolve("distributed.json");
        ModelFile.write(withD, f);
        Provenance back = ModelFile.read(f).provenance();
        assertEquals(d, back.distributed());
        assertEquals(p.settings(), back.settings());
        assertEquals(p.outcome(), back.outcome());
        assertEquals(p.data(), back.data());
        // a single-machine record has none, and reads back without one
        Path plain = dir.resolve("plain.json");
        ModelFile.write(sample(), plain);
        assertEquals(null, ModelFile.read(plain).provenance().distributed());
        String json = ModelFile.toJson(withD).toPrettyString();
        String notStrings = bad(json.replace("[ \"0\", \"1\" ]", "[ 0, 1 ]")).getMessage();
        assertTrue(notStrings.contains("provenance.distributed.executors must be an array of strings"), notStrings);
    }

    /**
     * The provenance keeps one hidden activation per hidden layer: the shorthand (one for all) is a
     * name as before, different ones a list, and both read back to the same settings.
     */
    @Test
    void provenanceRecordsEachHiddenLayersActivation() throws Exception {
        Model m = sample();
        Settings mixed = Settings.builder().hidden(5, 4).activations(Activation.TANH, Activation.RELU).epochs(10).seed(7).build();
        Model withList = Model.builder(m.network(), m.loss()).inputNames(m.inputNames()).classNames(m.classNames())
                .targetNames(m.targetNames()).pipeline(m.pipeline())
                .provenance(new Provenance(mixed, null, new Provenance.DataInfo(null, 100, null), null)).build();
        String json = ModelFile.toJson(withList).toPrettyString();
        assertTrue(json.contains("\"activation\" : [ \"tanh\", \"relu\" ]"), json);
        Path f = dir.resolve("mixed.json");
        ModelFile.write(withList, f);
        Settings back = ModelFile.read(f).provenance().settings();
        assertEquals(mixed, back);
        assertEquals(List.of(Activation.TANH, Activation.RELU), back.activations());

        Settings one = Settings.builder().hidden(5, 4).activation(Activation.RELU).build();
        Model withOne = Model.builder(m.network(), m.loss()).provenance(new Provenance(one, null, null, null)).build();
        String oneJson = ModelFile.toJson(withOne).toPrettyString();
        assertTrue(oneJson.contains("\"activation\" : \"relu\""), "the shorthand is written as before: " + oneJson);
        Path g = dir.resolve("one.json");
        ModelFile.write(withOne, g);
        assertEquals(one, ModelFile.read(g).provenance().settings());

        // a list that is not names, or does not fit the hidden layers, is a one-line error naming the field
        String notNames = bad(json.replace("[ \"tanh\", \"relu\" ]", "[ 1, 2 ]")).getMessage();
        assertTrue(notNames.contains("provenance.settings.activation must be an activation's name or an array of them"), notNames);
        String unknown = bad(json.replace("[ \"tanh\", \"relu\" ]", "[ \"tanh\", \"swish\" ]")).getMessage();
        assertTrue(unknown.contains("provenance.settings.activation: unknown activation 'swish'"), unknown);
        String count = bad(json.replace("[ \"tanh\", \"relu\" ]", "[ \"tanh\", \"relu\", \"elu\" ]")).getMessage();
        assertTrue(count.contains("provenance.settings: 3 hidden activations for 2 hidden layers"), count);
    }
}
