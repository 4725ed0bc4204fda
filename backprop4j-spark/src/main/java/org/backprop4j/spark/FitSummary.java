package org.backprop4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What a fit did: one entry per epoch (full batch: per iteration), why it stopped, the epoch whose
 * weights were kept (early stopping, else 0), and where the time of its Spark passes went (sums
 * over all passes, seconds; full batch only: the pass's wall time, the slowest task's compute and
 * broadcast fetch, creating the broadcasts, the scaling and step, the in-order sum of the shares,
 * which is part of the pass's time; the tasks' mean compute, which against the slowest task's shows
 * how unevenly the partitions' tasks ran). The final figures are
 * the data error (without the decay term) and accuracy at the returned weights, from one more pass
 * over the blocks (accuracy NaN for regression, validation NaN without a validation split);
 * {@code executors} are the ids of the executors whose tasks ran the training passes;
 * {@code jobs} the Spark jobs the fit ran after the one that read the blocks; {@code barrier}
 * whether its passes (full batch) or rounds (averaging) ran among the tasks of barrier jobs
 * (docs/SPARK.md) rather than as a job each.
 */
public record FitSummary(List<Epoch> history, String stopReason, int bestEpoch, boolean fullBatch, long passes,
                         double broadcastSeconds, double jobSeconds, double computeSeconds, double fetchSeconds,
                         double driverSeconds, double aggregationSeconds, double meanTaskComputeSeconds, double fitSeconds,
                         double trainLoss, double trainAccuracy, double validationLoss, double validationAccuracy,
                         int partitions, List<String> executors, long jobs, boolean barrier) implements Serializable {

    public FitSummary {
        history = List.copyOf(history);
        executors = List.copyOf(executors);
    }

    /** One epoch: the training error E (data term + decay), the validation error and accuracy (NaN without a validation split). */
    public record Epoch(int epoch, double trainLoss, double validationLoss, double validationAccuracy, double seconds) implements Serializable {}
}
