package io.nstrace.format.json;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test
    void parsesNestedValues() {
        Map<String, Object> m = Json.parseObject(
                "{\"Name\":\"/web\",\"State\":{\"Pid\":1234,\"Running\":true},\"Args\":[\"a\",null,1.5],\"e\":\"x\\u0041\\n\"}");
        assertEquals("/web", Json.string(m, "Name"));
        assertEquals(1234L, Json.at(m, "State", "Pid"));
        assertEquals(Boolean.TRUE, Json.at(m, "State", "Running"));
        assertEquals(1.5, Json.at(m, "Args", 2));
        assertNull(Json.at(m, "Args", 1));
        assertNull(Json.at(m, "Missing", "x"));
        assertEquals("xA\n", Json.string(m, "e"));
    }

    @Test
    void rejectsMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1,}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1 2]"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
    }

    @Test
    void writesAndRoundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "we\"b\t");
        m.put("pids", List.of(1L, 2L));
        m.put("id", null);
        m.put("ok", true);
        String s = Json.write(m);
        assertEquals("{\"name\":\"we\\\"b\\t\",\"pids\":[1,2],\"id\":null,\"ok\":true}", s);
        assertEquals(m, Json.parse(s));
        assertEquals("\"\\u0001\"", Json.write("\u0001"));
    }

    @Test
    void unsignedSixtyFourBitNumbersTheWriterEmitsParseBack() {
        java.math.BigInteger u64 = new java.math.BigInteger("18446744073709551488");
        Object back = Json.parse(Json.write(java.util.List.of(u64, -5L, Long.MAX_VALUE)));
        assertEquals(java.util.List.of(u64, -5L, Long.MAX_VALUE), back);
    }
}
