package io.nstrace.capture;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.TraceData;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of one {@link SpoolDrain}: which instance (buffer) it drained, the per-CPU spool files with their
 * counts, the metadata a trace.dat needs, and the saved_cmdlines read at stop. {@link #toTraceData} combines
 * one or more captures (one per container) and a container map into what the writers consume.
 */
public record Spool(String buffer, Path spoolDir, TraceMeta meta, List<CpuSpool> cpus, String cmdlines) {
    public long events() {
        return cpus.stream().mapToLong(CpuSpool::events).sum();
    }

    public long lost() {
        return cpus.stream().mapToLong(CpuSpool::lost).sum();
    }

    public long bytes() {
        return cpus.stream().mapToLong(CpuSpool::bytes).sum();
    }

    /** The captures as one trace: the first is the top buffer, the others become named buffers. */
    public static TraceData toTraceData(List<Spool> captures, ContainerMap containers) {
        if (captures.isEmpty()) {
            throw new IllegalArgumentException("no capture");
        }
        TraceMeta m = captures.getFirst().meta();
        for (Spool c : captures) {
            if (c.meta().pageSize() != m.pageSize()) { // trace.dat v6 has one page size for every buffer
                throw io.nstrace.error.NstraceException.user("cannot write " + captures.getFirst().buffer() + " ("
                        + m.pageSize() / 1024 + " KB sub-buffers) and " + c.buffer() + " (" + c.meta().pageSize() / 1024
                        + " KB) into one trace.dat: its format has one page size; dump them one at a time");
            }
        }
        List<TraceData.Buffer> buffers = new ArrayList<>();
        StringBuilder cmdlines = new StringBuilder();
        java.util.Map<String, List<String>> formats = new java.util.LinkedHashMap<>();
        for (int i = 0; i < captures.size(); i++) {
            Spool c = captures.get(i);
            List<TraceData.CpuData> cpus = new ArrayList<>();
            for (CpuSpool s : c.cpus()) {
                cpus.add(new TraceData.CpuData(s.cpu(), new TraceData.PageSource(s.file(), 0, s.bytes()), s.fileStats()));
            }
            buffers.add(new TraceData.Buffer(i == 0 ? "" : c.buffer(), c.meta().clock(), cpus));
            cmdlines.append(c.cmdlines());
            c.meta().eventFormats().forEach((sys, list) -> {
                List<String> into = formats.computeIfAbsent(sys, k -> new ArrayList<>());
                list.stream().filter(f -> !into.contains(f)).forEach(into::add);
            });
        }
        return new TraceData(m.pageSize(), ByteOrder.nativeOrder(), m.headerPage(), m.headerEvent(), m.ftraceFormats(),
                formats, m.kallsyms(), m.printkFormats(), dedupe(cmdlines.toString()), m.cpuCount(),
                new TraceData.Options(m.uname(), m.clock(), m.dateOffsetUs(), "nstrace", containers), buffers);
    }

    private static String dedupe(String lines) {
        StringBuilder sb = new StringBuilder();
        lines.lines().distinct().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }
}
