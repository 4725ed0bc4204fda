package org.backprop4j.spark;

import org.backprop4j.Network;

/**
 * Called on the driver after each epoch of {@link MlpEstimator#fit} (full batch: after each
 * iteration), e.g. to log progress or to score a held-out set and measure time to an accuracy.
 * Not a Spark Param: it is not saved with the estimator and not kept by {@code copy} (so
 * {@code CrossValidator}'s copies run without it).
 */
@FunctionalInterface
public interface EpochListener {
    /**
     * @param epoch   the epoch just finished, with its training (and validation) error
     * @param network a copy of the network with the weights after this epoch
     */
    void epochEnded(FitSummary.Epoch epoch, Network network);
}
