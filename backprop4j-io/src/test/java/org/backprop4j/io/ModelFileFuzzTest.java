package org.backprop4j.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.management.ManagementFactory;
import org.backprop4j.data.DataFormatException;

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

    private static long allocated(byte[] data) {
        long tid = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(tid);
        try {
            ModelFile.parse(data, "fuzz.json");
        } catch (DataFormatException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("DataFormatException without a message", e);
        }
        return THREADS.getThreadAllocatedBytes(tid) - before;
    }
}
