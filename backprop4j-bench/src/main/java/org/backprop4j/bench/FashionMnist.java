package org.backprop4j.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.backprop4j.data.DataSet;

/** Fashion-MNIST as the workloads define it: first N images, pixels/255, labels one-hot. */
final class FashionMnist {
    private FashionMnist() {}

    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** $FMNIST_DIR or Debian's /usr/share/datasets/fashion-mnist. */
    static Path directory() {
        Path d = Path.of(System.getenv().getOrDefault("FMNIST_DIR", "/usr/share/datasets/fashion-mnist"));
        if (!Files.isRegularFile(d.resolve("train-images-idx3-ubyte.gz"))) {
            System.err.println("Fashion-MNIST not found in " + d
                    + ": apt-get install dataset-fashion-mnist, or set FMNIST_DIR to the directory holding the IDX .gz files");
            System.exit(2);
        }
        return d;
    }

    static DataSet load(Path dir, boolean train, int limit) throws IOException {
        String prefix = train ? "train" : "t10k";
        byte[] images = read(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 0x803);
        byte[] labels = read(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 0x801);
        int n = Math.min(limit, labels.length);
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n * 784; i++) x[i] = (images[i] & 0xFF) / 255f;
        for (int i = 0; i < n; i++) y[i] = labels[i];
        return DataSet.classification(x, 784, y, CLASSES);
    }

    private static byte[] read(Path f, int magic) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f), 1 << 16); DataInputStream d = new DataInputStream(in)) {
            if (d.readInt() != magic) throw new IOException(f + ": wrong IDX magic number");
            int dims = magic & 0xFF;
            long size = 1;
            for (int i = 0; i < dims; i++) size *= d.readInt();
            byte[] b = new byte[(int) size];
            d.readFully(b);
            return b;
        }
    }
}
