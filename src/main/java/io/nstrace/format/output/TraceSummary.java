package io.nstrace.format.output;

import io.nstrace.format.output.Attribution;
import io.nstrace.format.LostEvents;

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
 * Per container (or "host"): events per type, the busiest processes, the most frequent syscalls, the events
 * without an in-container PID, and the lost events and time span, all counted from the trace's own events. An
 * event belongs to the container of its task ({@link Attribution}, the rule every output shares); anything else
 * is "host": e.g. the outside side of a sched_switch or sched_wakeup, which the kernel records when either task
 * is traced. Lost events are counted per CPU of each buffer in the one model of {@link LostEvents}: the
 * trace's own per-CPU stats (kernel overrun and drops, nstrace's discarded events; {@link #withStats}) together
 * with the pages' missed-events flags; they go to the container of the buffer. Without stats, flagged pages
 * without a stored count are an uncounted loss, reported apart.
 */
public final class TraceSummary {
    /** The group of events whose task is in no traced container. */
    public static final String HOST = "host";
    private static final String RAW_ENTER = "raw_syscalls:sys_enter";
    private static final String ENTER_PREFIX = "syscalls:sys_enter_";

    private final EventContext context;
    private final SyscallNames syscalls;
    private final Map<String, Group> groups = new TreeMap<>();
    /** Per buffer and CPU: {stored lost counts, flagged pages without a count} from the lost markers. */
    private final Map<String, Map<Integer, long[]>> pageLoss = new TreeMap<>();
    /** Per buffer and CPU: the trace's stats text (CPUSTAT). */
    private final Map<String, Map<Integer, String>> cpuStats = new TreeMap<>();
    private long events;
    private long withoutPid;
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
     * is empty when no syscall entry events were recorded; {@code withoutContainerPid} counts its events whose
     * in-container PID is unknown (always 0 for "host").
     */
    public record ContainerStats(String name, long events, long withoutContainerPid, long lost, long lostUnknown, double seconds,
                                 Map<String, Long> eventsByType, List<ProcessCount> topProcesses,
                                 List<Count> topSyscalls) {
    }

    private static final class Group {
        final Map<String, Long> byType = new TreeMap<>();
        final Map<Integer, Long> byPid = new LinkedHashMap<>();
        final Map<String, Long> bySyscall = new LinkedHashMap<>();
        long events;
        long withoutPid;
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
        TraceSummary s = new TraceSummary(EventContext.of(data), SyscallNames.forUname(data.options().uname()))
                .withStats(data);
        try (EventReader reader = new EventReader(data)) {
            s.addAll(reader);
        }
        return s;
    }

    /** Takes the per-CPU stats of every buffer of {@code data}: the kernel's counters and nstrace's discards. */
    public TraceSummary withStats(TraceData data) {
        for (TraceData.Buffer b : data.buffers()) {
            for (TraceData.CpuData cd : b.cpus()) {
                cpuStats.computeIfAbsent(b.name(), k -> new TreeMap<>()).put(cd.cpu(), cd.stats());
            }
        }
        return this;
    }

    public TraceSummary addAll(Iterator<TraceEvent> it) {
        while (it.hasNext()) {
            add(it.next());
        }
        return this;
    }

    public void add(TraceEvent e) {
        if (e.isLostMarker()) {
            long[] l = pageLoss.computeIfAbsent(e.buffer(), k -> new TreeMap<>())
                    .computeIfAbsent(e.cpu(), k -> new long[3]);
            if (e.lost() > 0) {
                l[0] += e.lost();
            } else {
                if (e.droppedPages() > 0) {
                    l[2] += e.droppedPages(); // damaged pages a salvaging read left out: their events are unknown
                } else {
                    l[1]++;
                }
            }
            group(bufferOwner(e.buffer()));
            return;
        }
        events++;
        if (first < 0) {
            first = e.timestamp();
        }
        last = e.timestamp();
        Attribution.Owner owner = context.attribute(e);
        Group g = group(owner.inContainer() ? owner.container() : HOST);
        g.events++;
        if (owner.inContainer() && owner.containerPid() == null) {
            g.withoutPid++;
            withoutPid++;
        }
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

    /** Events of container tasks whose in-container PID is unknown. */
    public long withoutContainerPid() {
        return withoutPid;
    }

    /** One container's figures, or empty when it has no events (nor lost ones). */
    public java.util.Optional<ContainerStats> container(String name) {
        return containers(0).stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Events lost in the whole trace ({@link LostEvents#count()}). */
    public long lost() {
        return lostEvents().count();
    }

    /** Pages that flagged a loss of unknown size that no per-CPU counter of the trace covers. */
    public long lostUnknown() {
        return lostEvents().uncountedPages();
    }

    /** The lost events of the whole trace. */
    public LostEvents lostEvents() {
        return lostEvents(b -> true);
    }

    /** The lost events of the buffers whose owner {@code keep} accepts, summed per CPU in the one model. */
    private LostEvents lostEvents(java.util.function.Predicate<String> keep) {
        java.util.Set<String> buffers = new java.util.TreeSet<>(cpuStats.keySet());
        buffers.addAll(pageLoss.keySet());
        LostEvents sum = LostEvents.NONE;
        for (String b : buffers) {
            if (!keep.test(bufferOwner(b))) {
                continue;
            }
            Map<Integer, String> stats = cpuStats.getOrDefault(b, Map.of());
            Map<Integer, long[]> pages = pageLoss.getOrDefault(b, Map.of());
            java.util.Set<Integer> cpus = new java.util.TreeSet<>(stats.keySet());
            cpus.addAll(pages.keySet());
            for (int cpu : cpus) {
                long[] l = pages.getOrDefault(cpu, new long[3]);
                sum = sum.plus(LostEvents.Cpu.of(stats.getOrDefault(cpu, ""), l[0], l[1], l[2]).asLost());
            }
        }
        return sum;
    }

    /** The container a buffer holds, "host" when the map does not say. */
    private String bufferOwner(String buffer) {
        return context.containerOfBuffer(buffer).orElse(HOST);
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
            LostEvents lost = lostEvents(ge.getKey()::equals);
            return new ContainerStats(ge.getKey(), g.events, g.withoutPid, lost.count(), lost.uncountedPages(), secs,
                    Map.copyOf(g.byType), procs, calls);
        }).toList();
    }

    private Integer containerPid(int pid) {
        return context.attribution().containerPid(pid);
    }

    private static <K> Comparator<Map.Entry<K, Long>> byCount() {
        return Map.Entry.<K, Long>comparingByValue(Comparator.reverseOrder());
    }

    public void write(Writer out) throws IOException {
        LostEvents l = lostEvents();
        out.write(String.format("events: %d  lost: %d%s  duration: %.6f s%n", events, l.count(),
                l.uncountedPages() > 0 ? " (+" + l.uncountedPages() + " pages with an uncounted loss)" : "",
                seconds()));
        for (ContainerStats c : containers(5)) {
            if (c.events() == 0) {
                continue;
            }
            out.write(String.format("%ncontainer %s: %d events%s%n", c.name(), c.events(),
                    c.name().equals(HOST) ? "" : ", " + c.withoutContainerPid() + " without in-container pid"));
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
