package io.nstrace.format.profile;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a task (or a container, or a process summed over its threads) did: syscall latencies per name, scheduling
 * latency (woken until switched in), off-CPU time per state it left in and the syscall it was in, CPU time per
 * CPU, context switches, migrations, execs and events. Mutable while a trace is read; {@link #add} merges.
 */
public final class Usage {
    /** Off-CPU time of one state: how often, how long in all, and how long within each syscall ("-": none). */
    public static final class OffCpu {
        private long count;
        private long ns;
        private final Map<String, Long> bySyscall = new TreeMap<>();

        void record(long duration, String syscall) {
            long d = Math.max(0, duration);
            count++;
            ns += d;
            bySyscall.merge(syscall == null ? NO_SYSCALL : syscall, d, Long::sum);
        }

        void add(OffCpu o) {
            count += o.count;
            ns += o.ns;
            o.bySyscall.forEach((k, v) -> bySyscall.merge(k, v, Long::sum));
        }

        public long count() {
            return count;
        }

        public long ns() {
            return ns;
        }

        /** Nanoseconds off CPU per syscall the task was in when it left ({@value #NO_SYSCALL}: in none). */
        public Map<String, Long> bySyscall() {
            return java.util.Collections.unmodifiableMap(bySyscall);
        }
    }

    /** The key of off-CPU time spent outside any syscall. */
    public static final String NO_SYSCALL = "-";

    private final Map<String, Latency> syscalls = new TreeMap<>();
    private final Latency sched = new Latency();
    private final Map<String, OffCpu> offCpu = new TreeMap<>();
    private final Map<Integer, Long> cpuNs = new TreeMap<>();
    long switches;
    long preempted;
    long migrations;
    long execs;
    long events;

    void syscall(String name, long ns) {
        syscalls.computeIfAbsent(name, k -> new Latency()).record(ns);
    }

    void schedLatency(long ns) {
        sched.record(ns);
    }

    void offCpu(String state, long ns, String syscall) {
        offCpu.computeIfAbsent(state, k -> new OffCpu()).record(ns, syscall);
    }

    void cpu(int cpu, long ns) {
        if (ns > 0) {
            cpuNs.merge(cpu, ns, Long::sum);
        }
    }

    /** Adds everything {@code o} counted to this one. */
    public void add(Usage o) {
        o.syscalls.forEach((k, v) -> syscalls.computeIfAbsent(k, x -> new Latency()).add(v));
        sched.add(o.sched);
        o.offCpu.forEach((k, v) -> offCpu.computeIfAbsent(k, x -> new OffCpu()).add(v));
        o.cpuNs.forEach((k, v) -> cpuNs.merge(k, v, Long::sum));
        switches += o.switches;
        preempted += o.preempted;
        migrations += o.migrations;
        execs += o.execs;
        events += o.events;
    }

    public Map<String, Latency> syscalls() {
        return java.util.Collections.unmodifiableMap(syscalls);
    }

    public Latency schedLatency() {
        return sched;
    }

    /** Off-CPU time by the state the task left the CPU in: R (preempted, still runnable), S, D, I, T... */
    public Map<String, OffCpu> offCpu() {
        return java.util.Collections.unmodifiableMap(offCpu);
    }

    public Map<Integer, Long> cpuNs() {
        return java.util.Collections.unmodifiableMap(cpuNs);
    }

    public long cpuTotalNs() {
        return cpuNs.values().stream().mapToLong(Long::longValue).sum();
    }

    public long offCpuTotalNs() {
        return offCpu.values().stream().mapToLong(OffCpu::ns).sum();
    }

    public long syscallTotalNs() {
        return syscalls.values().stream().mapToLong(Latency::total).sum();
    }

    /** Times the task left a CPU (every sched_switch away from it). */
    public long switches() {
        return switches;
    }

    /** Of {@link #switches}, those where it was still runnable (preempted: involuntary). */
    public long preempted() {
        return preempted;
    }

    /** Times it was switched in on another CPU than the one it last ran on. */
    public long migrations() {
        return migrations;
    }

    public long execs() {
        return execs;
    }

    /** Events whose task it is (common_pid; for sched_switch, the task switching out). */
    public long events() {
        return events;
    }
}
