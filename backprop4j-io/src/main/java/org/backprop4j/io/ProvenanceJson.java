package org.backprop4j.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.Numbers;
import org.backprop4j.data.Pipeline;
import org.backprop4j.model.Provenance;
import org.backprop4j.train.Settings;

/**
 * The {@code provenance} section of a model file: {@link Provenance} as JSON (format 2), and the
 * untyped {@code training}, {@code data} and {@code provenance} maps of format 1 turned into it.
 */
final class ProvenanceJson {
    private ProvenanceJson() {}

    /** Makes the one-line error of a model file. */
    @FunctionalInterface
    interface Errors {
        DataFormatException of(String problem);
    }

    private static final Set<String> SECTIONS = Set.of("settings", "outcome", "data", "environment", "distributed");
    private static final Set<String> SETTINGS = Set.of("hidden", "activation", "output", "loss", "init", "optimizer", "epochs", "batch",
            "lambda", "targetError", "schedule", "clipNorm", "earlyStopping", "scaling", "seed", "validation", "plateau");
    private static final Set<String> OUTCOME = Set.of("epochs", "stopReason", "divergenceRestarts", "learningRateFactor", "learningRateUsed", "seconds", "trainLoss", "trainAccuracy",
            "validationLoss", "validationAccuracy", "bayesian");
    private static final Set<String> BAYESIAN = Set.of("effectiveParameters", "parameters", "beta", "logEvidence", "keptIteration", "classes");
    private static final Set<String> WEIGHT_CLASS = Set.of("name", "parameters", "effectiveParameters", "alpha", "lambda");
    private static final Set<String> DATA = Set.of("file", "patterns", "sha256");
    private static final Set<String> ENVIRONMENT = Set.of("library", "java", "os", "kernels", "created");
    private static final Set<String> DISTRIBUTED = Set.of("system", "master", "partitions", "executors", "scheme", "passes", "dataFingerprint");

    static ObjectNode write(Provenance p) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (p.settings() != null) o.set("settings", settings(p.settings()));
        if (p.outcome() != null) {
            Provenance.Outcome r = p.outcome();
            ObjectNode n = o.putObject("outcome");
            n.put("epochs", r.epochs());
            if (r.stopReason() != null) n.put("stopReason", r.stopReason());
            n.put("divergenceRestarts", r.divergenceRestarts());
            putFinite(n, "learningRateFactor", r.learningRateFactor());
            putFinite(n, "learningRateUsed", r.learningRateUsed());
            putFinite(n, "seconds", r.seconds());
            putFinite(n, "trainLoss", r.trainLoss());
            putFinite(n, "trainAccuracy", r.trainAccuracy());
            putFinite(n, "validationLoss", r.validationLoss());
            putFinite(n, "validationAccuracy", r.validationAccuracy());
            if (r.bayesian() != null) {
                Provenance.Bayesian b = r.bayesian();
                ObjectNode bn = n.putObject("bayesian");
                putFinite(bn, "effectiveParameters", b.effectiveParameters());
                bn.put("parameters", b.parameters());
                putFinite(bn, "beta", b.beta());
                putFinite(bn, "logEvidence", b.logEvidence());
                bn.put("keptIteration", b.keptIteration());
                ArrayNode cs = bn.putArray("classes");
                for (Provenance.WeightClass c : b.classes()) {
                    ObjectNode cn = cs.addObject();
                    cn.put("name", c.name());
                    cn.put("parameters", c.parameters());
                    putFinite(cn, "effectiveParameters", c.effectiveParameters());
                    putFinite(cn, "alpha", c.alpha());
                    putFinite(cn, "lambda", c.lambda());
                }
            }
        }
        if (p.data() != null) {
            ObjectNode n = o.putObject("data");
            if (p.data().file() != null) n.put("file", p.data().file());
            n.put("patterns", p.data().patterns());
            if (p.data().sha256() != null) n.put("sha256", p.data().sha256());
        }
        if (p.environment() != null) {
            Provenance.Environment e = p.environment();
            ObjectNode n = o.putObject("environment");
            putText(n, "library", e.library());
            putText(n, "java", e.java());
            putText(n, "os", e.os());
            putText(n, "kernels", e.kernels());
            putText(n, "created", e.created());
        }
        if (p.distributed() != null) {
            Provenance.Distributed d = p.distributed();
            ObjectNode n = o.putObject("distributed");
            putText(n, "system", d.system());
            putText(n, "master", d.master());
            n.put("partitions", d.partitions());
            ArrayNode a = n.putArray("executors");
            for (String id : d.executors()) a.add(id);
            putText(n, "scheme", d.scheme());
            n.put("passes", d.passes());
            putText(n, "dataFingerprint", d.dataFingerprint());
        }
        return o;
    }

    private static ObjectNode settings(Settings s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (s.hidden() != null) {
            ArrayNode a = n.putArray("hidden");
            for (int h : s.hidden()) a.add(h);
        }
        if (s.activations() != null) {
            // one activation for all hidden layers is a name, as before; different ones are a list, one per hidden layer
            if (s.activations().size() == 1) {
                n.put("activation", s.activations().get(0).id());
            } else {
                ArrayNode a = n.putArray("activation");
                for (Activation f : s.activations()) a.add(f.id());
            }
        }
        if (s.output() != null) n.put("output", s.output().id());
        if (s.loss() != null) n.put("loss", s.loss().id());
        putText(n, "init", s.init());
        putText(n, "optimizer", s.optimizer());
        if (s.epochs() != null) n.put("epochs", s.epochs());
        if (s.batch() != null) n.put("batch", s.batch());
        if (s.lambda() != null) n.put("lambda", s.lambda());
        if (s.targetError() != null) n.put("targetError", s.targetError());
        putText(n, "schedule", s.schedule());
        if (s.clipNorm() != null) n.put("clipNorm", s.clipNorm());
        putText(n, "earlyStopping", s.earlyStopping());
        if (s.scaling() != null) n.put("scaling", Settings.scalingId(s.scaling()));
        if (s.seed() != null) n.put("seed", s.seed());
        if (s.validation() != null) n.put("validation", s.validation());
        putText(n, "plateau", s.plateau());
        return n;
    }

    private static void putText(ObjectNode n, String k, String v) {
        if (v != null) n.put(k, v);
    }

    private static void putFinite(ObjectNode n, String k, double v) {
        if (Double.isFinite(v)) n.put(k, v);   // NaN (not applicable) is left out: JSON has no NaN
    }

    // ---- format 2: strict -------------------------------------------------------------------

    static Provenance read(Map<String, Object> m, Errors err) throws DataFormatException {
        if (m == null || m.isEmpty()) return Provenance.NONE;
        Fields f = Fields.of("provenance", m, SECTIONS, err);
        Settings settings = null;
        Map<String, Object> s = f.map("settings");
        if (s != null) {
            Fields g = Fields.of("provenance.settings", s, SETTINGS, err);
            try {
                settings = new Settings(g.ints("hidden"), g.activations("activation"), g.activation("output"), g.loss("loss"),
                        g.text("init"), g.text("optimizer"), g.integer("epochs"), g.integer("batch"), g.real("lambda"),
                        g.real("targetError"), g.text("schedule"), g.real("clipNorm"), g.text("earlyStopping"), g.scaling("scaling"),
                        g.whole("seed"), g.real("validation"), g.text("plateau"));
            } catch (IllegalArgumentException e) {
                throw err.of("provenance.settings: " + e.getMessage());
            }
        }
        Provenance.Outcome outcome = null;
        Map<String, Object> o = f.map("outcome");
        if (o != null) {
            Fields g = Fields.of("provenance.outcome", o, OUTCOME, err);
            outcome = new Provenance.Outcome(orZero(g.integer("epochs")), g.text("stopReason"), orZero(g.integer("divergenceRestarts")),
                    orNaN(g.real("learningRateFactor")), orNaN(g.real("learningRateUsed")), orNaN(g.real("seconds")), orNaN(g.real("trainLoss")), orNaN(g.real("trainAccuracy")), orNaN(g.real("validationLoss")),
                    orNaN(g.real("validationAccuracy")), bayesian(g.map("bayesian"), err));
        }
        Provenance.DataInfo data = null;
        Map<String, Object> d = f.map("data");
        if (d != null) {
            Fields g = Fields.of("provenance.data", d, DATA, err);
            Long patterns = g.whole("patterns");
            data = new Provenance.DataInfo(g.text("file"), patterns == null ? 0 : patterns, g.text("sha256"));
        }
        Provenance.Environment env = null;
        Map<String, Object> e = f.map("environment");
        if (e != null) {
            Fields g = Fields.of("provenance.environment", e, ENVIRONMENT, err);
            env = new Provenance.Environment(g.text("library"), g.text("java"), g.text("os"), g.text("kernels"), g.text("created"));
        }
        Provenance.Distributed dist = null;
        Map<String, Object> x = f.map("distributed");
        if (x != null) {
            Fields g = Fields.of("provenance.distributed", x, DISTRIBUTED, err);
            Long passes = g.whole("passes");
            dist = new Provenance.Distributed(g.text("system"), g.text("master"), orZero(g.integer("partitions")), g.texts("executors"),
                    g.text("scheme"), passes == null ? 0 : passes, g.text("dataFingerprint"));
        }
        return new Provenance(settings, outcome, data, env, dist);
    }

    /** outcome.bayesian: what Bayesian regularisation chose (null when absent). */
    private static Provenance.Bayesian bayesian(Map<String, Object> m, Errors err) throws DataFormatException {
        if (m == null) return null;
        Fields g = Fields.of("provenance.outcome.bayesian", m, BAYESIAN, err);
        List<Provenance.WeightClass> classes = new ArrayList<>();
        for (Map<String, Object> c : g.maps("classes")) {
            Fields h = Fields.of("provenance.outcome.bayesian.classes[" + classes.size() + "]", c, WEIGHT_CLASS, err);
            classes.add(new Provenance.WeightClass(h.text("name"), orZero(h.integer("parameters")), orNaN(h.real("effectiveParameters")),
                    orNaN(h.real("alpha")), orNaN(h.real("lambda"))));
        }
        Long kept = g.whole("keptIteration");
        return new Provenance.Bayesian(orNaN(g.real("effectiveParameters")), orZero(g.integer("parameters")), orNaN(g.real("beta")),
                orNaN(g.real("logEvidence")), kept == null ? 0 : kept, classes);
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    /** Typed access to one object's fields; unknown keys and wrong types are errors. */
    private record Fields(String where, Map<String, Object> m, Set<String> known, Errors err) {
        /** The fields of one object, refusing keys backprop4j does not write. */
        static Fields of(String where, Map<String, Object> m, Set<String> known, Errors err) throws DataFormatException {
            for (String k : m.keySet()) {
                if (!known.contains(k)) {
                    throw err.of(where + ": unknown field \"" + Numbers.clip(k) + "\" (backprop4j does not write it; the file was modified)");
                }
            }
            return new Fields(where, m, known, err);
        }

        private DataFormatException bad(String key, String what) {
            return err.of(where + "." + key + " must be " + what + " (the file was modified): restore it");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return null;
            if (!(v instanceof Map)) throw bad(key, "an object");
            return (Map<String, Object>) v;
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> maps(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return List.of();
            if (!(v instanceof List<?> l)) throw bad(key, "an array of objects");
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object o : l) {
                if (!(o instanceof Map)) throw bad(key, "an array of objects");
                out.add((Map<String, Object>) o);
            }
            return out;
        }

        String text(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return null;
            if (!(v instanceof String s)) throw bad(key, "a string");
            return s;
        }

        Integer integer(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return null;
            if (!(v instanceof Integer i)) throw bad(key, "a whole number");
            return i;
        }

        Long whole(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return null;
            if (!(v instanceof Integer || v instanceof Long)) throw bad(key, "a whole number");
            return ((Number) v).longValue();
        }

        Double real(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return null;
            if (!(v instanceof Number n)) throw bad(key, "a number");
            return n.doubleValue();
        }

        List<Integer> ints(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return null;
            if (!(v instanceof List<?> l)) throw bad(key, "an array of whole numbers");
            List<Integer> out = new ArrayList<>();
            for (Object o : l) {
                if (!(o instanceof Integer i)) throw bad(key, "an array of whole numbers");
                out.add(i);
            }
            return out;
        }

        List<String> texts(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return null;
            if (!(v instanceof List<?> l)) throw bad(key, "an array of strings");
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                if (!(o instanceof String t)) throw bad(key, "an array of strings");
                out.add(t);
            }
            return out;
        }

        Activation activation(String key) throws DataFormatException {
            String s = text(key);
            try {
                return s == null ? null : Activation.parse(s);
            } catch (IllegalArgumentException e) {
                throw err.of(where + "." + key + ": " + e.getMessage());
            }
        }

        /** A name (one activation for all hidden layers) or an array of names (one per hidden layer). */
        List<Activation> activations(String key) throws DataFormatException {
            Object v = m.get(key);
            if (v == null) return null;
            if (v instanceof String) return List.of(activation(key));
            if (!(v instanceof List<?> l)) throw bad(key, "an activation's name or an array of them");
            List<Activation> out = new ArrayList<>();
            for (Object o : l) {
                if (!(o instanceof String s)) throw bad(key, "an activation's name or an array of them");
                try {
                    out.add(Activation.parse(s));
                } catch (IllegalArgumentException e) {
                    throw err.of(where + "." + key + ": " + e.getMessage());
                }
            }
            return out;
        }

        Loss loss(String key) throws DataFormatException {
            String s = text(key);
            try {
                return s == null ? null : Loss.parse(s);
            } catch (IllegalArgumentException e) {
                throw err.of(where + "." + key + ": " + e.getMessage());
            }
        }

        Pipeline.Scaling scaling(String key) throws DataFormatException {
            String s = text(key);
            try {
                return s == null ? null : Settings.parseScaling(s);
            } catch (IllegalArgumentException e) {
                throw err.of(where + "." + key + ": " + e.getMessage());
            }
        }
    }

    // ---- format 1: the untyped maps, best effort (they are informational) ----------------------

    static Provenance readFormat1(Map<String, Object> training, Map<String, Object> data, Map<String, Object> provenance,
                                  Network net, Loss loss) {
        Settings settings = null;
        Provenance.Outcome outcome = null;
        if (training != null && !training.isEmpty()) {
            try {
                List<Integer> hidden = new ArrayList<>();
                for (int l = 1; l < net.layers(); l++) hidden.add(net.size(l));
                Integer batch = switch (String.valueOf(training.get("mode"))) {
                    case "full-batch" -> 0;
                    case "online" -> 1;
                    case "mini-batch" -> intOrNull(training.get("batch"));
                    default -> null;
                };
                Pipeline.Scaling scaling = null;
                if (training.get("scaling") instanceof String s) {
                    try {
                        scaling = Settings.parseScaling(s);
                    } catch (IllegalArgumentException e) {
                        scaling = null;   // an unknown name in an old file: the scaling itself is in the preprocessing
                    }
                }
                String init = training.get("init") instanceof String s ? s : null;
                try {
                    if (init != null) org.backprop4j.Init.parse(init);
                } catch (RuntimeException e) {
                    init = null;   // format 1 wrote the scheme's description (e.g. "uniform(0.5)"), not always a spec
                }
                List<Activation> hiddenActs = new ArrayList<>();
                for (int l = 1; l < net.layers(); l++) hiddenActs.add(net.activation(l));
                settings = new Settings(hidden, hiddenActs.isEmpty() ? null : hiddenActs, net.outputActivation(), loss, init,
                        training.get("optimizer") instanceof String s ? s : null, intOrNull(training.get("maxEpochs")), batch,
                        realOrNull(training.get("lambda"), 0.0), realOrNull(training.get("targetError"), 0.0),
                        training.get("schedule") instanceof String s ? s : null, realOrNull(training.get("clipNorm"), 0.0),
                        training.get("earlyStopping") instanceof String s ? s : null, scaling,
                        training.get("seed") instanceof Number n ? n.longValue() : null, realOrNull(training.get("validationFraction"), 0.0));
            } catch (RuntimeException e) {
                settings = null;   // informational only: an old file's odd settings do not stop it loading
            }
            Integer epochs = intOrNull(training.get("epochs"));
            Integer restarts = intOrNull(training.get("divergenceRestarts"));
            outcome = new Provenance.Outcome(epochs == null ? 0 : epochs, training.get("stopReason") instanceof String s ? s : null,
                    restarts == null ? 0 : restarts, realOrNull(training.get("learningRateFactor"), Double.NaN),
                    realOrNull(training.get("learningRateUsed"), Double.NaN), realOrNull(training.get("seconds"), Double.NaN), realOrNull(training.get("trainLoss"), Double.NaN),
                    realOrNull(training.get("trainAccuracy"), Double.NaN), realOrNull(training.get("validationLoss"), Double.NaN),
                    realOrNull(training.get("validationAccuracy"), Double.NaN));
        }
        Provenance.DataInfo dataInfo = null;
        if (data != null && !data.isEmpty()) {
            dataInfo = new Provenance.DataInfo(data.get("file") instanceof String s ? s : null,
                    data.get("patterns") instanceof Number n ? n.longValue() : 0, data.get("sha256") instanceof String s ? s : null);
        }
        Provenance.Environment env = null;
        if (provenance != null && !provenance.isEmpty()) {
            env = new Provenance.Environment(str(provenance.get("library")), str(provenance.get("java")), str(provenance.get("os")),
                    str(provenance.get("kernels")), str(provenance.get("created")));
        }
        return new Provenance(settings, outcome, dataInfo, env);
    }

    private static String str(Object o) {
        return o instanceof String s ? Numbers.clip(s) : null;
    }

    private static Integer intOrNull(Object o) {
        return o instanceof Integer i ? i : null;
    }

    private static Double realOrNull(Object o, Double otherwise) {
        return o instanceof Number n ? n.doubleValue() : otherwise;
    }
}
