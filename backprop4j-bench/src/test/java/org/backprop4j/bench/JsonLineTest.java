package org.backprop4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineTest {
    @Test
    void writesWhatJacksonWrites() throws Exception {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("system", "backprop4j");
        rec.put("quote\"back\\slash", "tab\tnew\nline\u0001 é ±0.05");
        rec.put("int", 42);
        rec.put("long", 1L << 40);
        rec.put("double", 0.7512);
        rec.put("tiny", 1.5e-9);
        rec.put("big", 3.1e12);
        rec.put("nan", Double.NaN);
        rec.put("inf", Double.NEGATIVE_INFINITY);
        rec.put("float", 0.1f);
        rec.put("yes", true);
        rec.put("none", null);
        rec.put("list", List.of(0.84, 0.41, 0.4));
        rec.put("empty", List.of());
        rec.put("nested", Map.of("kernel", "openblas (x, 1 thread)"));
        rec.put("with null", Arrays.asList(1, null));
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.writeValueAsString(rec), JsonLine.of(rec));
        assertEquals(json.readTree(json.writeValueAsString(rec)), json.readTree(JsonLine.of(rec)));
    }
}
