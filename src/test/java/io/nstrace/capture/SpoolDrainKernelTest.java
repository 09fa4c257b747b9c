package io.nstrace.capture;

import io.nstrace.testing.Workloads;
import io.nstrace.format.ContainerMap;
import io.nstrace.format.output.EventContext;
import io.nstrace.format.EventReader;
import io.nstrace.format.json.Json;
import io.nstrace.format.output.JsonWriter;
import io.nstrace.format.output.TextWriter;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.format.tracedat.TraceDatWriter;
import io.nstrace.format.ringbuffer.TraceEvent;
import io.nstrace.testing.Require;
import io.nstrace.tracefs.TraceFs;
import io.nstrace.tracefs.TraceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records a known workload in a PID namespace through a private instance: dd doing exactly N one-byte reads
 * and writes, plus two exec'd programs. The counts must match exactly, trace-cmd must read the file, and
 * nstrace's text and JSON must agree with trace-cmd report event by event.
 */
class SpoolDrainKernelTest {
    private static final int N = 3000;
    private static final String[] EVENTS = {"syscalls/sys_enter_read", "syscalls/sys_exit_read",
            "syscalls/sys_enter_write", "sched/sched_process_exec", "sched/sched_process_exit"};

    @TempDir
    Path tmp;

    @Test
    void recordsAKnownWorkloadExactly() throws Exception {
        record(0);
    }

    /**
     * The same with 8 KiB sub-buffers (linux 6.8+): the recorder splices and counts 8 KiB pages, trace.dat says
     * 8192 as its page size, and trace-cmd reads the file line for line as nstrace does.
     */
    @Test
    void recordsAKnownWorkloadExactlyWithSubBuffersOfTwoPages() throws Exception {
        Path root = Require.kernel();
        Require.that(Require.KERNEL, Files.exists(root.resolve("buffer_subbuf_size_kb")),
                "this kernel has no buffer_subbuf_size_kb (linux 6.8+)");
        record(8);
    }

    private void record(int subbufKb) throws Exception {
        Path root = Require.kernel();
        TraceFs fs = TraceFs.locate(Path.of("/proc"), Optional.of(root));
        TraceInstance inst = fs.createInstance("nstrace-test-" + UUID.randomUUID().toString().substring(0, 8));
        if (subbufKb > 0) {
            inst.write("buffer_subbuf_size_kb", String.valueOf(subbufKb));
        }
        Path fifo = tmp.resolve("go");
        run("mkfifo", fifo.toString());
        Process ns = Workloads.unshare("read x < " + fifo
                + "; dd if=/dev/zero of=/dev/null bs=1 count=" + N + " 2>/dev/null; /bin/true");
        try {
            int pid = childOf(ns.pid());
            inst.write("options/event-fork", "1");
            inst.write("set_event_pid", String.valueOf(pid));
            for (String e : EVENTS) {
                inst.write("events/" + e + "/enable", "1");
            }
            ContainerMap map = ContainerMap.empty()
                    .withContainer(new ContainerMap.ContainerInfo("", "test-ns", "pidns", "unshare"))
                    .withTask(new ContainerMap.TaskInfo(pid, "test-ns", nspid(pid), "sh"));
            Path spool = tmp.resolve("spool");
            SpoolDrain rec = SpoolDrain.start(inst, Path.of("/proc"), spool);
            inst.write("tracing_on", "1");
            Files.writeString(fifo, "go\n");
            assertTrue(ns.waitFor(60, TimeUnit.SECONDS), "workload finished");
            inst.write("tracing_on", "0");
            Spool c = rec.stop();
            int pageSize = subbufKb > 0 ? subbufKb * 1024 : 4096;
            assertEquals(pageSize, c.meta().pageSize(), "page size from the instance's header_page");
            assertEquals(pageSize, c.cpus().stream().mapToLong(s -> s.bytes()).sum()
                    / Math.max(1, c.cpus().stream().mapToLong(s -> s.pages()).sum()), "bytes per page spooled");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(c.cpus().getFirst().file())));
            try (var files = Files.list(spool)) { // the readers' warm-up scratch files are gone
                assertEquals(List.of(), files.map(f -> f.getFileName().toString())
                        .filter(n -> !n.matches(Pattern.quote(inst.name()) + "\\.cpu\\d+")).toList());
            }
            Path dat = tmp.resolve("trace.dat");
            try (OutputStream out = Files.newOutputStream(dat)) {
                TraceDatWriter.write(Spool.toTraceData(List.of(c), map), out);
            }
            assertEquals(pageSize, TraceDatReader.read(dat).pageSize(), "trace.dat's page size");
            checkCounts(dat, c, pid);
            checkAgainstTraceCmd(dat);
        } finally {
            ns.destroyForcibly();
            inst.write("tracing_on", "0");
            for (String e : EVENTS) {
                inst.write("events/" + e + "/enable", "0");
            }
            inst.remove();
        }
    }

    private static void checkCounts(Path dat, Spool c, int shell) throws IOException {
        TraceData d = TraceDatReader.read(dat);
        int reads = 0;
        int writes = 0;
        int total = 0;
        List<String> execs = new ArrayList<>();
        try (EventReader r = new EventReader(d)) {
            while (r.hasNext()) {
                TraceEvent e = r.next();
                total++;
                Map<String, Object> f = e.fields();
                if (e.pid() == shell) {
                    continue; // the shell's own one-byte reads of "go\n" from the fifo
                }
                switch (e.eventName()) {
                    case "syscalls:sys_enter_read" -> reads += f.get("fd").equals(0L) && f.get("count").equals(1L) ? 1 : 0;
                    case "syscalls:sys_enter_write" -> writes += f.get("fd").equals(1L) && f.get("count").equals(1L) ? 1 : 0;
                    case "sched:sched_process_exec" -> execs.add((String) f.get("filename"));
                    default -> { }
                }
            }
        }
        assertEquals(N, reads, "one-byte reads of stdin");
        assertEquals(N, writes, "one-byte writes to stdout");
        assertEquals(List.of("/usr/bin/dd", "/bin/true"), execs);
        assertEquals(c.events(), total, "events counted by the recorder = events in the file");
        assertEquals(0, c.lost());
    }

    private static void checkAgainstTraceCmd(Path dat) throws Exception {
        Require.traceCmd();
        List<String> theirs = run("trace-cmd", "report", dat.toString()).lines().toList();
        TraceData d = TraceDatReader.read(dat);
        StringWriter text = new StringWriter();
        StringWriter json = new StringWriter();
        try (EventReader r = new EventReader(d)) {
            TextWriter tw = new TextWriter(text, EventContext.of(d));
            tw.header(d.cpuCount());
            tw.writeAll(r);
        }
        try (EventReader r = new EventReader(d)) {
            new JsonWriter(json, EventContext.of(d)).writeAll(r);
        }
        List<String> ours = text.toString().lines().map(l -> l.replaceFirst("  \\(test-ns:[^)]*\\)$", "")).toList();
        assertEquals(theirs, ours);
        List<String> jsonLines = json.toString().lines().toList();
        assertEquals(theirs.size() - 1, jsonLines.size());
        for (int i = 0; i < jsonLines.size(); i++) {
            agree(theirs.get(i + 1), Json.parseObject(jsonLines.get(i)));
        }
    }

    private static final Pattern LINE = Pattern.compile("^\\s*(.*)-(\\d+)\\s+\\[(\\d+)\\]\\s+(\\d+)\\.(\\d{6}): (\\S+):\\s+(.*)$");

    /** The JSON object carries the same pid, cpu, time, event and field numbers as trace-cmd's line. */
    private static void agree(String line, Map<String, Object> o) {
        Matcher m = LINE.matcher(line);
        assertTrue(m.matches(), line);
        assertEquals(Long.parseLong(m.group(2)), ((Number) o.get("pid")).longValue(), line);
        assertEquals(Long.parseLong(m.group(3)), ((Number) o.get("cpu")).longValue(), line);
        long us = (((Number) o.get("ts")).longValue() + 500) / 1000;
        assertEquals(Long.parseLong(m.group(4)) * 1_000_000 + Long.parseLong(m.group(5)), us, line);
        assertTrue(((String) o.get("event")).endsWith(":" + m.group(6)), line);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) o.get("fields");
        List<Long> values = fields.values().stream().filter(v -> v instanceof Number)
                .map(v -> ((Number) v).longValue()).toList();
        Matcher num = Pattern.compile("0x([0-9a-f]+)|(?<![\\w/])(\\d+)(?![\\w/])").matcher(m.group(7));
        while (num.find()) {
            long v = num.group(1) != null ? Long.parseUnsignedLong(num.group(1), 16) : Long.parseLong(num.group(2));
            assertTrue(values.contains(v), "number " + v + " of '" + line + "' in " + fields);
        }
    }

    private static List<Integer> nspid(int pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("NSpid:")) {
                return Arrays.stream(l.substring(6).strip().split("\\s+")).map(Integer::parseInt).toList();
            }
        }
        return List.of(pid);
    }

    private static int childOf(long parent) throws Exception {
        Path children = Path.of("/proc/" + parent + "/task/" + parent + "/children");
        for (int i = 0; i < 200; i++) {
            String s = Files.exists(children) ? Files.readString(children).strip() : "";
            if (!s.isEmpty()) {
                return Integer.parseInt(s.split("\\s+")[0]);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("unshare started no child");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + new String(p.getErrorStream().readAllBytes()));
        return out;
    }
}
