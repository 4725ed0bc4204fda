package org.backprop4j.cli;

/** Counts worded as English has them: "1 pattern", "2 patterns". */
final class Words {
    private Words() {
    }

    /** {@code n} and the noun in agreement: {@code one} for 1, else {@code one + "s"} (or {@code many} where given). */
    static String count(long n, String one) {
        return count(n, one, one + "s");
    }

    static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
