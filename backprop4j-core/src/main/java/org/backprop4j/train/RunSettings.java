package org.backprop4j.train;

/**
 * The settings a checkpoint must match to be resumed: architecture, loss, update rule (as made
 * fresh), presentation, decay, shuffling seed, early stopping, divergence restarts, settings made
 * outside the trainer ({@code extra}, "key=value;…", e.g. the initialization; {@link Trainer#runSettings})
 * and the validation set. Not the number of epochs or the target error, so a resumed run may train longer.
 * A checkpoint file stores {@link #encode()}, "key=value;…" (checkpoint format 1), so that files
 * written before this record existed are read and compared the same way.
 */
record RunSettings(String network, String loss, String optimizer, TrainingConfig.Mode mode, int batchSize,
                   double lambda, boolean decayBiases, boolean shuffle, long seed, boolean evaluateEachEpoch,
                   EarlyStopping earlyStopping, int divergenceRestarts, String extra, String validation) {

    /** The file form: "key=value;…" in a fixed order (the batch size only in mini-batch mode). */
    String encode() {
        return "net=" + network + ";loss=" + loss + ";optimizer=" + optimizer
                + ";mode=" + mode + (mode == TrainingConfig.Mode.MINI_BATCH ? ";batch=" + batchSize : "")
                + ";lambda=" + lambda + ";decayBiases=" + decayBiases + ";shuffle=" + shuffle
                + ";seed=" + seed + ";evaluateEachEpoch=" + evaluateEachEpoch
                + ";earlyStopping=" + earlyStopping + ";divergenceRestarts=" + divergenceRestarts
                + (extra.isEmpty() ? "" : ";" + extra) + ";validation=" + validation;
    }

    /** Which settings of a checkpoint's {@link #encode() encoded} form differ from these, or null if none. */
    String differences(String theirs) {
        return TrainingState.differences(theirs, encode(), "the checkpoint");
    }
}
