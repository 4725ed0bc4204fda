package org.backprop4j.kernel;

/**
 * Child-process entry point for {@link KernelProviderTest}: a short run's kernel choice with the
 * kernel line off (as the CLI and the bench run it), then the kernels' name.
 */
public final class ShortRunProbe {
    private ShortRunProbe() {}

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("org.backprop4j.kernel");

    public static void main(String[] args) {
        LOG.setLevel(java.util.logging.Level.WARNING);
        KernelProvider.expectWork(3.05e9);
        System.out.println("KERNEL=" + KernelProvider.get().name());
    }
}
