package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quick, seeded mutation fuzzer (not coverage-guided; issue 6's Jazzer harness is separate):
 * valid small files of every format are mutated at random (bytes flipped, replaced by
 * format-significant characters, inserted, deleted, truncated; plain and gzip) and read. Reading
 * must either succeed or throw DataFormatException; any other exception or error fails the test.
 * Fixed seeds: the same mutants every run. About 2000 reads in about a second; a longer run:
 * {@code mvn -pl backprop4j-core test -Dtest=MutationFuzzTest -Dbp4j.fuzz.factor=100}.
 */
class MutationFuzzTest {
    @TempDir
    Path dir;

    static final byte[] SPECIAL = ",;\t\n\r\"'{}?%@:#.-+eE0 9xN\u00ff".getBytes(StandardCharsets.ISO_8859_1);

    static byte[] mutate(byte[] in, Rng r) {
        byte[] b = in.clone();
        int ops = 1 + r.nextInt(4);
        for (int k = 0; k < ops && b.length > 0; k++) {
            int pos = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[pos] = (byte) r.nextInt(256);
                case 1 -> b[pos] = SPECIAL[r.nextInt(SPECIAL.length)];
                case 2 -> {   // insert
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, pos);
                    c[pos] = SPECIAL[r.nextInt(SPECIAL.length)];
                    System.arraycopy(b, pos, c, pos + 1, b.length - pos);
                    b = c;
                }
                case 3 -> {   // delete
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, pos);
                    System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
                    b = c;
                }
                case 4 -> b = Arrays.copyOf(b, pos);   // truncate
                default -> b[pos] ^= (byte) (1 << r.nextInt(8));
            }
        }
        return b;
    }

    interface Read {
        void read(Path p) throws IOException;
    }

    /** -Dbp4j.fuzz.factor=50 runs 50 times as many mutants (a longer run by a separate command). */
    static final int FACTOR = Integer.getInteger("bp4j.fuzz.factor", 1);

    void fuzz(String name, byte[] valid, Read reader, long seed, int n) throws IOException {
        n *= FACTOR;
        Rng r = new Rng(seed * 1_000_003L + FACTOR);
        for (int i = 0; i < n; i++) {
            byte[] b = mutate(valid, r);
            if (r.nextInt(4) == 0) b = BadInputTest.gzip(b);
            else if (r.nextInt(8) == 0) b = mutate(BadInputTest.gzip(valid), r);
            Path p = dir.resolve(name);
            Files.write(p, b);
            try {
                reader.read(p);
            } catch (DataFormatException e) {
                if (e.getMessage() == null || !e.getMessage().contains(name)) fail("message does not name the file: " + e.getMessage());
            } catch (Throwable t) {
                fail(name + " mutant " + i + " (seed " + seed + ") threw " + t + "; bytes: " + new String(b, StandardCharsets.ISO_8859_1), t);
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void csv() throws IOException {
        fuzz("f.csv", bytes("a,b,colour,y\n1.5,2,red,yes\n-3e2,4,\"blue, dark\",no\n5,6,red,yes\n"), CsvReader::read, 1, 400);
        fuzz("sk.csv", bytes("3,2,p,q\n1,2,0\n3,4,1\n5,6,0\n"), CsvReader::read, 2, 200);
        fuzz("k.csv", bytes("a,b,y\n1,?,0\n2,3,1\n"), p -> CsvReader.read(p, ReadOptions.defaults().missing(MissingValues.KEEP).classTarget(true)), 3, 200);
    }

    @Test
    void arff() throws IOException {
        fuzz("f.arff", bytes("% c\n@relation r\n@attribute a numeric\n@attribute 'b c' {x,'y z'}\n@attribute class {p,q}\n@data\n1,x,p\n2,'y z',q\n?,x,p\n"),
                p -> ArffReader.read(p, ReadOptions.defaults().missing(MissingValues.KEEP)), 4, 400);
    }

    @Test
    void libsvmAndMonk() throws IOException {
        fuzz("f.svm", bytes("+1 1:0.5 3:2\n-1 2:1 # c\n1 4:-1.5\n"), LibsvmReader::read, 5, 300);
        fuzz("monks-1.train", bytes(" 1 1 1 1 1 3 1 data_5\n 0 1 1 1 1 3 2 data_6\n"), MonkFormat::read, 6, 300);
    }

    @Test
    void idx() throws IOException {
        byte[] img = IdxReaderTest.idx(new int[] {3, 2, 2}, IdxReaderTest.PIXELS);
        Path lab = dir.resolve("lab");
        Files.write(lab, IdxReaderTest.idx(new int[] {3}, IdxReaderTest.LABELS));
        fuzz("img", img, p -> IdxReader.read(p, lab), 7, 300);
        Path im = dir.resolve("img0");
        Files.write(im, img);
        fuzz("lab1", IdxReaderTest.idx(new int[] {3}, IdxReaderTest.LABELS), p -> IdxReader.read(im, p), 8, 200);
    }
}
