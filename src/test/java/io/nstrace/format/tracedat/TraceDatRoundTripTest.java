package io.nstrace.format.tracedat;

import io.nstrace.testing.TraceDataBuilder;
import io.nstrace.testing.Require;
import io.nstrace.format.output.EventContext;
import io.nstrace.format.EventReader;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.json.Json;
import io.nstrace.format.output.JsonWriter;
import io.nstrace.format.ringbuffer.TraceEvent;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.Fixtures;
import io.nstrace.format.TraceData;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writes a trace.dat from the captured page, reads it back, and has trace-cmd report read it when installed. */
class TraceDatRoundTripTest {
    @TempDir
    Path tmp;

    private TraceData data(int buffers, ContainerMap map) throws IOException {
        Path page = tmp.resolve("cpu0.raw");
        Files.copy(Fixtures.ROOT.resolve("pages/cpu0-page.raw"), page);
        Map<String, List<String>> formats = new LinkedHashMap<>();
        formats.put("syscalls", List.of(Fixtures.text("events/syscalls/sys_enter_read/format"),
                Fixtures.text("events/syscalls/sys_exit_read/format"),
                Fixtures.text("events/syscalls/sys_enter_write/format")));
        formats.put("sched", List.of(Fixtures.text("events/sched/sched_process_exec/format"),
                Fixtures.text("events/sched/sched_process_exit/format")));
        TraceDataBuilder b = TraceDataBuilder.withHeaderPage(HeaderPage.parse(Fixtures.text("header_page")))
                .headerEvent(Fixtures.text("header_event")).eventFormats(formats).cmdlines("32634 dd\n").cpuCount(2)
                .uname("Linux test 6.18 #1 x86_64").clock("[local] global").dateOffsetUs(1_000_000L)
                .version("nstrace").containers(map);
        for (int i = 0; i < buffers; i++) {
            String name = i == 0 ? "" : "web" + i;
            b.cpu(name, 0, page, 0, 4096, "entries: 26\noverrun: 0\n").cpu(name, 1, page, 0, 0, "");
        }
        return b.build();
    }

    private static List<String> events(TraceData d) throws IOException {
        List<String> out = new ArrayList<>();
        try (EventReader r = new EventReader(d)) {
            while (r.hasNext()) {
                TraceEvent e = r.next();
                out.add(e.buffer() + " " + e.cpu() + " " + e.timestamp() + " " + e.eventName() + " " + e.pid() + " "
                        + e.fields());
            }
        }
        return out;
    }

    /** The layouts the writer has: version 6, version 7 compressed with zstd (the default) and uncompressed. */
    static List<String> layouts() {
        return List.of("6", "7", "7-none");
    }

    private Path write(TraceData d, String layout) throws IOException {
        Path dat = tmp.resolve("out-" + layout + ".dat");
        try (OutputStream out = Files.newOutputStream(dat)) {
            switch (layout) {
                case "7" -> TraceDatWriter.write(d, out); // the default
                case "7-none" -> TraceDatWriter.write(d, out, new TraceDatWriter.Settings(7, false, tmp));
                default -> TraceDatWriter.write(d, out, TraceDatWriter.Settings.of(6, tmp));
            }
        }
        return dat;
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void writtenFileReadsBackWithTheSameEventsAndOptions(String layout) throws IOException {
        ContainerMap map = ContainerMap.empty()
                .withContainer(new ContainerMap.ContainerInfo("", "web", "abc123", "docker"))
                .withTask(new ContainerMap.TaskInfo(32634, "web", List.of(32634, 1), "dd"));
        TraceData d = data(1, map);
        Path dat = write(d, layout);
        byte[] head = Arrays.copyOf(Files.readAllBytes(dat), 24);
        assertEquals(layout.substring(0, 1), new String(head, 10, 1), "version");
        if (layout.equals("6")) {
            assertEquals(0, Files.size(dat) % 4096, "per-CPU data is page aligned");
        } else {
            assertEquals(layout.equals("7") ? "zstd" : "none", TraceDatReader.cstring(head, 18), "compression");
        }
        TraceData back = TraceDatReader.read(dat);
        assertEquals(events(d), events(back));
        assertEquals(26, events(back).size());
        assertEquals(map, back.options().containers());
        assertEquals("[local] global", back.options().clock());
        assertEquals(1_000_000L, back.options().dateOffsetUs());
        assertTrue(back.buffers().getFirst().cpus().getFirst().stats().contains("entries: 26"));
        StringWriter json = new StringWriter();
        try (EventReader r = new EventReader(back)) {
            new JsonWriter(json, EventContext.of(back)).writeAll(r);
        }
        Map<String, Object> first = Json.parseObject(json.toString().lines().findFirst().orElseThrow());
        assertEquals("web", first.get("container"));
        assertEquals(1L, ((Number) first.get("containerPid")).longValue());
        assertEquals("syscalls:sys_enter_read", first.get("event"));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void extraBuffersBecomeBufferOptions(String layout) throws IOException {
        TraceData d = data(3, ContainerMap.empty());
        TraceData back = TraceDatReader.read(write(d, layout));
        assertEquals(List.of("", "web1", "web2"), back.buffers().stream().map(TraceData.Buffer::name).toList());
        assertEquals(78, events(back).size());
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void traceCmdReportReadsItSilently(String layout) throws Exception {
        Require.traceCmd();
        ContainerMap map = ContainerMap.empty().withTask(new ContainerMap.TaskInfo(32634, "web", List.of(32634, 1), "dd"));
        Path dat = write(data(2, map), layout);
        Process p = new ProcessBuilder("trace-cmd", "report", dat.toString()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertFalse(err.toLowerCase().contains("unknown option"), err);
        long lines = out.lines().filter(l -> l.contains("sys_e") || l.contains("sched_process")).count();
        assertEquals(52, lines, out);
        Process v = new ProcessBuilder("trace-cmd", "dump", "--validate", dat.toString()).redirectErrorStream(true)
                .start();
        String vout = new String(v.getInputStream().readAllBytes());
        assertTrue(v.waitFor(60, TimeUnit.SECONDS));
        assertTrue(vout.contains("valid"), vout);
    }
}
