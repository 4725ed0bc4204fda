package org.backprop4j.spark;

import java.io.Serializable;

/**
 * Rows of one partition as the engine reads them: inputs x (rows × inputs, row-major) and targets
 * d (rows × outputs), float32. Built once per fit from the DataFrame and cached, so the training
 * loop touches no per-row objects. {@code validation} blocks hold the rows held out for early stopping.
 */
record FloatBlock(int partition, float[] x, float[] d, int rows, boolean validation) implements Serializable {}
