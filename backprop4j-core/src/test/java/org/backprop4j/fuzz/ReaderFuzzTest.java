package org.backprop4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzz tests (Jazzer) of every data reader and of the checkpoint loader; the
 * property is in {@link Targets}. In the normal test suite they replay the seed corpus and saved
 * findings in {@code src/test/resources/org/backprop4j/fuzz/ReaderFuzzTestInputs/<method>/};
 * {@code scripts/fuzz [seconds]} fuzzes each for longer (JAZZER_FUZZ=1).
 */
class ReaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void csv(byte[] data) throws IOException {
        Targets.csv(data);
    }

    @FuzzTest(maxDuration = "30s")
    void csvPair(byte[] data) throws IOException {
        Targets.csvPair(data);
    }

    @FuzzTest(maxDuration = "30s")
    void arff(byte[] data) throws IOException {
        Targets.arff(data);
    }

    @FuzzTest(maxDuration = "30s")
    void libsvm(byte[] data) throws IOException {
        Targets.libsvm(data);
    }

    @FuzzTest(maxDuration = "30s")
    void monk(byte[] data) throws IOException {
        Targets.monk(data);
    }

    @FuzzTest(maxDuration = "30s")
    void idx(byte[] data) throws IOException {
        Targets.idx(data);
    }

    @FuzzTest(maxDuration = "30s")
    void schema(byte[] data) throws IOException {
        Targets.schema(data);
    }

    @FuzzTest(maxDuration = "30s")
    void checkpoint(byte[] data) throws IOException {
        Targets.checkpoint(data);
    }

    @FuzzTest(maxDuration = "30s")
    void checkpointPayload(byte[] data) throws IOException {
        Targets.checkpointPayload(data);
    }
}
