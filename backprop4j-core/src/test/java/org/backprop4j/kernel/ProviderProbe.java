package org.backprop4j.kernel;

/** Child-process entry point for {@link KernelProviderTest}: prints the kernels chosen (asked twice). */
public final class ProviderProbe {
    private ProviderProbe() {}

    public static void main(String[] args) {
        Kernels first = KernelProvider.get();
        Kernels second = KernelProvider.get();
        float[] c = new float[1];
        first.sgemm(false, false, 1, 1, 1, 1f, new float[] {3f}, 0, 1, new float[] {2f}, 0, 1, 0f, c, 0, 1);
        System.out.println("KERNEL=" + first.name() + " SAME=" + (first == second) + " PRODUCT=" + c[0]);
    }
}
