package org.backprop4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingListener;

/**
 * SIGINT (Ctrl-C) or SIGTERM during {@code train}: training stops after the current epoch (which,
 * with {@code --checkpoint-every}, writes a checkpoint for it), no output file is written, and one
 * line on standard error says where the last checkpoint is and how to resume. The JVM then exits
 * with 130 (SIGINT) or 143 (SIGTERM), the shell's 128 + signal number.
 */
final class Interruption implements TrainingListener, AutoCloseable {
    /** How long the signal waits for the current epoch (and its checkpoint) to finish. */
    static final long WAIT_SECONDS = 30;

    private final PrintWriter err;
    private final Path checkpoint;   // null without --checkpoint-every
    private final Thread hook = new Thread(this::interrupted, "backprop4j-interrupt");
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean interrupted, finished;   // guarded by this
    private volatile Trainer trainer;
    private volatile int lastEpoch;

    Interruption(PrintWriter err, Path checkpoint) {
        this.err = err;
        this.checkpoint = checkpoint;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void onEpoch(EpochStats s, Trainer t) {
        trainer = t;
        lastEpoch = s.epoch();
        synchronized (this) {
            if (interrupted) t.stop("interrupted");
        }
    }

    /** The shutdown hook: ask for a stop, wait (bounded) for the epoch and checkpoint, say what to do. */
    private void interrupted() {
        boolean writing;
        synchronized (this) {
            interrupted = true;
            writing = finished;
        }
        if (writing) {
            // training had ended: let the outputs be written (all of them or none) before the JVM ends
            try {
                closed.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // end now
            }
            return;
        }
        Trainer t = trainer;
        if (t != null) t.stop("interrupted");
        boolean done;
        try {
            done = ended.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            done = false;
        }
        t = trainer;
        int saved = t == null ? 0 : t.lastCheckpointEpoch();
        String where = (done ? "after epoch " : "during epoch ") + (done ? lastEpoch : lastEpoch + 1);
        String line;
        if (checkpoint == null) {
            line = "interrupted " + where + "; no checkpoint is written without --checkpoint-every N, so the run cannot be"
                    + " resumed; no model file written";
        } else if (saved == 0) {
            line = "interrupted " + where + " before any checkpoint was written; no model file written";
        } else {
            line = "interrupted " + where + "; the last checkpoint is " + checkpoint + " (epoch " + saved
                    + "); to continue, run the same command with --resume; no model file written";
        }
        err.println("backprop4j: " + line);
        err.flush();
    }

    /**
     * Training returned: if a signal stopped it, nothing may be written; this thread waits for
     * the shutdown hook to end the JVM.
     */
    void trainingEnded() {
        synchronized (this) {
            if (!interrupted) {
                finished = true;
                ended.countDown();
                return;
            }
        }
        ended.countDown();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // keep waiting: the JVM is shutting down
            }
        }
    }

    @Override
    public void close() {
        ended.countDown();
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs
        }
    }
}
