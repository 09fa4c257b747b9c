package io.nstrace.format;

import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.ringbuffer.HeaderPage;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a trace.dat holds, whether it was just captured (pages in spool files) or read from a file (pages
 * at offsets in it): the kernel's header and event formats, symbols, cmdlines, options and the per-CPU pages of
 * each buffer. The first buffer is the top one (name "").
 */
public record TraceData(int pageSize, ByteOrder order, HeaderPage headerPage, String headerEvent,
                        List<String> ftraceFormats, Map<String, List<String>> eventFormats, byte[] kallsyms,
                        byte[] printkFormats, String cmdlines, int cpuCount, Options options, List<Buffer> buffers) {

    /** A region of a file holding whole ring-buffer pages. */
    public record PageSource(Path file, long offset, long length) {
    }

    /**
     * One CPU's pages and the text of its {@code per_cpu/cpuN/stats} at the end of the capture (may be empty).
     * {@code dropped} lists the damaged parts of {@code pages} that a salvaging read left out (sorted, disjoint).
     */
    public record CpuData(int cpu, PageSource pages, String stats, List<Dropped> dropped) {
        public CpuData {
            dropped = List.copyOf(dropped);
        }

        public CpuData(int cpu, PageSource pages, String stats) {
            this(cpu, pages, stats, List.of());
        }

        /** Declared pages left out as damaged (a part of a page counts as one). */
        public long droppedPages(int pageSize) {
            return dropped.stream().mapToLong(d -> d.pages(pageSize)).sum();
        }

        /** Declared bytes left out as damaged. */
        public long droppedBytes() {
            return dropped.stream().mapToLong(d -> d.to() - d.from()).sum();
        }
    }

    /**
     * File bytes {@code [from, to)} of a CPU's declared pages (whole pages; {@code to} may lie past the end of a
     * cut file) that are left out because they are damaged, and why (the first reason when several pages are).
     */
    public record Dropped(long from, long to, String reason) {
        /** The pages in this range, a part of a page counting as one. */
        public long pages(int pageSize) {
            return (to - from + pageSize - 1) / pageSize;
        }
    }

    public record Buffer(String name, String clock, List<CpuData> cpus) {
    }

    /**
     * @param clock       the full {@code trace_clock} text ("[local] global ...") or empty
     * @param dateOffsetUs wall clock minus trace clock in microseconds (DATE option), or null
     */
    public record Options(String uname, String clock, Long dateOffsetUs, String version, ContainerMap containers) {
    }

    /** The event formats by ID, ftrace ones included. */
    public Map<Integer, EventFormat> formatsById() {
        Map<Integer, EventFormat> byId = new HashMap<>();
        for (String text : ftraceFormats) {
            EventFormat f = EventFormat.parse("ftrace", text);
            byId.put(f.id(), f);
        }
        for (Map.Entry<String, List<String>> e : eventFormats.entrySet()) {
            for (String text : e.getValue()) {
                EventFormat f = EventFormat.parse(e.getKey(), text);
                byId.put(f.id(), f);
            }
        }
        return byId;
    }

    /** The PID→comm table from saved_cmdlines. */
    public Map<Integer, String> comms() {
        Map<Integer, String> m = new HashMap<>();
        for (String line : cmdlines.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                try {
                    m.put(Integer.parseInt(line.substring(0, sp).strip()), line.substring(sp + 1).strip());
                } catch (NumberFormatException ignored) {
                    // not a "pid comm" line
                }
            }
        }
        return m;
    }

    /** The clock name in brackets in the trace_clock text, e.g. "local". */
    public static String selectedClock(String clockText) {
        int a = clockText.indexOf('[');
        int b = clockText.indexOf(']', a + 1);
        return a >= 0 && b > a ? clockText.substring(a + 1, b) : clockText.strip();
    }
}
