package org.backprop4j.kernel;

import java.util.logging.Logger;

/**
 * Chooses the {@link Kernels} implementation once, at first use, and logs the choice once.
 * Override with the system property {@code backprop4j.kernel} = {@code scalar} | {@code vector} |
 * {@code openblas} | {@code auto} (the default: the fastest that loads here).
 */
public final class KernelProvider {
    private static final Logger LOG = Logger.getLogger("org.backprop4j.kernel");
    private static volatile Kernels instance;

    private KernelProvider() {}

    /** The process-wide kernels. */
    public static Kernels get() {
        Kernels k = instance;
        if (k == null) {
            synchronized (KernelProvider.class) {
                k = instance;
                if (k == null) {
                    k = choose(System.getProperty("backprop4j.kernel", "auto"));
                    instance = k;
                }
            }
        }
        return k;
    }

    /** Kernels by name, or {@code null} if that implementation cannot be loaded here. */
    public static Kernels byName(String name) {
        return switch (name) {
            case "scalar" -> new ScalarKernels();
            default -> null;
        };
    }

    static Kernels choose(String wanted) {
        Kernels k;
        if ("auto".equals(wanted)) {
            k = byName("scalar");
            LOG.info("backprop4j kernels: " + k.name());
        } else {
            k = byName(wanted);
            if (k == null) {
                k = new ScalarKernels();
                LOG.warning("backprop4j kernels: '" + wanted + "' is not available here; using " + k.name());
            } else {
                LOG.info("backprop4j kernels: " + k.name() + " (requested)");
            }
        }
        return k;
    }
}
