package io.nstrace.format.profile;

import io.nstrace.format.EventReader;
import io.nstrace.format.SyscallNames;
import io.nstrace.format.TraceData;
import io.nstrace.format.output.Attribution;
import io.nstrace.format.output.EventContext;
import io.nstrace.format.output.TraceSummary;
import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where each container's time goes, per container and then per task, computed in one pass over a trace in
 * timestamp order with state per task (never per event), so memory does not grow with the trace's length:
 * <ul>
 * <li>syscall latency: each enter paired with the same task's next exit of the same call (raw_syscalls, named
 * from the syscall table as the summaries do, or syscalls:sys_enter_X/sys_exit_X);</li>
 * <li>scheduling latency: from sched_waking (or sched_wakeup/sched_wakeup_new when waking is not recorded) of a
 * task that is off CPU to its next sched_switch in;</li>
 * <li>off-CPU time: from a sched_switch out to the next one in, by the state it left in (prev_state: R when
 * preempted while runnable, S sleeping, D uninterruptible, usually I/O) and the syscall it was in;</li>
 * <li>CPU time per CPU (switch in to switch out; a task still running at the end counts up to the last event),
 * context switches, migrations (switched in on another CPU than it last ran on), execs.</li>
 * </ul>
 * A task is attributed as every output attributes it ({@link Attribution}); tasks of no container go to
 * {@value TraceSummary#HOST}. Where events were lost, every pairing in flight is dropped rather than guessed.
 */
public final class TraceProfile {
    /** The events a profile reads; record/run --profile enable those -e does not name. */
    public static final List<String> EVENTS = List.of("sched:sched_switch", "sched:sched_waking",
            "sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_process_fork", "sched:sched_process_exec",
            "sched:sched_process_exit", "raw_syscalls:sys_enter", "raw_syscalls:sys_exit");
    private static final String STATES = "SDTtXZPI";
    private static final String ENTER = "syscalls:sys_enter_";
    private static final String EXIT = "syscalls:sys_exit_";

    private final EventContext context;
    private final SyscallNames names;
    private final TraceSummary summary;
    private final Map<Integer, Task> tasks = new HashMap<>();
    /** Tasks whose PID a later fork reused, kept with their figures. */
    private final List<Task> retired = new ArrayList<>();
    private long last = -1;
    private long droppedPairs;
    private long inferred;
    private boolean finished;

    /** One task's state and figures. */
    private static final class Task {
        final int tid;
        final Usage usage = new Usage();
        String container;
        Integer containerPid;
        String comm;
        String syscall;
        long enteredAt = -1;
        long wokenAt = -1;
        long offSince = -1;
        String offState;
        String offSyscall;
        long onSince = -1;
        int onCpu = -1;
        int lastCpu = -1;

        Task(int tid) {
            this.tid = tid;
        }

        void forgetPending() {
            syscall = null;
            enteredAt = -1;
            wokenAt = -1;
            offSince = -1;
            onSince = -1;
        }
    }

    /** A task's figures: host PID (TID), PID in its container when known, comm. */
    public record ProcessProfile(int pid, Integer containerPid, String comm, Usage usage) {
    }

    /** A container's figures (all its tasks summed) and its tasks, busiest first (CPU plus syscall time). */
    public record ContainerProfile(String name, Usage usage, List<ProcessProfile> processes,
                                   TraceSummary.ContainerStats stats) {
    }

    public TraceProfile(EventContext context, SyscallNames names) {
        this.context = context;
        this.names = names;
        this.summary = new TraceSummary(context, names);
    }

    /** The profile of every event of {@code data}. */
    public static TraceProfile of(TraceData data) throws IOException {
        TraceProfile p = new TraceProfile(EventContext.of(data), SyscallNames.forUname(data.options().uname()));
        p.summary.withStats(data);
        try (EventReader reader = new EventReader(data)) {
            p.addAll(reader);
        }
        return p;
    }

    public TraceProfile addAll(Iterator<TraceEvent> events) {
        while (events.hasNext()) {
            add(events.next());
        }
        return this;
    }

    public void add(TraceEvent e) {
        summary.add(e);
        if (e.isLostMarker()) {
            // an enter, wakeup or switch whose partner was lost would pair with a later, unrelated one
            for (Task t : tasks.values()) {
                if (t.enteredAt >= 0 || t.wokenAt >= 0 || t.offSince >= 0 || t.onSince >= 0) {
                    droppedPairs++;
                }
                t.forgetPending();
            }
            return;
        }
        if (e.format() == null || e.pid() < 0) {
            return;
        }
        long ts = e.timestamp();
        last = Math.max(last, ts);
        Attribution.Owner owner = context.attribute(e);
        String name = e.format().fullName();
        if (name.equals("sched:sched_process_fork")) {
            reborn((int) num(e, "child_pid"));
        }
        Task self = e.pid() == 0 ? null : task(e.pid());
        if (self != null) {
            running(self, e.cpu(), ts);
            self.usage.events++;
            if (owner.inContainer()) {
                self.container = owner.container();
                if (owner.containerPid() != null) {
                    self.containerPid = owner.containerPid();
                }
            }
        }
        switch (name) {
            case "raw_syscalls:sys_enter" -> enter(self, names.name((int) num(e, "id")), ts);
            case "raw_syscalls:sys_exit" -> exit(self, names.name((int) num(e, "id")), ts);
            case "sched:sched_switch" -> sched(e, ts);
            case "sched:sched_waking", "sched:sched_wakeup", "sched:sched_wakeup_new" -> woken((int) num(e, "pid"), ts);
            case "sched:sched_process_exec" -> {
                if (self != null) {
                    self.usage.execs++;
                }
            }
            default -> {
                if (name.startsWith(ENTER)) {
                    enter(self, name.substring(ENTER.length()), ts);
                } else if (name.startsWith(EXIT)) {
                    exit(self, name.substring(EXIT.length()), ts);
                }
            }
        }
    }

    private static long num(TraceEvent e, String field) {
        Object v = e.fields().get(field);
        return v == null ? -1 : EventDecoder.asLong(v);
    }

    private Task task(int tid) {
        return tasks.computeIfAbsent(tid, Task::new);
    }

    /** A fork reuses {@code tid}: what the earlier task of that number did stays its own. */
    private void reborn(int tid) {
        Task old = tasks.remove(tid);
        if (old != null) {
            old.comm = context.comm(tid);
            retired.add(old);
        }
    }

    /**
     * {@code t} recorded an event, so it runs on {@code cpu}: every event's common_pid is the current task. When
     * the trace lacks its switch in (the kernel's PID filter does not record a switch from the idle task to a
     * traced task that a wakeup from idle made runnable: seen on 6.18), it is taken as switched in here, at the
     * latest moment it can have been: its off-CPU time ends, a pending wakeup is dropped (its latency is unknown).
     */
    private void running(Task t, int cpu, long ts) {
        if (t.onSince >= 0) {
            return;
        }
        if (t.offSince >= 0) {
            t.usage.offCpu(t.offState, ts - t.offSince, t.offSyscall);
            t.offSince = -1;
            inferred++;
        }
        t.wokenAt = -1;
        if (t.lastCpu >= 0 && t.lastCpu != cpu) {
            t.usage.migrations++;
        }
        t.lastCpu = cpu;
        t.onSince = ts;
        t.onCpu = cpu;
    }

    private void enter(Task t, String syscall, long ts) {
        if (t != null) {
            t.syscall = syscall;
            t.enteredAt = ts;
        }
    }

    private void exit(Task t, String syscall, long ts) {
        if (t == null) {
            return;
        }
        if (t.enteredAt >= 0 && syscall.equals(t.syscall)) {
            t.usage.syscall(syscall, ts - t.enteredAt);
        }
        t.syscall = null;
        t.enteredAt = -1;
    }

    private void woken(int tid, long ts) {
        if (tid <= 0) {
            return;
        }
        Task t = task(tid);
        // a task woken while it still runs (before it could sleep) is not waiting for a CPU; the first of
        // sched_waking and sched_wakeup counts
        if (t.onSince < 0 && t.wokenAt < 0) {
            t.wokenAt = ts;
        }
    }

    private void sched(TraceEvent e, long ts) {
        int cpu = e.cpu();
        int prevPid = (int) num(e, "prev_pid");
        int nextPid = (int) num(e, "next_pid");
        if (prevPid > 0) {
            Task prev = task(prevPid);
            if (prev.onSince >= 0 && prev.onCpu == cpu) {
                prev.usage.cpu(cpu, ts - prev.onSince);
            }
            prev.onSince = -1;
            prev.lastCpu = cpu;
            prev.usage.switches++;
            String state = state(num(e, "prev_state"));
            if (state.equals("R")) {
                prev.usage.preempted++;
            }
            prev.offSince = ts;
            prev.offState = state;
            prev.offSyscall = prev.enteredAt >= 0 ? prev.syscall : null;
            prev.wokenAt = -1;
        }
        if (nextPid > 0) {
            Task next = task(nextPid);
            if (next.offSince >= 0) {
                next.usage.offCpu(next.offState, ts - next.offSince, next.offSyscall);
                next.offSince = -1;
            }
            if (next.wokenAt >= 0) {
                next.usage.schedLatency(ts - next.wokenAt);
                next.wokenAt = -1;
            }
            if (next.lastCpu >= 0 && next.lastCpu != cpu) {
                next.usage.migrations++;
            }
            next.lastCpu = cpu;
            next.onSince = ts;
            next.onCpu = cpu;
        }
    }

    /** The letter of a sched_switch prev_state: R (runnable: preempted), else the first of S D T t X Z P I set. */
    static String state(long prevState) {
        long s = prevState & 0xff;
        for (int i = 0; i < STATES.length(); i++) {
            if ((s & (1L << i)) != 0) {
                return String.valueOf(STATES.charAt(i));
            }
        }
        return "R";
    }

    /** The summary counted from the same events (events per type, lost events, time span). */
    public TraceSummary summary() {
        return summary;
    }

    /** Switches in that the trace lacks, inferred from the task's next own event ({@link #running}). */
    public long inferredSwitchIns() {
        return inferred;
    }

    /** Pairings (syscall, wakeup, on/off CPU) dropped at lost-event markers. */
    public long droppedPairs() {
        return droppedPairs;
    }

    /**
     * Every container's profile (host last), each with its tasks busiest first. Ends the read: tasks still on
     * a CPU count their time up to the last event.
     */
    public List<ContainerProfile> containers() {
        if (!finished) {
            finished = true;
            for (Task t : tasks.values()) {
                if (t.onSince >= 0 && last >= 0) {
                    t.usage.cpu(t.onCpu, last - t.onSince);
                    t.onSince = -1;
                }
            }
        }
        Map<String, List<ProcessProfile>> byContainer = new TreeMap<>();
        List<Task> all = new ArrayList<>(retired);
        all.addAll(tasks.values());
        for (Task t : all) {
            if (t.usage.events == 0 && t.usage.cpuTotalNs() == 0 && t.usage.offCpuTotalNs() == 0
                    && t.usage.schedLatency().count() == 0) {
                continue;
            }
            String c = t.container != null ? t.container : context.attribution().container(t.tid);
            Integer cpid = t.containerPid != null ? t.containerPid : context.attribution().containerPid(t.tid);
            byContainer.computeIfAbsent(c == null ? TraceSummary.HOST : c, k -> new ArrayList<>())
                    .add(new ProcessProfile(t.tid, c == null ? null : cpid, t.comm != null ? t.comm
                            : context.comm(t.tid), t.usage));
        }
        Map<String, TraceSummary.ContainerStats> stats = new HashMap<>();
        summary.containers(Integer.MAX_VALUE).forEach(s -> stats.put(s.name(), s));
        List<ContainerProfile> out = new ArrayList<>();
        byContainer.forEach((name, procs) -> {
            Usage sum = new Usage();
            procs.forEach(p -> sum.add(p.usage()));
            List<ProcessProfile> sorted = procs.stream().sorted(Comparator.comparingLong(
                    (ProcessProfile p) -> p.usage().cpuTotalNs() + p.usage().syscallTotalNs()).reversed()
                    .thenComparingInt(ProcessProfile::pid)).toList();
            out.add(new ContainerProfile(name, sum, sorted, stats.get(name)));
        });
        out.sort(Comparator.comparing((ContainerProfile c) -> c.name().equals(TraceSummary.HOST))
                .thenComparing(ContainerProfile::name));
        return out;
    }
}
