package io.nstrace.format.output;

import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.EventReader;

import io.nstrace.format.SyscallNames;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per container (or "host"): events per type, the busiest processes, the most frequent syscalls, and the lost
 * events and time span, all counted from the trace's own events. An event belongs to the container of its task:
 * one the container map names, or one forked (sched_process_fork) by such a task during the trace. Anything else
 * is "host": e.g. the outside side of a sched_switch or sched_wakeup, which the kernel records when either task
 * is traced. Lost counts come from the pages' missed-events flags and go to the container of the buffer they
 * were found in; -1 markers (count not stored) are counted separately.
 */
public final class TraceSummary {
    private static final String RAW_ENTER = "raw_syscalls:sys_enter";
    private static final String ENTER_PREFIX = "syscalls:sys_enter_";

    private final EventContext context;
    private final SyscallNames syscalls;
    private final Map<String, Group> groups = new TreeMap<>();
    private final Map<Integer, String> forked = new java.util.HashMap<>();
    private long events;
    private long lost;
    private long lostUnknown;
    private long first = -1;
    private long last;

    /** A name and how often it occurred. */
    public record Count(String name, long count) {
    }

    /** A process (host PID) with its in-container PID when known, its comm and its event count. */
    public record ProcessCount(int pid, Integer containerPid, String comm, long events) {
    }

    /**
     * One container's figures. {@code seconds} is the span from its first to its last event; {@code topSyscalls}
     * is empty when no syscall entry events were recorded.
     */
    public record ContainerStats(String name, long events, long lost, long lostUnknown, double seconds,
                                 Map<String, Long> eventsByType, List<ProcessCount> topProcesses,
                                 List<Count> topSyscalls) {
    }

    private static final class Group {
        final Map<String, Long> byType = new TreeMap<>();
        final Map<Integer, Long> byPid = new LinkedHashMap<>();
        final Map<String, Long> bySyscall = new LinkedHashMap<>();
        long events;
        long lost;
        long lostUnknown;
        long first = -1;
        long last;
    }

    public TraceSummary(EventContext context) {
        this(context, SyscallNames.x86_64());
    }

    public TraceSummary(EventContext context, SyscallNames syscalls) {
        this.context = context;
        this.syscalls = syscalls;
    }

    /** The summary of every event of {@code data}. */
    public static TraceSummary of(TraceData data) throws IOException {
        TraceSummary s = new TraceSummary(EventContext.of(data), SyscallNames.forUname(data.options().uname()));
        try (EventReader reader = new EventReader(data)) {
            s.addAll(reader);
        }
        return s;
    }

    public TraceSummary addAll(Iterator<TraceEvent> it) {
        while (it.hasNext()) {
            add(it.next());
        }
        return this;
    }

    public void add(TraceEvent e) {
        if (e.isLostMarker()) {
            Group g = group(context.containerOfBuffer(e.buffer()).orElse("host"));
            if (e.lost() > 0) {
                lost += e.lost();
                g.lost += e.lost();
            } else {
                lostUnknown++;
                g.lostUnknown++;
            }
            return;
        }
        events++;
        if (first < 0) {
            first = e.timestamp();
        }
        last = e.timestamp();
        String owner = owner(e.pid());
        if (e.eventName().equals("sched:sched_process_fork") && !owner.equals("host")) {
            Object child = e.fields().get("child_pid");
            if (child != null) {
                forked.put((int) EventDecoder.asLong(child), owner);
            }
        }
        Group g = group(owner);
        g.events++;
        if (g.first < 0) {
            g.first = e.timestamp();
        }
        g.last = e.timestamp();
        String name = e.eventName();
        g.byType.merge(name, 1L, Long::sum);
        g.byPid.merge(e.pid(), 1L, Long::sum);
        String syscall = syscallOf(name, e);
        if (syscall != null) {
            g.bySyscall.merge(syscall, 1L, Long::sum);
        }
    }

    /** The container of task {@code pid}: by the container map, else by a fork seen in this trace, else "host". */
    private String owner(int pid) {
        String viaFork = forked.get(pid);
        return viaFork != null ? viaFork : context.taskContainer(pid).orElse("host");
    }

    private Group group(String name) {
        return groups.computeIfAbsent(name, k -> new Group());
    }

    private String syscallOf(String eventName, TraceEvent e) {
        if (eventName.equals(RAW_ENTER)) {
            Object id = e.fields().get("id");
            return id == null ? null : syscalls.name((int) EventDecoder.asLong(id));
        }
        return eventName.startsWith(ENTER_PREFIX) ? eventName.substring(ENTER_PREFIX.length()) : null;
    }

    public long events() {
        return events;
    }

    public long lost() {
        return lost;
    }

    /** Pages that flagged a loss without storing its size. */
    public long lostUnknown() {
        return lostUnknown;
    }

    /** Seconds from the first to the last event of the whole trace. */
    public double seconds() {
        return first < 0 ? 0 : (last - first) / 1e9;
    }

    /** Every container's figures, by name, with at most {@code top} processes and syscalls each. */
    public List<ContainerStats> containers(int top) {
        return groups.entrySet().stream().map(ge -> {
            Group g = ge.getValue();
            List<ProcessCount> procs = g.byPid.entrySet().stream().sorted(byCount()).limit(top)
                    .map(p -> new ProcessCount(p.getKey(), containerPid(p.getKey()), context.comm(p.getKey()),
                            p.getValue())).toList();
            List<Count> calls = g.bySyscall.entrySet().stream().sorted(byCount()).limit(top)
                    .map(c -> new Count(c.getKey(), c.getValue())).toList();
            double secs = g.first < 0 ? 0 : (g.last - g.first) / 1e9;
            return new ContainerStats(ge.getKey(), g.events, g.lost, g.lostUnknown, secs, Map.copyOf(g.byType),
                    procs, calls);
        }).toList();
    }

    private Integer containerPid(int pid) {
        return context.containerPid(new TraceEvent("", 0, 0, null, 0, pid, Map.of(), 0)).orElse(null);
    }

    private static <K> Comparator<Map.Entry<K, Long>> byCount() {
        return Map.Entry.<K, Long>comparingByValue(Comparator.reverseOrder());
    }

    public void write(Writer out) throws IOException {
        out.write(String.format("events: %d  lost: %d%s  duration: %.6f s%n", events, lost,
                lostUnknown > 0 ? " (+" + lostUnknown + " pages with an uncounted loss)" : "", seconds()));
        for (ContainerStats c : containers(5)) {
            if (c.events() == 0) {
                continue;
            }
            out.write(String.format("%ncontainer %s: %d events%n", c.name(), c.events()));
            for (Map.Entry<String, Long> t : new TreeMap<>(c.eventsByType()).entrySet()) {
                out.write(String.format("  %-40s %d%n", t.getKey(), t.getValue()));
            }
            out.write("  top processes:\n");
            c.topProcesses().forEach(p -> {
                try {
                    out.write(String.format("    %-16s %7d %d%n", p.comm(), p.pid(), p.events()));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        out.flush();
    }
}
