package io.nstrace.format.output;

import io.nstrace.format.ContainerMap;

import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Whose an event is: the one rule every output uses (text, JSON, summaries, record's stderr, report
 * --container). An event belongs to the container of the task it is about, its {@code common_pid}: the container
 * the container map puts that host TID in, or, for a task the map does not know, the container of the task that
 * forked it during the trace (a {@code sched_process_fork} seen earlier). Anything else (pid 0, the idle task;
 * the host side of a {@code sched_switch}/{@code sched_wakeup}, which the kernel records when either task is
 * traced) belongs to no container. The in-container PID comes from the container map, else from the trace itself:
 * a {@code sched_process_fork} by a container task followed by that task's return from
 * clone/clone3/fork/vfork, whose value is the child's PID in the parent's (the container's) namespace. Host PIDs
 * are reused (pid_max is 32768 here): a task born in the trace takes its PID from its own birth's clone return only,
 * never from the map, and a number more than 50 ms past its task's exit event belongs to no container until a
 * birth in the trace gives it one (a host task reusing it, or a joiner, whose birth the trace lacks). Never a guess: unknown stays null. The buffer an event was recorded in is reported apart, only where its container
 * differs from the event's own.
 *
 * <p>Events must be {@link #observe observed} in trace order (as {@link EventReader} yields them), once each.
 */
public final class Attribution {
    /** x86_64 numbers of the calls whose return value in the parent is the new task's PID. */
    static final Set<Long> CLONE_CALLS = Set.of(56L, 57L, 58L, 435L);
    private static final Set<String> CLONE_EXITS = Set.of("syscalls:sys_exit_clone", "syscalls:sys_exit_clone3",
            "syscalls:sys_exit_fork", "syscalls:sys_exit_vfork");

    /**
     * The attribution of one event.
     *
     * @param container    the container of the event's task, null for a host task or the idle task
     * @param containerPid the task's PID in that container's namespace, null when unknown or not in a container
     * @param buffer       the container whose buffer holds the event, when it is not {@code container}; else null
     */
    public record Owner(String container, Integer containerPid, String buffer) {
        public boolean inContainer() {
            return container != null;
        }
    }

    /** How long after its exit event a task's last events (its final switch-out) still count as that task's. */
    static final long EXIT_GRACE_NS = 50_000_000L;
    private static final String HOST_TASK = "";

    private final ContainerMap map;
    /** Tasks whose fork this trace holds: their container ("" for a host parent's child), overriding the map. */
    private final Map<Integer, String> forked = new HashMap<>();
    /** How many times each host TID was born in this trace so far (PID numbers are reused). */
    private final Map<Integer, Integer> generation = new HashMap<>();
    /** In-container PIDs from clone returns, by host TID and generation (from a first pass over the trace). */
    private final Map<Long, Integer> learned;
    private final Map<Integer, Integer> pendingChild = new HashMap<>();
    private final Map<Integer, Long> exitedAt = new HashMap<>();
    private long now;
    private TraceEvent lastEvent;
    private Owner lastOwner;

    public Attribution(ContainerMap map) {
        this(map, new HashMap<>());
    }

    private Attribution(ContainerMap map, Map<Long, Integer> learned) {
        this.map = map;
        this.learned = learned;
    }

    /**
     * The attribution for a trace whose events {@code firstPass} yields (in order, as they will be observed
     * again): every clone return is known before the output starts, so a child's events that precede its
     * parent's return from clone get their PID too.
     */
    public static Attribution twoPass(ContainerMap map, java.util.Iterator<TraceEvent> firstPass) {
        Attribution learner = new Attribution(map);
        while (firstPass.hasNext()) {
            learner.observe(firstPass.next());
        }
        return new Attribution(map, learner.learned);
    }

    private static long key(int tid, int generation) {
        return ((long) tid << 32) | generation;
    }

    /** Learns from {@code e} (forks, clone returns) and returns its owner; observing the same event again is free. */
    public Owner observe(TraceEvent e) {
        if (e == lastEvent) {
            return lastOwner;
        }
        lastEvent = e;
        if (e.isLostMarker() || e.format() == null) {
            lastOwner = new Owner(null, null, bufferContainer(e.buffer(), null));
            return lastOwner;
        }
        now = e.timestamp();
        learn(e);
        String c = container(e.pid());
        lastOwner = new Owner(c, c == null ? null : containerPid(e.pid()), bufferContainer(e.buffer(), c));
        return lastOwner;
    }

    /** The container of host TID {@code tid} as far as the events observed so far tell; null for a host task. */
    public String container(int tid) {
        if (tid <= 0 || longGone(tid)) {
            return null;
        }
        String viaFork = forked.get(tid);
        if (viaFork != null) {
            return viaFork.equals(HOST_TASK) ? null : viaFork;
        }
        ContainerMap.TaskInfo t = map.tasks().get(tid);
        if (t != null && t.container() != null && !t.container().isEmpty()) {
            return t.container();
        }
        return null;
    }

    /** The in-container PID of host TID {@code tid}, when known (map first, then the trace's own clone returns). */
    public Integer containerPid(int tid) {
        if (container(tid) == null) {
            return null;
        }
        int gen = generation.getOrDefault(tid, 0);
        if (gen > 0) {
            return learned.get(key(tid, gen));
        }
        ContainerMap.TaskInfo t = map.tasks().get(tid);
        return t == null ? null : t.knownContainerPid();
    }

    /** Exited more than 50 ms ago and not born again in the trace: a later task with this number is not its. */
    private boolean longGone(int tid) {
        Long exited = exitedAt.get(tid);
        return exited != null && now - exited > EXIT_GRACE_NS;
    }

    private String bufferContainer(String buffer, String eventContainer) {
        String b = map.containerOfBuffer(buffer).map(ContainerMap.ContainerInfo::name).orElse(null);
        return b == null || b.equals(eventContainer) ? null : b;
    }

    private void learn(TraceEvent e) {
        String name = e.format().fullName();
        if (name.equals("sched:sched_process_fork")) {
            Object child = e.fields().get("child_pid");
            String parent = container(e.pid());
            if (child != null) {
                int c = (int) EventDecoder.asLong(child);
                forked.put(c, parent == null ? HOST_TASK : parent);
                generation.merge(c, 1, Integer::sum);
                exitedAt.remove(c);
                if (parent != null) {
                    pendingChild.put(e.pid(), c);
                }
            }
        } else if (name.equals("sched:sched_process_exit")) {
            Object pid = e.fields().get("pid");
            exitedAt.put(pid == null ? e.pid() : (int) EventDecoder.asLong(pid), e.timestamp());
        } else if (isCloneExit(name, e)) {
            Integer child = pendingChild.remove(e.pid());
            Object ret = e.fields().get("ret");
            long r = ret == null ? -1 : EventDecoder.asLong(ret);
            if (child != null && r > 0 && container(e.pid()) != null) {
                learned.putIfAbsent(key(child, generation.getOrDefault(child, 0)), (int) r);
            }
        }
    }

    private static boolean isCloneExit(String name, TraceEvent e) {
        if (name.equals("raw_syscalls:sys_exit")) {
            Object id = e.fields().get("id");
            return id != null && CLONE_CALLS.contains(EventDecoder.asLong(id));
        }
        return CLONE_EXITS.contains(name);
    }
}
