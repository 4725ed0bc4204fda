package org.backprop4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Picks a reader from the file name (a trailing ".gz" ignored): .arff → {@link ArffReader};
 * .libsvm, .svm, .svmlight → {@link LibsvmReader}; monks-N.train/.test → {@link MonkFormat};
 * anything else → {@link CsvReader}. IDX needs two files: use {@link IdxReader} directly.
 */
public final class DataFiles {
    private DataFiles() {}

    public enum Format { CSV, ARFF, LIBSVM, MONK }

    public static Format formatOf(Path file) {
        String n = Sources.name(file).toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
        if (n.endsWith(".arff")) return Format.ARFF;
        if (n.endsWith(".libsvm") || n.endsWith(".svm") || n.endsWith(".svmlight")) return Format.LIBSVM;
        if (n.matches("monks-[123]\\.(train|test)")) return Format.MONK;
        return Format.CSV;
    }

    public static DataSet read(Path file, ReadOptions o) throws IOException {
        return switch (formatOf(file)) {
            case ARFF -> ArffReader.read(file, o);
            case LIBSVM -> LibsvmReader.read(file, o);
            case MONK -> MonkFormat.read(file);
            case CSV -> CsvReader.read(file, o);
        };
    }
}
