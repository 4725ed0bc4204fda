package org.backprop4j.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The workloads' record: the timeline of a run's phases (issue 18's cold-start accounting). */
class WorkloadsTest {
    @Test
    void phasesAreMarkedInOrderSinceTheProcessStarted() throws InterruptedException {
        Workloads.mark("test_first");
        Thread.sleep(5);
        Workloads.mark("test_second");
        List<String> keys = new ArrayList<>(Workloads.TIMELINE.keySet());
        assertTrue(keys.indexOf("test_first") >= 0 && keys.indexOf("test_first") < keys.indexOf("test_second"), keys.toString());
        double first = (Double) Workloads.TIMELINE.get("test_first"), second = (Double) Workloads.TIMELINE.get("test_second");
        assertTrue(first > 0 && second >= first + 4, first + " " + second);
        // ms since the process started, which was before the JVM's clock started (and on a 10 ms tick)
        double age = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        assertTrue(second >= age - 20 && second <= age + 2000, second + " ms against a JVM up " + age + " ms");
    }
}
