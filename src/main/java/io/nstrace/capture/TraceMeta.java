package io.nstrace.capture;

import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.tracefs.EventId;
import io.nstrace.tracefs.TraceInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a trace.dat needs besides the pages, read from tracefs and /proc: header_page, header_event, ftrace
 * formats, the formats of the events enabled in the instance, kallsyms, printk_formats, the trace clock, uname,
 * the CPU count and the wall-clock offset of the trace clock (for the DATE option).
 */
public record TraceMeta(int pageSize, HeaderPage headerPage, String headerEvent, List<String> ftraceFormats,
                        Map<String, List<String>> eventFormats, byte[] kallsyms, byte[] printkFormats, String clock,
                        String uname, int cpuCount, Long dateOffsetUs) {

    private static final java.util.regex.Pattern DATA_FIELD = java.util.regex.Pattern.compile(
            "field:\\s*char data;\\s*offset:(\\d+);\\s*size:(\\d+);");

    public static TraceMeta collect(TraceInstance instance, Path procRoot, int cpuCount) {
        return collect(instance, procRoot, cpuCount, enabled(instance));
    }

    /**
     * As {@link #collect(TraceInstance, Path, int)} for an instance whose enabled events the caller knows (a
     * session does): saves reading every event's enable file, a few hundred ms (seconds on a loaded host).
     */
    public static TraceMeta collect(TraceInstance instance, Path procRoot, int cpuCount, List<EventId> enabled) {
        Path top = instance.traceFs().root();
        Path events = top.resolve("events");
        List<String> ftrace = new ArrayList<>();
        for (Path dir : list(events.resolve("ftrace"))) {
            readString(dir.resolve("format")).ifPresent(ftrace::add);
        }
        Map<String, List<String>> formats = new LinkedHashMap<>();
        for (EventId e : enabled) {
            readString(events.resolve(e.system()).resolve(e.event()).resolve("format"))
                    .ifPresent(t -> formats.computeIfAbsent(e.system(), k -> new ArrayList<>()).add(t));
        }
        // the instance's own header_page: its data size follows the instance's buffer_subbuf_size_kb
        Path own = instance.file("events/header_page");
        Path hpFile = Files.exists(own) ? own : events.resolve("header_page");
        String hp = readString(hpFile).orElseThrow(() -> new IllegalStateException("cannot read " + hpFile));
        String clock = readString(instance.file("trace_clock")).orElse("[local]").strip();
        return new TraceMeta(pageSize(hp), HeaderPage.parse(hp),
                readString(events.resolve("header_event")).orElse(""), ftrace, formats,
                readBytes(procRoot.resolve("kallsyms")), readBytes(top.resolve("printk_formats")), clock,
                uname(procRoot), cpuCount, dateOffset(instance));
    }

    /** The events whose enable file in the instance says 1, in directory order. */
    static List<EventId> enabled(TraceInstance instance) {
        List<EventId> out = new ArrayList<>();
        for (Path sys : list(instance.file("events"))) {
            for (Path ev : list(sys)) {
                if (readString(ev.resolve("enable")).orElse("0").strip().equals("1")) {
                    out.add(new EventId(sys.getFileName().toString(), ev.getFileName().toString()));
                }
            }
        }
        return out;
    }

    /**
     * The ring buffer's sub-buffer size, as trace-cmd takes it: the offset plus the size of header_page's
     * {@code data} field (4096 on x86 by default; 8192 and more with buffer_subbuf_size_kb). trace.dat's page size
     * and every reader's unit are this size. 4096 when the text has no data field.
     */
    static int pageSize(String headerPage) {
        java.util.regex.Matcher m = DATA_FIELD.matcher(headerPage);
        if (m.find()) {
            long size = Long.parseLong(m.group(1)) + Long.parseLong(m.group(2));
            if (size >= 4096 && size <= 1 << 24 && Long.bitCount(size) == 1) {
                return (int) size;
            }
        }
        return 4096;
    }

    /** Wall clock minus the instance's trace clock now, in microseconds, from {@code per_cpu/cpu0/stats}. */
    static Long dateOffset(TraceInstance instance) {
        long wallBefore = System.currentTimeMillis() * 1000;
        Long now = readString(instance.file("per_cpu/cpu0/stats")).flatMap(s -> s.lines()
                .filter(l -> l.startsWith("now ts:")).findFirst()).map(l -> parseMicros(l.substring(7))).orElse(null);
        long wallAfter = System.currentTimeMillis() * 1000;
        return now == null ? null : (wallBefore + wallAfter) / 2 - now;
    }

    static long parseMicros(String secsDotMicros) {
        String[] p = secsDotMicros.strip().split("\\.");
        return Long.parseLong(p[0]) * 1_000_000L + (p.length > 1 ? Long.parseLong(p[1]) : 0);
    }

    static String uname(Path procRoot) {
        Path k = procRoot.resolve("sys/kernel");
        return String.join(" ", readString(k.resolve("ostype")).orElse("Linux").strip(),
                readString(k.resolve("hostname")).orElse("").strip(),
                readString(k.resolve("osrelease")).orElse("").strip(),
                readString(k.resolve("version")).orElse("").strip(), System.getProperty("os.arch"));
    }

    static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static java.util.Optional<String> readString(Path p) {
        try {
            return java.util.Optional.of(new String(readAll(p), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Reads with large read(2) calls: Files.readAllBytes/readString probe a size-0 tracefs file with a 1-byte
     * read, and events/header_page then returns only that byte (seen on 6.18).
     */
    static byte[] readAll(Path p) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(p)) {
            return in.readAllBytes();
        }
    }

    static byte[] readBytes(Path p) {
        try {
            return readAll(p);
        } catch (IOException | RuntimeException e) {
            return new byte[0]; // kallsyms/printk_formats are optional in trace.dat (size 0 allowed)
        }
    }
}
