package io.nstrace.session;

import io.nstrace.format.TraceData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows recordings as they grow: each {@link #next()} captures them (a running session's segment is drained
 * into its spool and a new one started, see {@link Session#capture()}) and returns only the pages appended to
 * the spool files since the previous call. The spool files only grow, so every page is handed out exactly once:
 * no duplicates, no gaps. Within one call events are in timestamp order; across calls each CPU's events stay in
 * order.
 */
public final class TraceFollower {
    private final List<Session> recordings;
    private final Map<String, Long> consumed = new HashMap<>();

    public TraceFollower(List<Session> recordings) {
        this.recordings = List.copyOf(recordings);
    }

    /** The trace recorded since the previous call (all of it the first time); its buffers may be empty. */
    public TraceData next() {
        return unread(Session.traceData(recordings), consumed);
    }

    /**
     * {@code data} with each CPU's pages cut to those past the offsets in {@code consumed} (keyed by buffer and
     * CPU), which are moved to the end of what {@code data} holds.
     */
    static TraceData unread(TraceData data, Map<String, Long> consumed) {
        List<TraceData.Buffer> buffers = new ArrayList<>();
        for (TraceData.Buffer b : data.buffers()) {
            List<TraceData.CpuData> cpus = new ArrayList<>();
            for (TraceData.CpuData c : b.cpus()) {
                String key = b.name() + "\0" + c.cpu();
                TraceData.PageSource p = c.pages();
                long end = p.offset() + p.length();
                long from = Math.min(end, Math.max(p.offset(), consumed.getOrDefault(key, p.offset())));
                consumed.put(key, end);
                cpus.add(new TraceData.CpuData(c.cpu(), new TraceData.PageSource(p.file(), from, end - from),
                        c.stats()));
            }
            buffers.add(new TraceData.Buffer(b.name(), b.clock(), cpus));
        }
        return new TraceData(data.pageSize(), data.order(), data.headerPage(), data.headerEvent(),
                data.ftraceFormats(), data.eventFormats(), data.kallsyms(), data.printkFormats(), data.cmdlines(),
                data.cpuCount(), data.options(), buffers);
    }
}
