package org.backprop4j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the columns of a {@link DataSet} mean: the raw input attributes (nominal ones one-hot
 * encoded, in order) and the target attribute(s). A nominal target makes a classification task
 * (classes = its values, in declared order); numeric targets make a regression task.
 * Stored with a model so that files read for prediction are encoded exactly like the training
 * file (readers accept a schema in their options).
 */
public record Schema(List<Attribute> inputs, List<Attribute> targets) {

    public Schema {
        inputs = List.copyOf(inputs);
        targets = List.copyOf(targets);
        if (inputs.isEmpty()) throw new IllegalArgumentException("a schema needs at least one input attribute");
        if (targets.isEmpty()) throw new IllegalArgumentException("a schema needs at least one target attribute");
        boolean nominal = targets.get(0).isNominal();
        if (nominal && targets.size() > 1) throw new IllegalArgumentException("only one nominal (class) target is supported, found " + targets.size() + " targets");
        for (Attribute t : targets) {
            if (t.isNominal() != nominal) throw new IllegalArgumentException("targets must be all numeric (regression) or one nominal (classification)");
        }
        if (nominal && targets.get(0).values().size() < 2) throw new IllegalArgumentException("class attribute '" + targets.get(0).name() + "' needs at least two values");
    }

    public boolean isClassification() {
        return targets.get(0).isNominal();
    }

    /** Class names for a classification task, else null. */
    public List<String> classNames() {
        return isClassification() ? targets.get(0).values() : null;
    }

    /** Number of encoded input columns (one-hot widths summed). */
    public int encodedInputs() {
        int n = 0;
        for (Attribute a : inputs) n += a.width();
        return n;
    }

    /** Number of target columns: the class count (one-hot) or the number of numeric targets. */
    public int encodedOutputs() {
        return isClassification() ? targets.get(0).values().size() : targets.size();
    }

    /**
     * Whether data or a network with {@code k} target columns fits this schema: {@link #encodedOutputs()}
     * columns, or one 0/1 column for a two-class target (one logistic output unit giving P(second class)).
     */
    public boolean fitsOutputs(int k) {
        return k == encodedOutputs() || (k == 1 && isClassification() && targets.get(0).values().size() == 2);
    }

    /** The name of every encoded input column: "name" for numeric, "name=value" for one-hot. */
    public List<String> encodedInputNames() {
        List<String> names = new ArrayList<>();
        for (Attribute a : inputs) {
            if (a.isNominal()) for (String v : a.values()) names.add(a.name() + "=" + v);
            else names.add(a.name());
        }
        return names;
    }

    /** First encoded column of each input attribute (length inputs().size() + 1; last = total). */
    public int[] offsets() {
        int[] off = new int[inputs.size() + 1];
        for (int i = 0; i < inputs.size(); i++) off[i + 1] = off[i] + inputs.get(i).width();
        return off;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", inputs.stream().map(Attribute::toMap).toList());
        m.put("targets", targets.stream().map(Attribute::toMap).toList());
        return m;
    }

    public static Schema fromMap(Object o, String source) throws DataFormatException {
        if (!(o instanceof Map<?, ?> m)) throw new DataFormatException(source, 0, 0, "expected a schema object, found " + Maps.describe(o));
        List<Attribute> in = new ArrayList<>();
        for (Object a : Maps.list(m, "inputs", source)) in.add(Attribute.fromMap(a, source));
        List<Attribute> out = new ArrayList<>();
        for (Object a : Maps.list(m, "targets", source)) out.add(Attribute.fromMap(a, source));
        try {
            return new Schema(in, out);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(source, 0, 0, "invalid schema: " + e.getMessage());
        }
    }
}
