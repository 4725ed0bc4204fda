package org.backprop4j.train;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.DataSet;

/**
 * The training run of {@link KillResumeTest}, as a program for a child JVM:
 * {@code KillResumeChild fresh|resume CHECKPOINT OUT}. Trains MONK-2 (all 432 tuples) with a
 * checkpoint after every epoch; at the end writes the final weights (float bits, big-endian) to OUT
 * atomically and exits 0.
 */
public final class KillResumeChild {
    static final int EPOCHS = 600;

    static DataSet data() {
        return BuiltinData.monkAll(2);
    }

    static Network network() {
        return Network.builder(17).layer(96, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), 21);
    }

    static TrainingConfig config() {
        return TrainingConfig.builder().online().epochs(EPOCHS).optimizer("sgd:lr=0.05,momentum=0.9").seed(77)
                .schedule(Schedule.inverseTime(0.01)).earlyStopping(new EarlyStopping(1000, 0, true, 0)).build();
    }

    /** The uninterrupted run, in-process. */
    static Network train() {
        Network n = network();
        new Trainer(n, Loss.BINARY_CROSS_ENTROPY, config()).fit(data(), validation());
        return n;
    }

    static DataSet validation() {
        return BuiltinData.monkSample(2, 100, 3);
    }

    public static void main(String[] args) throws IOException {
        Path ckpt = Path.of(args[1]), out = Path.of(args[2]);
        Network n = network();
        Trainer t = new Trainer(n, Loss.BINARY_CROSS_ENTROPY, config()).checkpointEvery(1, ckpt);
        if (args[0].equals("resume")) t.resume(ckpt, data(), validation());
        else t.fit(data(), validation());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream d = new DataOutputStream(os)) {
            for (float v : n.params()) d.writeInt(Float.floatToRawIntBits(v));
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    }
}
