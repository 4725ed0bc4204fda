package org.backprop4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.backprop4j.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The brief fuzzing run of the normal test suite: for each target, 1500 inputs made by random
 * mutations (bit flips, byte changes, insertions, deletions, splices, interesting bytes such as
 * separators, quotes, digits and size-field extremes) of its seed corpus, with a fixed seed so a
 * failure replays. Not coverage-guided (Jazzer fuzzes one test per JVM: {@code scripts/fuzz} does
 * that for longer); the property is the same ({@link Targets}).
 */
class MutationSmokeTest {
    static final int INPUTS = 1500;
    private static final byte[] INTERESTING = ",;\t|\n\r\"'?:#%@{}-+.eE0123456789 \u0000\u00ff\u007f\u0080".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @ParameterizedTest
    @ValueSource(strings = {"csv", "csvPair", "arff", "libsvm", "monk", "idx", "schema", "checkpoint", "checkpointPayload"})
    void mutatedSeedsGiveOnlyDataFormatExceptions(String target) throws Exception {
        List<byte[]> seeds = seeds(target);
        assertFalse(seeds.isEmpty(), "no seeds for " + target);
        Targets.Target t = switch (target) {
            case "csv" -> Targets::csv;
            case "csvPair" -> Targets::csvPair;
            case "arff" -> Targets::arff;
            case "libsvm" -> Targets::libsvm;
            case "monk" -> Targets::monk;
            case "idx" -> Targets::idx;
            case "schema" -> Targets::schema;
            case "checkpoint" -> Targets::checkpoint;
            case "checkpointPayload" -> Targets::checkpointPayload;
            default -> throw new IllegalArgumentException(target);
        };
        Rng r = new Rng(target.hashCode());
        for (int i = 0; i < INPUTS; i++) {
            byte[] in = seeds.get(r.nextInt(seeds.size()));
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) in = mutate(in, seeds, r);
            try {
                t.run(in);
            } catch (Throwable e) {
                throw new AssertionError(target + ": input " + i + " (Base64 " + java.util.Base64.getEncoder().encodeToString(in) + ")", e);
            }
        }
    }

    static List<byte[]> seeds(String target) throws IOException, URISyntaxException {
        URL u = MutationSmokeTest.class.getResource("ReaderFuzzTestInputs/" + target);
        List<byte[]> out = new ArrayList<>();
        if (u == null) return out;
        try (Stream<Path> s = Files.list(Path.of(u.toURI()))) {
            for (Path p : s.sorted().toList()) out.add(Files.readAllBytes(p));
        }
        return out;
    }

    static byte[] mutate(byte[] in, List<byte[]> seeds, Rng r) {
        int len = in.length;
        switch (r.nextInt(8)) {
            case 0 -> {   // flip a bit
                if (len == 0) return new byte[] {(byte) r.nextInt(256)};
                byte[] b = in.clone();
                b[r.nextInt(len)] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 1 -> {   // set a byte to an interesting value
                if (len == 0) return new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]};
                byte[] b = in.clone();
                b[r.nextInt(len)] = INTERESTING[r.nextInt(INTERESTING.length)];
                return b;
            }
            case 2 -> {   // insert an interesting byte
                int at = r.nextInt(len + 1);
                byte[] b = new byte[len + 1];
                System.arraycopy(in, 0, b, 0, at);
                b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                System.arraycopy(in, at, b, at + 1, len - at);
                return b;
            }
            case 3 -> {   // delete a range
                if (len == 0) return in;
                int at = r.nextInt(len), n = 1 + r.nextInt(Math.min(16, len - at));
                byte[] b = new byte[len - n];
                System.arraycopy(in, 0, b, 0, at);
                System.arraycopy(in, at + n, b, at, len - at - n);
                return b;
            }
            case 4 -> {   // truncate
                return Arrays.copyOf(in, len == 0 ? 0 : r.nextInt(len));
            }
            case 5 -> {   // duplicate a range (e.g. lines, repeated rows)
                if (len == 0) return in;
                int at = r.nextInt(len), n = 1 + r.nextInt(Math.min(64, len - at));
                byte[] b = new byte[len + n];
                System.arraycopy(in, 0, b, 0, at + n);
                System.arraycopy(in, at, b, at + n, len - at);
                return b;
            }
            case 6 -> {   // splice with another seed
                byte[] o = seeds.get(r.nextInt(seeds.size()));
                int a = r.nextInt(len + 1), c = r.nextInt(o.length + 1);
                byte[] b = new byte[a + o.length - c];
                System.arraycopy(in, 0, b, 0, a);
                System.arraycopy(o, c, b, a, o.length - c);
                return b;
            }
            default -> {  // a 32-bit big-endian extreme at a random offset (size fields)
                if (len < 4) return in;
                int[] ext = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x10000, 255, 256};
                byte[] b = in.clone();
                int at = r.nextInt(len - 3), v = ext[r.nextInt(ext.length)];
                b[at] = (byte) (v >>> 24);
                b[at + 1] = (byte) (v >>> 16);
                b[at + 2] = (byte) (v >>> 8);
                b[at + 3] = (byte) v;
                return b;
            }
        }
    }
}
