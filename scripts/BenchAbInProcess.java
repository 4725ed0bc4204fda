import java.io.File;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import javax.tools.ToolProvider;

/**
 * W1 of two builds in one JVM, alternated run by run (A, B, B, A, ...): each build's bench jar in a
 * class loader of its own, with a small driver compiled against it. Both sides see the same machine
 * state at nearly the same moments, which separate processes on a shared 2-core machine do not.
 *   java scripts/BenchAbInProcess.java JAR_A JAR_B ROUNDS [THREADS]
 */
public class BenchAbInProcess {
    static final String DRIVER = """
        package org.backprop4j.bench;
        import java.nio.file.Path;
        import org.backprop4j.*;
        import org.backprop4j.data.DataSet;
        import org.backprop4j.kernel.ParallelKernels;
        import org.backprop4j.train.*;
        public class AbDriver implements java.util.function.IntToDoubleFunction {
            final DataSet train;
            final ParallelKernels kernels;
            boolean warm;
            public AbDriver(String dir, int threads) throws Exception {
                train = FashionMnist.load(Path.of(dir), true, 60000);
                kernels = Workloads.parallelKernels(threads);
                System.out.println("kernels: " + kernels.name() + ", " + kernels.threads() + " threads");
            }
            // one W1 run (WORKLOADS.md): 784-256-128-10 relu, He init, momentum SGD 0.05/0.9, batches of 64, 3 epochs
            public double applyAsDouble(int seed) {
                Network net = Network.builder(784).layer(256, Activation.RELU).layer(128, Activation.RELU)
                        .layer(10, Activation.SOFTMAX).build(Init.he(), 42);
                TrainingConfig cfg = TrainingConfig.builder().epochs(3).seed(42).evaluateEachEpoch(false)
                        .miniBatch(64).shuffle(true).optimizer(() -> new Sgd(0.05, 0.9, false)).build();
                Trainer t = new Trainer(net, Loss.CROSS_ENTROPY, cfg, kernels);
                if (!warm) { t.warmUp(train, 10_000); warm = true; }
                long t0 = System.nanoTime();
                t.fit(train);
                double s = (System.nanoTime() - t0) / 1e9;
                return 3.0 * train.size() / s;
            }
        }
        """;

    public static void main(String[] a) throws Exception {
        String dir = System.getProperty("fmnist", "/usr/share/datasets/fashion-mnist");
        int rounds = Integer.parseInt(a[2]);
        int threads = a.length > 3 ? Integer.parseInt(a[3]) : 2;
        IntToDoubleFunction[] side = new IntToDoubleFunction[2];
        for (int i = 0; i < 2; i++) {
            Path jar = Path.of(a[i]).toAbsolutePath();
            Path out = Files.createTempDirectory("abdriver");
            Path src = out.resolve("org/backprop4j/bench/AbDriver.java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, DRIVER);
            int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--add-modules", "jdk.incubator.vector",
                    "-nowarn", "-cp", jar.toString(), "-d", out.toString(), src.toString());
            if (rc != 0) throw new IllegalStateException("driver does not compile against " + jar);
            URLClassLoader cl = new URLClassLoader("side" + i, new URL[] {out.toUri().toURL(), jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Constructor<?> c = cl.loadClass("org.backprop4j.bench.AbDriver").getConstructor(String.class, int.class);
            side[i] = (IntToDoubleFunction) c.newInstance(dir, threads);
        }
        List<Double> ra = new ArrayList<>(), rb = new ArrayList<>();
        side[0].applyAsDouble(0);   // warm-ups, untimed
        side[1].applyAsDouble(0);
        for (int r = 0; r < rounds; r++) {
            boolean aFirst = r % 2 == 0;
            double x = side[aFirst ? 0 : 1].applyAsDouble(r), y = side[aFirst ? 1 : 0].applyAsDouble(r);
            double va = aFirst ? x : y, vb = aFirst ? y : x;
            ra.add(va); rb.add(vb);
            System.out.printf("round %d: A %.0f  B %.0f  B/A %.3f%n", r + 1, va, vb, vb / va);
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < rounds; i++) ratios.add(rb.get(i) / ra.get(i));
        System.out.printf("A median %.0f, B median %.0f samples/s; B/A of medians %.3f, median of per-round B/A %.3f (%d rounds, %d threads)%n",
                median(ra), median(rb), median(rb) / median(ra), median(ratios), rounds, threads);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
