package org.backprop4j.cli.progress;

import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the displays' polls (progress within an epoch) on one daemon thread shared by every run
 * of the process, so that a display never holds the JVM open and the training threads never draw.
 */
final class Ticker {
    private static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "backprop4j-progress");
        t.setDaemon(true);
        return t;
    });

    private Ticker() {
    }

    /** Runs {@code poll} every {@code millis} ms until the returned future is cancelled; a poll that throws ends its task only. */
    static Future<?> every(long millis, Runnable poll) {
        return EXECUTOR.scheduleAtFixedRate(poll, millis, millis, TimeUnit.MILLISECONDS);
    }
}
