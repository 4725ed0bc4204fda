package org.backprop4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Schema;
import org.backprop4j.model.Model;
import org.backprop4j.model.ModelTrainer;
import org.backprop4j.train.Settings;
import org.junit.jupiter.api.Test;

/**
 * A model trained with one activation per hidden layer ({@code Settings.activations}): its ONNX graph
 * gives each layer its own activation (ONNX Runtime agrees with backprop4j), and the import restores
 * the model with those settings in its provenance.
 */
class OnnxPerLayerActivationsTest {

    @Test
    void eachHiddenLayerKeepsItsActivationThroughOnnx() throws Exception {
        Schema num3 = OnnxFixtures.numericSchema(4, OnnxRuntimeAgreementTest.CLASS3);
        DataSet ds = OnnxFixtures.trainingSet(OnnxFixtures.raw(num3, 200, false, 21), 22);
        Settings s = Settings.builder().hidden(6, 5, 4).activations(Activation.TANH, Activation.RELU, Activation.GELU).epochs(5).seed(3).build();
        Model m = new ModelTrainer(s).fit(ds, null).model();
        assertEquals("4-6(tanh)-5(relu)-4(gelu)-3(softmax)", m.network().describe());

        byte[] onnx = OnnxExporter.toBytes(m);
        OnnxFixtures.Raw test = OnnxFixtures.raw(num3, OnnxRuntimeAgreementTest.M, false, 23);
        float[] x = test.encoded();
        Map<String, Object> ort = OnnxFixtures.run(onnx, OnnxFixtures.single(x, OnnxRuntimeAgreementTest.M, ds.inputs()));
        OnnxRuntimeAgreementTest.assertAgrees(m, OnnxFixtures.libraryOutputs(m, x, OnnxRuntimeAgreementTest.M), ort, OnnxRuntimeAgreementTest.M);

        Model back = OnnxImporter.parse(onnx, "m.onnx").model();
        assertEquals(m.network().describe(), back.network().describe());
        for (int l = 1; l <= m.network().layers(); l++) assertEquals(m.network().activation(l), back.network().activation(l), "layer " + l);
        assertArrayEquals(m.network().params(), back.network().params(), 0f);   // bit-identical (raw float32 bytes)
        assertEquals(List.of(Activation.TANH, Activation.RELU, Activation.GELU), back.provenance().settings().activations());
        assertEquals(m.provenance(), back.provenance());
    }
}
