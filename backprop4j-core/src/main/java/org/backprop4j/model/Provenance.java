package org.backprop4j.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.backprop4j.data.Sources;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.train.Settings;

/**
 * Where a model came from: the settings it was trained with, how training went, the training
 * data and the environment. Informational only: nothing here changes a prediction. Any part may
 * be null (a model assembled by hand has none).
 *
 * @param settings    the resolved training settings (every default filled in)
 * @param outcome     how training ended
 * @param data        the training data
 * @param environment library, Java, OS and kernels of the run, and when the model was made
 * @param distributed how a distributed run (backprop4j-spark) split the work, or null for a run on one machine
 */
public record Provenance(Settings settings, Outcome outcome, DataInfo data, Environment environment, Distributed distributed) {

    /** Nothing known. */
    public static final Provenance NONE = new Provenance(null, null, null, null, null);

    /**
     * A run on one machine.
     *
     * @param settings    the resolved training settings
     * @param outcome     how training ended
     * @param data        the training data
     * @param environment the run's environment
     */
    public Provenance(Settings settings, Outcome outcome, DataInfo data, Environment environment) {
        this(settings, outcome, data, environment, null);
    }

    /**
     * How a distributed run split the work (backprop4j-spark).
     *
     * @param system          the engine and its version, e.g. "Apache Spark 4.2.0"
     * @param master          the cluster it ran on, e.g. "local[2]", "spark://host:7077", "yarn"
     * @param partitions      partitions of the training data
     * @param executors       the ids of the executors whose tasks computed the training passes, sorted
     * @param scheme          how the partitions' work was combined (full batch: gradient shares summed in partition
     *                        order; mini-batch: local steps and parameter averaging every K steps of B rows)
     * @param passes          the training loop's gradient passes (full batch) or averaging rounds; in Spark's barrier mode
     *                        many run in one job (the scheme says which)
     * @param dataFingerprint a fingerprint of the training rows that does not depend on their order or
     *                        partitioning: the sum modulo 2⁶⁴ of a 64-bit hash of each row's float32 features and
     *                        target, as 16 hex digits; null when unknown
     */
    public record Distributed(String system, String master, int partitions, java.util.List<String> executors, String scheme,
                              long passes, String dataFingerprint) {
        /**
         * Copies the executors (null: none).
         *
         * @param system          the distributed system
         * @param master          where its master ran
         * @param partitions      how many partitions the rows were in
         * @param executors       the executors that took part
         * @param scheme          how the partitions' work was combined
         * @param passes          gradient passes or averaging rounds of the training loop
         * @param dataFingerprint the rows' order-free fingerprint, or null
         */
        public Distributed {
            executors = executors == null ? java.util.List.of() : java.util.List.copyOf(executors);
        }
    }

    /**
     * How training went. Figures that do not apply are NaN (validation without a validation part,
     * accuracy for regression).
     *
     * @param epochs             epochs run
     * @param stopReason         why training ended ("max epochs", "target error reached", ...)
     * @param divergenceRestarts restarts after a divergence (each with the learning rate halved), including
     *                           those of the run a resumed checkpoint continues
     * @param learningRateFactor the factor the restarts left on the learning rate (1, 1/2, 1/4, ...)
     * @param learningRateUsed   the learning rate in use at the end (the configured one times the factor), NaN
     *                           for an update rule without one
     * @param seconds            training time
     * @param trainLoss          loss E on the training part (preprocessed units)
     * @param trainAccuracy      accuracy on the training part
     * @param validationLoss     loss E on the validation part
     * @param validationAccuracy accuracy on the validation part
     * @param bayesian           what Bayesian regularisation chose ({@code --optimizer br}), or null for other rules
     */
    public record Outcome(int epochs, String stopReason, int divergenceRestarts, double learningRateFactor, double learningRateUsed,
                          double seconds, double trainLoss,
                          double trainAccuracy, double validationLoss, double validationAccuracy, Bayesian bayesian) {

        /**
         * An outcome without Bayesian regularisation's figures.
         *
         * @param epochs             epochs run
         * @param stopReason         why training ended
         * @param divergenceRestarts restarts after a divergence
         * @param learningRateFactor the factor the restarts left on the learning rate
         * @param learningRateUsed   the learning rate in use at the end
         * @param seconds            training time
         * @param trainLoss          loss on the training part
         * @param trainAccuracy      accuracy on the training part
         * @param validationLoss     loss on the validation part
         * @param validationAccuracy accuracy on the validation part
         */
        public Outcome(int epochs, String stopReason, int divergenceRestarts, double learningRateFactor, double learningRateUsed,
                       double seconds, double trainLoss, double trainAccuracy, double validationLoss, double validationAccuracy) {
            this(epochs, stopReason, divergenceRestarts, learningRateFactor, learningRateUsed, seconds, trainLoss, trainAccuracy,
                    validationLoss, validationAccuracy, null);
        }
    }

    /**
     * What Bayesian regularisation chose (MacKay 1992; {@link org.backprop4j.train.BayesianRegularization}):
     * the effective number of parameters and, per class of weights, the prior's precision and the
     * weight decay it amounts to.
     *
     * @param effectiveParameters γ = Σ_c γ_c, the effective number of parameters
     * @param parameters          P, the number of parameters (γ's upper bound)
     * @param beta                β, the noise precision
     * @param logEvidence         ln p(D|α,β) of the kept iterate (Gaussian approximation), NaN if not evaluated
     * @param keptIteration       the iteration whose weights the model holds
     * @param classes             one entry per class of weights
     */
    public record Bayesian(double effectiveParameters, int parameters, double beta, double logEvidence, long keptIteration,
                           java.util.List<WeightClass> classes) {
        /**
         * Copies the classes.
         *
         * @param effectiveParameters γ
         * @param parameters          P
         * @param beta                β
         * @param logEvidence         ln p(D|α,β)
         * @param keptIteration       the kept iteration
         * @param classes             the classes of weights
         */
        public Bayesian {
            classes = java.util.List.copyOf(classes);
        }

        /**
         * What a run's update rule chose.
         *
         * @param br the rule after the run
         * @return its figures
         */
        public static Bayesian of(org.backprop4j.train.BayesianRegularization br) {
            java.util.List<WeightClass> cs = new java.util.ArrayList<>();
            double[] g = br.gammas(), a = br.alphas(), l = br.lambdas();
            int[] k = br.classSizes();
            for (int c = 0; c < k.length; c++) cs.add(new WeightClass(br.classNames().get(c), k[c], g[c], a[c], l[c]));
            return new Bayesian(br.gamma(), br.parameters(), br.beta(), br.logEvidence(), br.keptIteration(), cs);
        }

        /**
         * One line for people: γ of P, the λ of each class with its γ_c (a class its evidence switched
         * off, γ_c ≈ 0, is marked "pruned"), and the evidence.
         *
         * @return e.g. {@code γ = 9.41 effective parameters of 121; λ = 0.0123 (layer 1 weights: γ 7.1 of 110), ...}
         */
        public String describe() {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "γ = %.2f effective parameters of %d; λ = ",
                    effectiveParameters, parameters));
            for (int c = 0; c < classes.size(); c++) {
                WeightClass w = classes.get(c);
                sb.append(c == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.3g (%s: γ %.1f of %d%s)", w.lambda(), w.name(),
                        w.effectiveParameters(), w.parameters(), w.effectiveParameters() < 0.05 ? ", pruned" : ""));
            }
            if (!Double.isNaN(logEvidence)) {
                sb.append(String.format(java.util.Locale.ROOT, "; ln p(D|α,β) = %.1f at iteration %d", logEvidence, keptIteration));
            }
            return sb.toString();
        }
    }

    /**
     * One class of weights sharing a prior precision.
     *
     * @param name                what it holds, e.g. "layer 1 weights"
     * @param parameters          k_c, its number of parameters
     * @param effectiveParameters γ_c, its effective parameters
     * @param alpha               α_c, the prior's precision (weights ~ N(0, 1/(2α_c)))
     * @param lambda              λ_c = s·α_c/β, the L2 decay it amounts to for the network's loss
     */
    public record WeightClass(String name, int parameters, double effectiveParameters, double alpha, double lambda) {}

    /**
     * The training data.
     *
     * @param file     the file name (without directories), or null
     * @param patterns number of patterns (before any validation split)
     * @param sha256   SHA-256 of the file's bytes as lower-case hex, or null
     */
    public record DataInfo(String file, long patterns, String sha256) {
        /**
         * A file's name and fingerprint (its bytes are read once).
         *
         * @param file     the training data file
         * @param patterns its number of patterns
         * @return the file's name (without directories), the count and the SHA-256 of its bytes
         * @throws IOException if the file cannot be read
         */
        public static DataInfo of(Path file, long patterns) throws IOException {
            return new DataInfo(Sources.name(file), patterns, Provenance.sha256(file));
        }
    }

    /**
     * The run's environment.
     *
     * @param library "backprop4j VERSION"
     * @param java    the Java runtime version
     * @param os      operating system name and architecture
     * @param kernels the compute kernels used ({@link KernelProvider})
     * @param created when the model was made (ISO-8601 instant)
     */
    public record Environment(String library, String java, String os, String kernels, String created) {
        /** {@return this process's environment, now} */
        public static Environment current() {
            return new Environment("backprop4j " + libraryVersion(), Runtime.version().toString(),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"), KernelProvider.get().name(), Instant.now().toString());
        }
    }

    /**
     * A copy with another environment.
     *
     * @param e the environment
     * @return this provenance with {@code e} as its environment
     */
    public Provenance withEnvironment(Environment e) {
        return new Provenance(settings, outcome, data, e, distributed);
    }

    /**
     * {@return this library's version (e.g. {@code 0.1.0-SNAPSHOT})} From the build-filled
     * {@code version.properties}; "dev" when the classes were compiled without Maven's filtering.
     */
    public static String libraryVersion() {
        return LIBRARY_VERSION;
    }

    private static final String LIBRARY_VERSION = readLibraryVersion();

    private static String readLibraryVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version", "").strip();
                if (!v.isEmpty() && !v.startsWith("${")) return v;
            }
        } catch (IOException e) {
            // fall through: a missing or unreadable resource is not worth failing a save for
        }
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** SHA-256 of a file's bytes as lower-case hex. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
