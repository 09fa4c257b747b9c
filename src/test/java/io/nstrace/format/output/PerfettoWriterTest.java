package io.nstrace.format.output;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.Fixtures;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.ringbuffer.PageBuilder;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.testing.PerfettoChecks;
import io.nstrace.testing.PerfettoText;
import io.nstrace.testing.PerfettoText.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --format perfetto}: decoded with protoc against nstrace's .proto subset and checked against the JSON. */
class PerfettoWriterTest {
    /** The real two-container recording of the trace.dat tests (see format/tracedat/RealTrace). */
    private static final Path REAL = Path.of("src/test/resources/traces/two-containers.dat");

    @TempDir
    Path tmp;

    private Path perfetto(TraceData data, String container) throws IOException {
        Path out = tmp.resolve("t.pftrace");
        try (OutputStream os = Files.newOutputStream(out)) {
            TraceOutput.write(data, OutputFormat.perfetto, os, container);
        }
        return out;
    }

    private static String json(TraceData data, String container) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        TraceOutput.write(data, OutputFormat.json, b, container);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRealRecordingDecodesWithEveryEventEveryTaskNamedAndTheContainersInTheNames() throws Exception {
        TraceData data = TraceDatReader.read(REAL);
        Node trace = PerfettoText.decode(perfetto(data, null));
        Map<String, Long> byType = PerfettoChecks.check(trace, PerfettoChecks.jsonLines(json(data, null)));
        assertEquals(2671L, byType.values().stream().mapToLong(Long::longValue).sum());
        assertTrue(byType.get("sched_switch") > 0 && byType.get("sys_enter") > 0, byType.toString());
        List<String> names = trace.walk().filter(n -> n.name().equals("cmdline")).map(Node::value).toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("faults-dat-web:")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("faults-dat-db:")), names.toString());
        Node info = trace.all("packet").getFirst().first("system_info");
        assertNotNull(info, "the first packet is the system info");
        assertEquals("x86_64", info.first("utsname").get("machine"), "Perfetto picks its syscall table by this");
        assertEquals("2", info.get("num_cpus"));
        Node clocks = trace.all("packet").get(1).first("clock_snapshot");
        assertEquals("BUILTIN_CLOCK_BOOTTIME", clocks.get("primary_trace_clock"));
    }

    @Test
    void containerKeepsOnlyThatContainersEvents() throws Exception {
        TraceData data = TraceDatReader.read(REAL);
        String json = json(data, "faults-dat-db");
        Node trace = PerfettoText.decode(perfetto(data, "faults-dat-db"));
        Map<String, Long> byType = PerfettoChecks.check(trace, PerfettoChecks.jsonLines(json));
        long total = byType.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(total > 0 && total < 2671, byType.toString());
    }

    @Test
    void lostEventsMarkTheNextBundleAndTheStatsCountThem() throws Exception {
        EventFormat exit = Fixtures.format("raw_syscalls", "sys_exit");
        ByteBuffer first = new PageBuilder(1_000).event(10, exit.id(), 100, 0, 0, 0, 0).build();
        ByteBuffer second = new PageBuilder(2_000).event(10, exit.id(), 100, 0, 0, 0, 0)
                .build(HeaderPage.MISSING_EVENTS | HeaderPage.MISSING_STORED, 7L);
        Path pages = tmp.resolve("cpu0.raw");
        Files.write(pages, concat(first, second));
        TraceData d = new TraceData(4096, ByteOrder.LITTLE_ENDIAN, HeaderPage.parse(Fixtures.text("header_page")),
                Fixtures.text("header_event"), List.of(), Map.of("raw_syscalls", List.of(exit.text())), new byte[0],
                new byte[0], "100 busy\n", 1, new TraceData.Options("Linux h 6.18 #1 x86_64", "[local]", null, "t",
                ContainerMap.empty()), List.of(new TraceData.Buffer("", "local", List.of(new TraceData.CpuData(0,
                new TraceData.PageSource(pages, 0, 8192), "entries: 0\noverrun: 7\ndropped events: 2\n")))));
        Node trace = PerfettoText.decode(perfetto(d, null));
        List<Node> bundles = trace.all("packet").stream().map(p -> p.first("ftrace_events"))
                .filter(java.util.Objects::nonNull).toList();
        assertEquals(2, bundles.size(), "the loss splits the CPU's events into two bundles");
        assertEquals(null, bundles.get(0).get("lost_events"));
        assertEquals("true", bundles.get(1).get("lost_events"));
        Node stats = trace.all("packet").stream().map(p -> p.first("ftrace_stats"))
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        assertEquals("END_OF_TRACE", stats.get("phase"));
        assertEquals("7", stats.first("cpu_stats").get("overrun"));
        assertEquals("2", stats.first("cpu_stats").get("dropped_events"));
        PerfettoChecks.check(trace, PerfettoChecks.jsonLines(json(d, null)));
    }

    @Test
    void functionGraphEventsNameTheirFunctionsThroughInternedKernelSymbols() throws Exception {
        EventFormat entry = EventFormat.parse("ftrace", Fixtures.text("events/ftrace/funcgraph_entry/format"));
        EventFormat function = EventFormat.parse("ftrace", Fixtures.text("events/ftrace/function/format"));
        long open = 0xffffffff81001000L;
        long read = 0xffffffff81002000L;
        ByteBuffer page = new PageBuilder(1_000)
                .event(10, entry.id(), 100, (int) open, (int) (open >>> 32), 1, 0)
                .event(10, function.id(), 100, (int) read, (int) (read >>> 32), (int) open, (int) (open >>> 32))
                .event(10, entry.id(), 100, (int) open, (int) (open >>> 32), 2, 0).build();
        Path pages = Files.write(tmp.resolve("cpu0.raw"), page.array());
        TraceData d = new TraceData(4096, ByteOrder.LITTLE_ENDIAN, HeaderPage.parse(Fixtures.text("header_page")),
                Fixtures.text("header_event"), List.of(entry.text(), function.text()), Map.of(),
                "ffffffff81001000 T do_sys_open\nffffffff81002000 T vfs_read\n".getBytes(StandardCharsets.UTF_8),
                new byte[0], "100 cat\n", 1, new TraceData.Options("Linux h 6.18 #1 x86_64", "[local]", null, "t",
                ContainerMap.empty()), List.of(new TraceData.Buffer("", "local", List.of(new TraceData.CpuData(0,
                new TraceData.PageSource(pages, 0, 4096), "")))));
        Node trace = PerfettoText.decode(perfetto(d, null));
        PerfettoChecks.check(trace, PerfettoChecks.jsonLines(json(d, null)));
        assertEquals("1", trace.all("packet").getFirst().get("sequence_flags"), "incremental state cleared first");
        List<Node> symbols = trace.walk().filter(n -> n.name().equals("kernel_symbols")).toList();
        assertEquals(1, symbols.size(), "one symbol, interned once: " + symbols);
        assertEquals(Long.toUnsignedString(open), symbols.getFirst().get("iid"));
        assertEquals("do_sys_open", symbols.getFirst().get("str"));
        List<Node> events = PerfettoChecks.events(trace);
        assertEquals(Long.toUnsignedString(open), PerfettoChecks.payload(events.get(0)).get("func"));
        Node generic = PerfettoChecks.payload(events.get(1));
        assertEquals("function", generic.get("event_name"));
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        generic.all("field").forEach(f -> fields.put(f.get("name"), f.get("str_value") != null ? f.get("str_value")
                : f.get("uint_value")));
        assertEquals(Map.of("ip", "vfs_read", "ip_addr", Long.toUnsignedString(read), "parent_ip", "do_sys_open",
                "parent_ip_addr", Long.toUnsignedString(open), "args", "[]"), fields);
    }

    private static byte[] concat(ByteBuffer a, ByteBuffer b) {
        byte[] out = new byte[a.capacity() + b.capacity()];
        System.arraycopy(a.array(), 0, out, 0, a.capacity());
        System.arraycopy(b.array(), 0, out, a.capacity(), b.capacity());
        return out;
    }
}
