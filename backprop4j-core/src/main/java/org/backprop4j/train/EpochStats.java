package org.backprop4j.train;

/**
 * What one epoch did.
 *
 * @param epoch              1-based epoch number
 * @param loss               training error E (data term, as the loss defines it: summed for SSE, mean otherwise)
 * @param accuracy           training accuracy for classification, NaN for regression
 * @param validationLoss     error on the validation set, NaN if none
 * @param validationAccuracy accuracy on the validation set, NaN if none or regression
 * @param updates            weight updates made so far
 * @param millis             wall-clock time of this epoch in milliseconds (training and evaluation)
 */
public record EpochStats(int epoch, double loss, double accuracy, double validationLoss,
                         double validationAccuracy, long updates, double millis) {
}
