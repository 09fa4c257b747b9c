package io.nstrace.format;

import io.nstrace.format.output.EventContext;
import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.output.JsonWriter;
import io.nstrace.format.printfmt.PrintFmtRenderer;
import io.nstrace.format.ringbuffer.TraceEvent;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KallsymsTest {
    static final String TABLE = """
            0000000000000000 A fixed_percpu_data
            ffffffff81365460 T vfs_iter_read
            ffffffff81363d40 T vfs_open
            ffffffff81366000 T vfs_read
            ffffffff81366400 T ksys_read
            ffffffffc02e4000 t v9fs_vfs_get_link\t[9p]
            """;

    static final Kallsyms SYMS = Kallsyms.parse(TABLE.getBytes(StandardCharsets.US_ASCII));

    @Test
    void aDeferredTableNamesWhatTheParsedOneNames() {
        Kallsyms deferred = Kallsyms.deferred(TABLE.getBytes(StandardCharsets.US_ASCII));
        for (long addr : new long[] {0xffffffff81363d40L, 0xffffffff81363d41L, 0xffffffff81366404L,
                0xffffffffc02e4010L, 0x1000L}) {
            assertEquals(SYMS.name(addr), deferred.name(addr), Long.toHexString(addr));
        }
        assertEquals(SYMS.size(), deferred.size());
        assertEquals(Kallsyms.EMPTY, Kallsyms.deferred(new byte[0]));
    }

    static EventFormat format61(String event) throws Exception {
        return EventFormat.parse("ftrace", Files.readString(
                Path.of("tracefs-fixtures/6.1.0-56-amd64/events/ftrace", event, "format")));
    }

    private static Map<String, Object> values(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void namesTheSymbolAtOrBelowAnAddressInUnsignedOrder() {
        assertEquals(Optional.of("vfs_open"), SYMS.name(0xffffffff81363d40L));
        assertEquals(Optional.of("vfs_read"), SYMS.name(0xffffffff81366010L));
        assertEquals(Optional.of("v9fs_vfs_get_link"), SYMS.name(0xffffffffc02e44dcL));
        assertEquals(Optional.empty(), SYMS.name(0xffffffff80000000L));
        assertEquals(5, SYMS.size(), "the zero-address per-CPU symbol is left out");
    }

    @Test
    void aCensoredTableNamesNothing() {
        Kallsyms k = Kallsyms.parse("0000000000000000 T vfs_read\n0000000000000000 T ksys_read\n".getBytes());
        assertEquals("0xffffffff81366010", k.nameOrHex(0xffffffff81366010L));
    }

    @Test
    void functionEventsRenderAsCalleeAndCaller() throws Exception {
        String s = PrintFmtRenderer.render(format61("function"),
                values("common_pid", 7L, "ip", 0xffffffff81366000L, "parent_ip", 0xffffffff81366433L), SYMS);
        assertEquals("vfs_read <-- ksys_read", s);
    }

    @Test
    void graphEntriesAndExitsIndentByDepthAndShowTheDuration() throws Exception {
        assertEquals("  vfs_read() {", PrintFmtRenderer.render(format61("funcgraph_entry"),
                values("func", 0xffffffff81366000L, "depth", 1L), SYMS));
        assertEquals("  } /* vfs_read */ 2.500 us", PrintFmtRenderer.render(format61("funcgraph_exit"),
                values("func", 0xffffffff81366000L, "depth", 1L, "overrun", 0L, "calltime", 1000L,
                        "rettime", 3500L), SYMS));
    }

    @Test
    void jsonGivesSymbolNamesAndRawAddresses() throws Exception {
        EventContext ctx = new EventContext(Map.of(7, "cat"), ContainerMap.empty(),
                TABLE.getBytes(StandardCharsets.US_ASCII));
        TraceEvent e = new TraceEvent("", 0, 1L, format61("function"), 1, 7,
                values("common_pid", 7L, "ip", 0xffffffff81366000L, "parent_ip", 0xffffffffc02e44dcL), 0);
        StringWriter w = new StringWriter();
        new JsonWriter(w, ctx).write(e);
        assertTrue(w.toString().contains("\"fields\":{\"ip\":\"vfs_read\",\"ip_addr\":\"0xffffffff81366000\","
                + "\"parent_ip\":\"v9fs_vfs_get_link\",\"parent_ip_addr\":\"0xffffffffc02e44dc\"}"), w.toString());
    }
}
