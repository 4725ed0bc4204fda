package org.backprop4j.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.Pipeline;

/**
 * Coverage-guided fuzz test (Jazzer) of the model-file loader: for any bytes,
 * {@link ModelFile#parse(byte[], String)} returns a model or throws {@link DataFormatException};
 * any other exception or error is a finding, and so is allocating more than 64 MiB plus 4 KiB per
 * input byte (a claimed size must never be trusted). In the normal test suite it replays the seed
 * corpus in {@code src/test/resources/org/backprop4j/io/ModelFileFuzzTestInputs/model/};
 * {@code scripts/fuzz [seconds] model} fuzzes it for longer.
 */
class ModelFileFuzzTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest(maxDuration = "30s")
    void model(byte[] data) {
        long limit = (64L << 20) + 4096L * data.length;
        long used = allocated(data);
        // the first call on a code path also loads (and under Jazzer instruments) classes: re-measure
        if (used > limit && (used = allocated(data)) > limit) {
            throw new AssertionError("allocated " + used + " bytes for an input of " + data.length + " bytes");
        }
    }

    /**
     * The preprocessing section of a model file (restored by {@link Pipeline#fromMap} when a model
     * is applied): JSON that parses to an object must give a pipeline or a DataFormatException.
     */
    @FuzzTest(maxDuration = "30s")
    void preprocessing(byte[] data) {
        check(data, d -> {
            Map<String, Object> m;
            try {
                m = JSON.readValue(d, new TypeReference<Map<String, Object>>() {});
            } catch (IOException | RuntimeException notAnObject) {
                return;   // not JSON or not an object: the model-file loader's concern (see model)
            }
            Pipeline.fromMap(m);
        });
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private interface Loader {
        void load(byte[] data) throws DataFormatException;
    }

    private static void check(byte[] data, Loader loader) {
        long limit = (64L << 20) + 4096L * data.length;
        long used = allocated(data, loader);
        if (used > limit && (used = allocated(data, loader)) > limit) {
            throw new AssertionError("allocated " + used + " bytes for an input of " + data.length + " bytes");
        }
    }

    private static long allocated(byte[] data) {
        return allocated(data, d -> ModelFile.parse(d, "fuzz.json"));
    }

    private static long allocated(byte[] data, Loader loader) {
        long tid = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(tid);
        try {
            loader.load(data);
        } catch (DataFormatException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("DataFormatException without a message", e);
        }
        return THREADS.getThreadAllocatedBytes(tid) - before;
    }
}
