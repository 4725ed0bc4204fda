package org.backprop4j.train;

/**
 * Wraps a first-order optimizer and sets its learning rate to {@code schedule.rate(η0, epoch)} at
 * the start of every epoch, η0 being the wrapped optimizer's rate when wrapped.
 */
public final class Scheduled implements Optimizer {
    private final Optimizer inner;
    private final Schedule schedule;
    private final double base;

    public Scheduled(Optimizer inner, Schedule schedule) {
        if (inner instanceof FullBatchOptimizer) {
            throw new IllegalArgumentException(inner.describe() + " chooses its own step lengths; a learning-rate schedule does not apply");
        }
        this.inner = inner;
        this.schedule = schedule;
        this.base = inner.learningRate();
        if (Double.isNaN(base)) {
            throw new IllegalArgumentException(inner.describe() + " has no learning rate; a learning-rate schedule does not apply");
        }
    }

    public Optimizer inner() { return inner; }

    @Override
    public String describe() {
        return inner.describe() + "+" + schedule.describe();
    }

    @Override
    public void startEpoch(int epoch) {
        inner.setLearningRate(schedule.rate(base, epoch));
        inner.startEpoch(epoch);
    }

    @Override
    public void step(float[] w, float[] grad) { inner.step(w, grad); }

    @Override
    public void step(float[] w, float[] grad, double error) { inner.step(w, grad, error); }

    @Override
    public boolean usesError() { return inner.usesError(); }

    @Override
    public double learningRate() { return inner.learningRate(); }

    @Override
    public void setLearningRate(double lr) { inner.setLearningRate(lr); }

    @Override
    public void reset() {
        inner.reset();
        inner.setLearningRate(base);
    }

    @Override
    public double[] exportState() { return inner.exportState(); }

    @Override
    public void importState(double[] s) { inner.importState(s); }
}
