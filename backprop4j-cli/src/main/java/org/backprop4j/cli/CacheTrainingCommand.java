package org.backprop4j.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The training run behind the launcher's start-up cache (JDK 25's AOT cache, JEPs 483/514/515):
 * the launcher runs this once per build with {@code -XX:AOTCacheOutput}, so that later runs start
 * with the classes loaded and linked and with method profiles that let the JIT compile the kernels
 * sooner. It runs the commands a user runs (IDX and CSV reading, mini-batch, online and full-batch
 * training, evaluate, predict, model files) on small generated data in a temporary directory.
 * Hidden: not a user command; it prints nothing unless a step fails.
 */
@Command(name = "cache-training", hidden = true,
        description = "Internal: the training run for the launcher's start-up cache.")
final class CacheTrainingCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("backprop4j-cache-training");
        try {
            Path images = dir.resolve("images.idx.gz"), labels = dir.resolve("labels.idx.gz"), csv = dir.resolve("data.csv");
            Path testImages = dir.resolve("test-images.idx.gz"), testLabels = dir.resolve("test-labels.idx.gz");
            writeIdx(images, labels, IMAGES, 28, 10, 1);
            writeIdx(testImages, testLabels, 500, 28, 10, 2);
            writeCsv(csv, 2000, 20, 3);
            String m1 = dir.resolve("m1.json").toString(), m2 = dir.resolve("m2.json").toString(), m3 = dir.resolve("m3.json").toString();
            String m4 = dir.resolve("m4.json").toString();
            // the shapes and rules of the peer workloads (W1 mini-batch ReLU, W2 online logistic, W3 full-batch Rprop tanh)
            step(w1(images, labels, testImages, testLabels, m1));
            step("train", images.toString(), "--labels", labels.toString(), "--hidden", "64", "--activation", "logistic",
                    "--optimizer", "sgd:lr=0.01", "--batch", "1", "--epochs", "1", "--scaling", "none", "-o", m2, "--quiet");
            step("train", images.toString(), "--labels", labels.toString(), "--hidden", "128", "--activation", "tanh",
                    "--optimizer", "irprop-", "--epochs", "4", "--scaling", "none", "-o", m3, "--quiet");
            step("train", csv.toString(), "--epochs", "5", "--validation", "0.2", "-o", m4, "--quiet");
            step("evaluate", m1, images.toString(), "--labels", labels.toString());
            step("evaluate", m4, csv.toString());
            step("predict", m4, csv.toString(), "-o", dir.resolve("p.csv").toString());
            return 0;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Images in the generated IDX training file. */
    static final int IMAGES = 2000;

    /** The W1 step: scripts/bench-compare's W1 command, its epochs making the run declared as large as W1's, so the cache holds what that declaration makes run. */
    static String[] w1(Path images, Path labels, Path testImages, Path testLabels, String model) {
        return new String[] {"train", images.toString(), "--labels", labels.toString(), "--test", testImages.toString(), "--test-labels",
                testLabels.toString(), "--hidden", "256,128", "--activation", "relu", "--init", "he", "--optimizer", "sgd:lr=0.05,momentum=0.9",
                "--batch", "64", "--epochs", "11", "--scaling", "none", "--lambda", "0", "--no-plateau-stop", "--seed", "42", "-o", model, "--json"};
    }

    private void step(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(OutputStream.nullOutputStream()), new PrintWriter(err));
        if (code != 0) {
            throw new IllegalStateException("cache training: '" + String.join(" ", args) + "' failed (" + code + "): " + err.toString().strip());
        }
    }

    /** An IDX images/labels pair (gzip) of blurred class prototypes plus noise: learnable, like the real files. */
    static void writeIdx(Path images, Path labels, int n, int side, int classes, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[][] proto = new byte[classes][side * side];
        for (byte[] p : proto) for (int i = 0; i < p.length; i++) p[i] = (byte) r.nextInt(256);
        try (DataOutputStream im = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(images)));
             DataOutputStream lb = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(labels)))) {
            im.writeInt(0x00000803);
            im.writeInt(n);
            im.writeInt(side);
            im.writeInt(side);
            lb.writeInt(0x00000801);
            lb.writeInt(n);
            byte[] row = new byte[side * side];
            for (int k = 0; k < n; k++) {
                int c = r.nextInt(classes);
                for (int i = 0; i < row.length; i++) row[i] = (byte) Math.clamp((proto[c][i] & 0xff) + r.nextInt(-60, 61), 0, 255);
                im.write(row);
                lb.writeByte(c);
            }
        }
    }

    /** A CSV with a header, numeric columns and a class column named by words. */
    static void writeCsv(Path csv, int n, int cols, int classes) throws IOException {
        SplittableRandom r = new SplittableRandom(2);
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < cols; j++) b.append("x").append(j).append(',');
        b.append("class\n");
        for (int k = 0; k < n; k++) {
            int c = r.nextInt(classes);
            for (int j = 0; j < cols; j++) b.append(String.format(Locale.ROOT, "%.4f,", c * 0.5 * (j % 3) + r.nextGaussian()));
            b.append("kind").append(c).append('\n');
        }
        Files.writeString(csv, b);
    }
}
