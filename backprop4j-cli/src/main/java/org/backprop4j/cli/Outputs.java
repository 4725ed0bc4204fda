package org.backprop4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backprop4j.util.AtomicFiles;

/**
 * The files one command reads and writes, checked before any work is done: every output can be
 * written (its directory exists or can be created and accepts a new file; a parent that is a file
 * is named), and no output is the same file as an input or as another output (through links,
 * hard links and relative paths). Outputs are then written together with an
 * {@link AtomicFiles.Transaction}.
 */
final class Outputs {
    private final List<Map.Entry<String, Path>> inputs = new ArrayList<>();
    private final List<Map.Entry<String, Path>> outputs = new ArrayList<>();

    /** An input, named as the user gave it (e.g. "the training data DATA"). */
    Outputs input(String what, Path file) {
        if (file != null) inputs.add(Map.entry(what, file));
        return this;
    }

    /** An output, named as the user gave it (e.g. "-o"). */
    Outputs output(String what, Path file) {
        if (file != null) outputs.add(Map.entry(what, file));
        return this;
    }

    /** Throws a {@link Main.UserError} or a file-system error naming the path, before any work is done. */
    void check() throws IOException {
        List<Map.Entry<String, Path>> outs = outputs;
        for (int i = 0; i < outs.size(); i++) {
            Path o = outs.get(i).getValue();
            for (Map.Entry<String, Path> in : inputs) {
                if (AtomicFiles.sameFile(o, in.getValue())) {
                    throw new Main.UserError(outs.get(i).getKey() + " " + o + " is the same file as " + in.getKey() + " "
                            + in.getValue() + ": writing it would destroy it; choose another output file");
                }
            }
            for (int j = 0; j < i; j++) {
                if (AtomicFiles.sameFile(o, outs.get(j).getValue())) {
                    throw new Main.UserError(outs.get(i).getKey() + " " + o + " is the same file as " + outs.get(j).getKey() + " "
                            + outs.get(j).getValue() + ": give each output its own file");
                }
            }
            AtomicFiles.checkWritable(o);
        }
    }
}
