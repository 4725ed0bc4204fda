import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a numeric CSV for memory measurements (scripts/memory-check): a header, then ROWS lines of
 * COLS−1 inputs in [0, 1) with 4 decimals and a regression target (a noisy sum of the first inputs).
 * Usage: java scripts/GenerateCsv.java ROWS COLS FILE [SEED]
 */
public class GenerateCsv {
    public static void main(String[] a) throws IOException {
        long rows = Long.parseLong(a[0]);
        int cols = Integer.parseInt(a[1]);
        Path out = Path.of(a[2]);
        SplittableRandom rnd = new SplittableRandom(a.length > 3 ? Long.parseLong(a[3]) : 1);
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            StringBuilder sb = new StringBuilder();
            for (int j = 1; j < cols; j++) sb.append('x').append(j).append(',');
            w.write(sb.append("y\n").toString());
            char[] line = new char[cols * 8 + 16];
            for (long r = 0; r < rows; r++) {
                int p = 0;
                int sum = 0;
                for (int j = 1; j < cols; j++) {
                    int v = rnd.nextInt(10000);
                    if (j <= 5) sum += v;
                    line[p++] = '0';
                    line[p++] = '.';
                    line[p++] = (char) ('0' + v / 1000);
                    line[p++] = (char) ('0' + v / 100 % 10);
                    line[p++] = (char) ('0' + v / 10 % 10);
                    line[p++] = (char) ('0' + v % 10);
                    line[p++] = ',';
                }
                int y = sum + rnd.nextInt(2000);   // target in units of 1e-4, noisy
                String t = Integer.toString(y / 10000) + "." + String.format("%04d", y % 10000);
                t.getChars(0, t.length(), line, p);
                p += t.length();
                line[p++] = '\n';
                w.write(line, 0, p);
            }
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
