package org.backprop4j.studio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingResult;

/**
 * One training run of the page: the library's {@link Trainer} on its own virtual thread, with a
 * listener that records every epoch, hands out throttled snapshots of the weights, and holds the
 * thread between epochs while the run is paused (play / pause / step). The listener changes
 * nothing the trainer computes, so the weights after n epochs are those of
 * {@code backprop4j train --epochs n} with the same settings.
 */
final class Run {
    enum State { READY, RUNNING, PAUSED, DONE }

    /**
     * Snapshots are taken at most this often while running: twice per frame period, so that every
     * frame the event stream sends finds a newer one (at the same period they beat, and frames drop).
     */
    static final long SNAPSHOT_NANOS = Studio.FRAME_NANOS / 2;

    final String id;
    final long generation;
    final RunConfig config;
    final RunConfig.Data data;
    final Network network;        // trained in place by the trainer's thread
    final Network initial;        // the weights before the first epoch
    final Loss loss;
    final Surfaces surfaces;

    private final List<double[]> history = new ArrayList<>();   // {epoch, loss, validation loss}
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private State state = State.READY;
    private long credits;           // epochs the run may still train before pausing; Long.MAX_VALUE while playing
    private boolean cancelled;
    private Thread thread;
    private volatile Snapshot snapshot;
    private volatile String stopReason;
    private long lastSnapshot;
    private long paceStart;         // speed limit: when the current stretch of play began, and its epochs
    private long paceEpochs;

    /** The weights and figures after an epoch (epoch 0: the initial weights). */
    record Snapshot(long version, int epoch, float[] params, State state, int historySize, String stopReason) {}

    Run(String id, long generation, RunConfig config, String userCsv) throws java.io.IOException {
        this.id = id;
        this.generation = generation;
        this.config = config;
        this.data = config.data(userCsv);
        this.network = config.network(data.train().inputs(), data.train().outputs());
        this.initial = network.copy();
        this.loss = config.lossFunction();
        config.trainingConfig(data.train().size(), config.maxEpochs());   // checks the batch settings now
        this.surfaces = new Surfaces(this);
        this.snapshot = new Snapshot(0, 0, network.params().clone(), State.READY, 0, null);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** History rows [from, to): {epoch, training loss, validation loss (NaN without)}. */
    List<double[]> history(int from, int to) {
        synchronized (history) {
            return new ArrayList<>(history.subList(Math.min(from, history.size()), Math.min(to, history.size())));
        }
    }

    int epochs() {
        return snapshot.epoch;
    }

    /** Plays until paused or done. */
    void play() {
        control(Long.MAX_VALUE);
    }

    /** Trains {@code n} more epochs, then pauses. */
    void step(int n) {
        control(n);
    }

    private void control(long n) {
        lock.lock();
        try {
            if (state == State.DONE) throw new IllegalArgumentException("this run has finished (" + stopReason + "): press reset to train again");
            credits = n;
            state = State.RUNNING;
            paceStart = System.nanoTime();
            paceEpochs = 0;
            // a platform thread: a run at full speed never blocks, and would hold a carrier of the virtual threads that serve the page
            if (thread == null) thread = Thread.ofPlatform().daemon().name("studio-run-" + id).start(this::train);
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void pause() {
        lock.lock();
        try {
            if (state == State.RUNNING) credits = 0;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the run's thread (after its current epoch) and waits for it, at most a few seconds. */
    void close() {
        lock.lock();
        try {
            cancelled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    private void train() {
        String reason;
        try {
            Trainer trainer = new Trainer(network, loss, config.trainingConfig(data.train().size(), config.maxEpochs()));
            trainer.addListener(new TrainingListener() {
                @Override
                public void onEpoch(EpochStats s, Trainer t) {
                    epochDone(s, t);
                }

                @Override
                public void onDivergence(String message, boolean restarting, Trainer t) {
                    stopReason = message;
                }
            });
            TrainingResult r = trainer.fit(data.train(), data.validation());
            reason = r.stopReason();
        } catch (RuntimeException e) {
            reason = "training failed: " + e.getMessage();
        }
        lock.lock();
        try {
            state = State.DONE;
            stopReason = cancelled ? "reset" : reason;
            publish(State.DONE);
        } finally {
            lock.unlock();
        }
    }

    private void epochDone(EpochStats s, Trainer trainer) {
        synchronized (history) {
            history.add(new double[] {s.epoch(), s.loss(), s.validationLoss()});
        }
        lock.lock();
        try {
            if (cancelled) {
                trainer.stop("reset");
                return;
            }
            if (credits != Long.MAX_VALUE) credits--;
            paceEpochs++;
            if (credits <= 0) {
                state = State.PAUSED;
                publish(State.PAUSED);
                while (credits <= 0 && !cancelled) wake.awaitUninterruptibly();
                if (cancelled) {
                    trainer.stop("reset");
                    return;
                }
            } else if (System.nanoTime() - lastSnapshot >= SNAPSHOT_NANOS) {
                publish(State.RUNNING);
            }
            // the speed limit: epoch k of a stretch of play ends no earlier than k/speed seconds after it began
            double speed = config.speed();
            if (speed > 0) {
                long due = paceStart + (long) (paceEpochs * 1e9 / speed);
                long wait;
                while (!cancelled && credits > 0 && (wait = due - System.nanoTime()) > 0) {
                    wake.awaitNanos(wait);
                }
                if (cancelled) trainer.stop("reset");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            trainer.stop("interrupted");
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held, on the trainer's thread, between epochs. */
    private void publish(State st) {
        int n;
        synchronized (history) {
            n = history.size();
        }
        lastSnapshot = System.nanoTime();
        snapshot = new Snapshot(snapshot.version + 1, n, network.params().clone(), st, n, stopReason);
    }

    String stopReason() {
        return stopReason;
    }
}
