package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.backprop4j.model.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files of format 1, written by the version before format 2 (src/test/resources/format1),
 * still load, verify their weights checksum, and predict and evaluate exactly as that version did.
 */
class Format1FilesTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        return Path.of("src/test/resources/format1", name);
    }

    @Test
    void oldFilesPredictAndEvaluateExactlyAsBefore() throws Exception {
        // {model, data, batch}: format 1 recorded a batch of at least the 14 weather patterns as "full-batch"
        for (String[] c : new String[][] {{"iris", "iris.csv", "32"}, {"cpu", "cpu.arff", "32"}, {"weather", "weather.nominal.arff", "0"}}) {
            Path model = fixture(c[0] + ".json"), data = TestData.path(c[1]);
            assertTrue(Files.readString(model).contains("\"formatVersion\" : 1"), "a format-1 file");
            Path out = dir.resolve(c[0] + ".csv");
            CliTest.Result p = CliTest.run("predict", model.toString(), data.toString(), "-o", out.toString());
            assertEquals(0, p.code(), p.err());
            assertEquals(Files.readString(fixture(c[0] + ".predictions.csv")), Files.readString(out), c[0]);
            CliTest.Result e = CliTest.run("evaluate", model.toString(), data.toString(), "--json");
            assertEquals(0, e.code(), e.err());
            assertEquals(Files.readString(fixture(c[0] + ".evaluation.json")), e.out(), c[0]);
            // the untyped sections become the typed provenance
            Provenance prov = Model.load(model).provenance();
            assertEquals("adam", prov.settings().optimizer());
            assertEquals(200, prov.settings().epochs());
            assertEquals(Integer.parseInt(c[2]), prov.settings().batch());
            assertEquals(java.util.List.of(5), prov.settings().hidden());
            assertEquals(200, prov.outcome().epochs());
            assertEquals("max epochs (200)", prov.outcome().stopReason());
            assertEquals(c[1], prov.data().file());
            assertEquals(org.backprop4j.model.Provenance.DataInfo.of(data, 0).sha256(), prov.data().sha256());
            assertTrue(prov.environment().library().startsWith("backprop4j "), prov.environment().library());
        }
    }

    @Test
    void theirWeightsChecksumIsStillVerified() throws Exception {
        String g = Files.readString(fixture("iris.json"));
        int i = g.indexOf("\"b\" : [ ") + 8;
        Path f = dir.resolve("tampered.json");
        Files.writeString(f, g.substring(0, i) + "0.125, " + g.substring(g.indexOf(',', i) + 1));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().contains("weights do not match their checksum"), e.getMessage());
    }

    @Test
    void savedAgainTheyAreFormat2WithTheSamePredictions() throws Exception {
        Model old = Model.load(fixture("weather.json"));
        Path again = dir.resolve("weather2.json");
        old.save(again);
        assertTrue(Files.readString(again).contains("\"formatVersion\" : 2"));
        Model m = Model.load(again);
        assertArrayEquals(old.predict("sunny", "cool", "high", "TRUE").values(), m.predict("sunny", "cool", "high", "TRUE").values());
        assertEquals(old.provenance().settings(), m.provenance().settings());
        assertEquals(old.provenance().outcome(), m.provenance().outcome());
    }
}
