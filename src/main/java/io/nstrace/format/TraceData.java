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

    /** One CPU's pages and the text of its {@code per_cpu/cpuN/stats} at the end of the capture (may be empty). */
    public record CpuData(int cpu, PageSource pages, String stats) {
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
