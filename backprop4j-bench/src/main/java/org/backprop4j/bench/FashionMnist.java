package org.backprop4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.IdxReader;

/** Fashion-MNIST as the workloads define it: the first N images, pixels/255, labels one-hot. */
final class FashionMnist {
    private FashionMnist() {}

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
        return IdxReader.read(dir.resolve(prefix + "-images-idx3-ubyte.gz"), dir.resolve(prefix + "-labels-idx1-ubyte.gz"),
                IdxReader.FASHION_MNIST, limit);
    }
}
