package io.nstrace.format.output;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.LostEvents;
import io.nstrace.format.TraceData;
import io.nstrace.format.perfetto.PerfettoTraceWriter;
import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a trace as a Perfetto trace ({@code .pftrace}, for ui.perfetto.dev and trace_processor) while its events
 * stream from the pages: system info and a clock snapshot first, then the per-CPU event bundles, a process tree
 * packet before the first event that mentions a task not named yet (or whose container or in-container PID the
 * trace has since told), and the per-CPU losses at the end. A task in a container is named
 * {@code CONTAINER:PID/COMM} (the in-container PID; {@code CONTAINER/COMM} when the trace does not tell it) so the
 * UI's process list shows whose it is; a host task by its comm. Timestamps are the trace clock's (the file's DATE
 * offset, which {@link io.nstrace.format.EventReader} adds, taken off again; the clock snapshot gives the wall
 * clock at the first event instead).
 */
public final class PerfettoWriter {
    /** x86_64/arm64 {@code CLONE_THREAD}: a task_newtask with it makes a thread of the parent's process. */
    private static final long CLONE_THREAD = 0x10000;

    private final TraceData data;
    private final EventContext ctx;
    private final PerfettoTraceWriter out;
    private final long offsetNs;
    /** The name given for each host TID, so a task is named again only when its name changes. */
    private final Map<Integer, String> named = new HashMap<>();
    private final Map<Integer, Integer> parents = new HashMap<>();
    private final Map<Integer, Integer> groups = new HashMap<>();
    private final List<PerfettoTraceWriter.Task> pending = new ArrayList<>();

    private PerfettoWriter(TraceData data, EventContext ctx, OutputStream os) {
        this.data = data;
        this.ctx = ctx;
        String clock = TraceData.selectedClock(data.options().clock() == null ? "" : data.options().clock());
        this.out = new PerfettoTraceWriter(os, clock.equals("mono_raw"), a -> ctx.symbols().name(a).orElse(null));
        Long date = data.options().dateOffsetUs();
        this.offsetNs = date == null ? 0 : date * 1000;
    }

    /** Writes the events of {@code data} that {@code events} yields (in trace order); returns how many. */
    public static long write(TraceData data, EventContext ctx, Iterator<TraceEvent> events, OutputStream os)
            throws IOException {
        return new PerfettoWriter(data, ctx, os).writeAll(events);
    }

    private long writeAll(Iterator<TraceEvent> events) throws IOException {
        TraceData.Options o = data.options();
        out.systemInfo(o.uname(), data.cpuCount(), data.pageSize(), o.version() == null ? "" : o.version());
        TraceEvent first = events.hasNext() ? events.next() : null;
        long start = first == null ? 0 : first.timestamp() - offsetNs;
        out.clockSnapshot(start, offsetNs == 0 ? null : start + offsetNs);
        for (ContainerMap.TaskInfo t : new TreeMap<>(o.containers().tasks()).values()) {
            name(t.tid(), t.comm());
        }
        flushNames(null);
        long n = 0;
        for (TraceEvent e = first; e != null; e = events.hasNext() ? events.next() : null) {
            if (e.format() == null && e.lost() != 0) {
                out.lost(e.cpu());
                continue;
            }
            long ts = e.timestamp() - offsetNs;
            ctx.attribute(e);
            names(e);
            flushNames(ts);
            out.event(e, ts);
            n++;
        }
        out.ftraceStats(losses());
        out.finish();
        return n;
    }

    /** Names the tasks {@code e} mentions: its own and those of the fields Perfetto reads tasks from. */
    private void names(TraceEvent e) {
        name(e.pid(), null);
        if (e.format() == null) {
            return;
        }
        Map<String, Object> f = e.fields();
        switch (e.format().fullName()) {
            case "sched:sched_switch" -> {
                name(f, "prev_pid", "prev_comm");
                name(f, "next_pid", "next_comm");
            }
            case "sched:sched_process_fork" -> {
                if (f.get("child_pid") != null && f.get("parent_pid") != null) {
                    parents.put(asInt(f.get("child_pid")), asInt(f.get("parent_pid")));
                }
                name(f, "parent_pid", "parent_comm");
                name(f, "child_pid", "child_comm");
            }
            case "task:task_newtask" -> {
                if (f.get("pid") != null) {
                    int child = asInt(f.get("pid"));
                    boolean thread = (EventDecoder.asLong(f.get("clone_flags")) & CLONE_THREAD) != 0;
                    groups.put(child, thread ? groups.getOrDefault(e.pid(), e.pid()) : child);
                    parents.put(child, e.pid());
                }
                name(f, "pid", "comm");
            }
            case "sched:sched_wakeup", "sched:sched_waking", "sched:sched_wakeup_new", "sched:sched_process_exit",
                 "sched:sched_process_free", "sched:sched_process_exec", "task:task_rename" -> name(f, "pid", "comm");
            default -> {
            }
        }
    }

    private void name(Map<String, Object> fields, String pidField, String commField) {
        if (fields.get(pidField) != null) {
            name(asInt(fields.get(pidField)), fields.get(commField) instanceof String s ? s : null);
        }
    }

    /** Queues a process tree entry for host TID {@code tid} unless it is named so already. */
    private void name(int tid, String commHere) {
        if (tid <= 0) {
            return; // the idle task: Perfetto has its own
        }
        String comm = ctx.comm(tid);
        if (comm.equals("<...>") && commHere != null && !commHere.isEmpty()) {
            comm = commHere;
        }
        Attribution a = ctx.attribution();
        String container = a.container(tid);
        Integer cpid = container == null ? null : a.containerPid(tid);
        String label = container == null ? comm : container + (cpid == null ? "" : ":" + cpid) + "/" + comm;
        if (label.equals(named.put(tid, label))) {
            return;
        }
        int tgid = groups.getOrDefault(tid, tid);
        pending.add(new PerfettoTraceWriter.Task(tid, tgid, parents.getOrDefault(tid, 0), label, comm,
                cpid == null ? List.of() : nspid(tid, cpid)));
    }

    /** The namespaced PIDs below the host's: the container map's chain when it ends in {@code cpid}. */
    private List<Integer> nspid(int tid, int cpid) {
        List<Integer> chain = data.options().containers().task(tid).map(ContainerMap.TaskInfo::nspid)
                .orElse(List.of());
        if (chain.size() > 1 && chain.getLast() == cpid) {
            return chain.subList(1, chain.size());
        }
        return List.of(cpid);
    }

    private void flushNames(Long ts) throws IOException {
        if (!pending.isEmpty()) {
            out.processTree(ts, pending);
            pending.clear();
        }
    }

    /** Per CPU (summed over the buffers): events overwritten, and events refused or not kept. */
    private List<PerfettoTraceWriter.CpuLoss> losses() {
        Map<Integer, long[]> byCpu = new TreeMap<>();
        for (TraceData.Buffer b : data.buffers()) {
            for (TraceData.CpuData c : b.cpus()) {
                if (c.stats() == null || c.stats().isEmpty()) {
                    continue;
                }
                LostEvents.Cpu l = LostEvents.Cpu.of(c.stats(), 0, 0);
                long[] sum = byCpu.computeIfAbsent(c.cpu(), k -> new long[2]);
                sum[0] += l.overrun();
                sum[1] += l.dropped() + l.discarded();
            }
        }
        List<PerfettoTraceWriter.CpuLoss> list = new ArrayList<>();
        byCpu.forEach((cpu, s) -> list.add(new PerfettoTraceWriter.CpuLoss(cpu, s[0], s[1])));
        return list;
    }

    private static int asInt(Object v) {
        return (int) EventDecoder.asLong(v);
    }
}
