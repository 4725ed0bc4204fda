package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import org.backprop4j.Activation;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the page draws is the network's own output: the decision surface and every unit's picture in
 * the diagram are the reference engine's forward pass over the plane (after the run's scaling), every
 * grid point, and the accuracies count the patterns the network gets right.
 */
class SurfacesTest {
    Api api;

    @BeforeEach
    void start() throws Exception {
        api = new Api();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void theSurfaceAndEveryUnitsPictureAreTheNetworksOutputOverThePlane() throws Exception {
        for (String config : new String[] {
                "{\"dataset\":\"circles\",\"patterns\":120,\"hidden\":[5,3],\"activations\":[\"gelu\",\"relu\"],\"optimizer\":\"adam\","
                        + "\"optimizerParams\":{\"lr\":0.02},\"speed\":0,\"seed\":9}",
                "{\"dataset\":\"spirals\",\"patterns\":80,\"outputs\":\"per-class\",\"scaling\":\"minmax-pm1\",\"hidden\":[6],\"activations\":[\"sin\"],"
                        + "\"optimizer\":\"rprop+\",\"speed\":0,\"seed\":4}"}) {
            api.run("main", config);
            Run r = api.studio.run("main");
            Run.Snapshot s = api.train("main", 40);
            JsonNode f = r.surfaces.frame(s.params());
            Network net = r.network.copy();
            net.setParams(s.params());
            ReferenceNetwork ref = new ReferenceNetwork(net, r.loss);
            double[] dom = r.surfaces.domain;
            int L = net.layers();

            // the decision surface: class 1's score, o itself for one unit, (o_1 − o_0 + 1)/2 for one per class
            int g = f.get("grid").asInt();
            assertEquals(64, g);
            byte[] surface = Base64.getDecoder().decode(f.get("surface").asText());
            assertEquals(g * g, surface.length);
            for (int p = 0; p < g * g; p++) {
                double[] o = ref.forward(point(r, dom, g, p)).o[L];
                double score = o.length == 1 ? o[0] : (o[1] - o[0] + 1) / 2;
                assertEquals(level(score), surface[p], config + ": surface point " + p);
            }

            // each unit's own output over the plane, on the smaller grid
            int ug = f.get("unitGrid").asInt();
            int m = ug * ug;
            double[][][] o = new double[m][][];
            for (int p = 0; p < m; p++) o[p] = ref.forward(point(r, dom, ug, p)).o;
            assertEquals(L, f.get("units").size());
            int pictures = 0;
            for (int l = 1; l <= L; l++) {
                assertEquals(net.size(l), f.get("units").get(l - 1).size(), config + ": layer " + l);
                Activation a = net.activation(l);
                for (int t = 0; t < net.size(l); t++) {
                    byte[] img = Base64.getDecoder().decode(f.get("units").get(l - 1).get(t).asText());
                    assertEquals(m, img.length);
                    double max = 0;
                    for (int p = 0; p < m; p++) max = Math.max(max, Math.abs(o[p][l][t]));
                    for (int p = 0; p < m; p++) {
                        double v = o[p][l][t];
                        // bounded units as they are (logistic, softmax in [0, 1]; tanh, sin in [−1, 1]), the others relative to their largest |o|
                        double shown = switch (a) {
                            case LOGISTIC, SOFTMAX -> v;
                            case TANH, SIN -> (v + 1) / 2;
                            default -> max == 0 ? 0.5 : (v / max + 1) / 2;
                        };
                        assertEquals(level(shown), img[p], config + ": unit " + l + ":" + t + " point " + p);
                    }
                    pictures++;
                }
            }
            assertEquals(sumSizes(net), pictures, "a picture per unit");

            // the accuracies: the patterns the network gets right (≥ 0.5 for one unit, argmax for one per class)
            assertEquals(accuracy(ref, r.data.train()), f.get("trainAccuracy").asDouble(), 0.0, config);
            assertEquals(accuracy(ref, r.data.validation()), f.get("validationAccuracy").asDouble(), 0.0, config);
        }
    }

    /** Grid point p (row r from the top = largest x2, column c from the smallest x1), scaled as the run's inputs. */
    static double[] point(Run r, double[] dom, int g, int p) {
        int row = p / g, col = p % g;
        float[] raw = {(float) (dom[0] + (col + 0.5) / g * (dom[1] - dom[0])), (float) (dom[3] - (row + 0.5) / g * (dom[3] - dom[2]))};
        float[] x = r.data.pipeline().transformInputs(raw);
        return new double[] {x[0], x[1]};
    }

    /** One byte per point: [0, 1] in 256 levels (0.5 for NaN). */
    static byte level(double v) {
        double c = Double.isNaN(v) ? 0.5 : Math.max(0, Math.min(1, v));
        return (byte) Math.round(c * 255);
    }

    static int sumSizes(Network net) {
        int n = 0;
        for (int l = 1; l <= net.layers(); l++) n += net.size(l);
        return n;
    }

    static double accuracy(ReferenceNetwork ref, DataSet ds) {
        int right = 0, k = ds.outputs();
        for (int p = 0; p < ds.size(); p++) {
            double[] o = ref.forward(new double[] {ds.x()[2 * p], ds.x()[2 * p + 1]}).o[ref.layers()];
            int predicted = k == 1 ? (o[0] >= 0.5 ? 1 : 0) : (o[1] > o[0] ? 1 : 0);
            assertEquals(ds.label(p), k == 1 ? (ds.d()[p] >= 0.5f ? 1 : 0) : (ds.d()[2 * p + 1] > ds.d()[2 * p] ? 1 : 0));
            if (predicted == ds.label(p)) right++;
        }
        return (double) right / ds.size();
    }
}
