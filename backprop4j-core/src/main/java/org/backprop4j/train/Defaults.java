package org.backprop4j.train;

import java.util.List;
import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Schema;

/**
 * The one place where backprop4j's defaults live: the library's {@link TrainingConfig#builder()},
 * {@link Settings#resolve(Examples)} (and so {@code Model.train}) and the command line all take
 * them from here, so changing a default is a one-line change in this class. Choices that depend
 * on the data depend only on its task (classification or regression).
 *
 * <p>The width, activation, update rule, decay and epoch cap were chosen by the study in
 * docs/ACCURACY.md ({@code scripts/accuracy-vs-sklearn}): a few principled candidates for each,
 * scored on every shared data set against scikit-learn's MLPs; the chosen ones have the best
 * worst case and mean over the sets taken together, not the best figure on any one of them.
 */
public final class Defaults {
    private Defaults() {}

    /** Units of the one hidden layer (the study: 16 to 100 units with ReLU and decay are within noise of each other). */
    public static final int HIDDEN_UNITS = 64;
    /** Hidden layer sizes: one hidden layer of {@link #HIDDEN_UNITS} units. */
    public static final List<Integer> HIDDEN = List.of(HIDDEN_UNITS);
    /** Hidden activation: ReLU (with {@link #INIT}'s Glorot scale; tanh misses part of MONK-2's rule in the study). */
    public static final Activation HIDDEN_ACTIVATION = Activation.RELU;
    /** Update rule: Adam (Kingma &amp; Ba 2015) with its published defaults (lr 0.001). */
    public static final String OPTIMIZER = "adam";
    /** Maximum number of epochs: a cap, since the {@link #PLATEAU} stop ends most runs before it. */
    public static final int EPOCHS = 500;
    /**
     * L2 decay λ in E + λ/2‖W‖² (E the mean loss; biases not decayed, as in scikit-learn, whose
     * {@code alpha} is λ times its batch size): without it the study's runs overfit the smaller sets.
     */
    public static final double LAMBDA = 0.01;
    /**
     * Stop when the training error improves by less than 1e-4 for 10 consecutive epochs:
     * scikit-learn's MLP defaults ({@code tol}, {@code n_iter_no_change}), see {@link PlateauStop}.
     */
    public static final PlateauStop PLATEAU = new PlateauStop(Defaults.PLATEAU_TOL, Defaults.PLATEAU_EPOCHS);
    /** {@link #PLATEAU}'s tolerance (a constant, for the command line's help). */
    public static final double PLATEAU_TOL = 1e-4;
    /** {@link #PLATEAU}'s epochs (a constant, for the command line's help). */
    public static final int PLATEAU_EPOCHS = 10;
    /** Patterns per update for mini-batch methods (full-batch methods: see {@link #batch(String)}). */
    public static final int BATCH = 32;
    /**
     * Weight initialisation scheme ({@code Init.parse} spec): Glorot &amp; Bengio's in every layer, as
     * scikit-learn's MLPs; He's scale (√(6/n_in)) makes the first layer's weights large on data with few
     * inputs, and the study's ReLU runs generalised worse from it.
     */
    public static final String INIT = "xavier";
    /** Input scaling fitted on the training data (regression targets are standardized with it). */
    public static final Pipeline.Scaling SCALING = Pipeline.Scaling.STANDARDIZE;
    /** Seed of weights, shuffling and splits. */
    public static final long SEED = 42;

    /**
     * Output activation: softmax for classes (with cross-entropy, delta o − d), identity for regression.
     *
     * @param classification whether the task is classification
     * @return the output activation
     */
    public static Activation outputActivation(boolean classification) {
        return classification ? Activation.SOFTMAX : Activation.IDENTITY;
    }

    /**
     * Output activation for a task with this many target columns: {@link #outputActivation(boolean)},
     * but one logistic unit for two classes given as one 0/1 column (softmax over one unit is
     * constant: it would learn nothing).
     *
     * @param classification whether the task is classification
     * @param outputs        target columns (0: not known)
     * @return the output activation
     */
    public static Activation outputActivation(boolean classification, int outputs) {
        return classification && outputs == 1 ? Activation.LOGISTIC : outputActivation(classification);
    }

    /**
     * Loss for a task with this many target columns: {@link #loss(boolean)}, but binary cross-entropy
     * for one logistic unit (seed 003, eq. 29).
     *
     * @param classification whether the task is classification
     * @param outputs        target columns (0: not known)
     * @return the loss
     */
    public static Loss loss(boolean classification, int outputs) {
        return classification && outputs == 1 ? Loss.BINARY_CROSS_ENTROPY : loss(classification);
    }

    /**
     * Loss: cross-entropy for classes, mean squared error for regression.
     *
     * @param classification whether the task is classification
     * @return the loss
     */
    public static Loss loss(boolean classification) {
        return classification ? Loss.CROSS_ENTROPY : Loss.MSE;
    }

    /**
     * L2 decay for an update rule: {@link #LAMBDA}, but 0 for Bayesian regularisation, which
     * chooses its own decay from the data (MacKay 1992; Foresee &amp; Hagan 1997), and for AdamW,
     * whose decoupled decay is its own (Loshchilov &amp; Hutter 2019).
     *
     * @param optimizerSpec an {@code Optimizers.parse} spec
     * @return λ
     */
    public static double lambda(String optimizerSpec) {
        String name = optimizerSpec.split(":")[0].trim().toLowerCase(Locale.ROOT);
        return name.equals("br") || name.equals("trainbr") || name.equals("bayesian") || name.equals("adamw") ? 0.0 : LAMBDA;
    }

    /**
     * Patterns per update for an update rule: 0 (full batch) for the methods designed for it —
     * L-BFGS, SCG and LM (which need it), and Rprop and Quickprop (whose step rules assume the true
     * gradient; Riedmiller &amp; Braun 1993, Fahlman 1988) — else {@link #BATCH}.
     *
     * @param optimizerSpec an {@code Optimizers.parse} spec
     * @return the batch size (0: full batch)
     */
    public static int batch(String optimizerSpec) {
        return fullBatch(optimizerSpec) ? 0 : BATCH;
    }

    /**
     * Whether an update rule trains on the full batch by default (see {@link #batch(String)}).
     *
     * @param optimizerSpec an {@code Optimizers.parse} spec
     * @return whether its default batch is the full batch
     */
    public static boolean fullBatch(String optimizerSpec) {
        String name = optimizerSpec.split(":")[0].trim().toLowerCase(Locale.ROOT);
        return Optimizers.isFullBatch(optimizerSpec) || name.contains("rprop") || name.equals("quickprop");
    }

    /**
     * Every setting as chosen for this (raw) data set: {@code Settings.defaults().resolve(raw)}.
     *
     * @param raw the training data (only its task matters)
     * @return the resolved settings
     */
    public static Settings forData(DataSet raw) {
        return Settings.defaults().resolve(raw);
    }

    /**
     * Every setting as chosen for data with this schema.
     *
     * @param schema the data's schema (only its task matters)
     * @return the resolved settings
     */
    public static Settings forSchema(Schema schema) {
        return Settings.defaults().resolve(schema.isClassification());
    }
}
