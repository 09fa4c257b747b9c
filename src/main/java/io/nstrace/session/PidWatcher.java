package io.nstrace.session;

import io.nstrace.discovery.ProcFs;
import io.nstrace.tracefs.TraceInstance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Finds processes that enter a traced container later (docker exec, nsenter): they are not children of a
 * traced PID, so event-fork misses them. One unfiltered instance with sched_process_fork/exec, shared by all
 * sessions, is read through trace_pipe on a thread; each new PID costs one readlink of /proc/PID/ns/pid,
 * whatever the number of host processes. A rescan every second is the safety net (lost events, new threads)
 * and notices containers whose last process exited.
 */
final class PidWatcher implements AutoCloseable {
    /**
     * Forks and execs, and the returns of clone, clone3, fork and vfork (the new task's PID in the caller's
     * namespace). The per-syscall exit events cost a host-wide 2M-syscall loop ~8% here; raw_syscalls:sys_exit with
     * a filter on those numbers cost ~45% (the filter runs on every syscall of every process).
     */
    static final List<String> EVENTS = List.of("sched/sched_process_fork", "sched/sched_process_exec",
            "syscalls/sys_exit_clone", "syscalls/sys_exit_clone3", "syscalls/sys_exit_fork",
            "syscalls/sys_exit_vfork");
    static final long RESCAN_MILLIS = 1000;

    private final TraceInstance instance;
    private final ProcFs proc;
    private final List<FencedInstance> sessions = new CopyOnWriteArrayList<>();
    private final List<Runnable> execListeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.IntConsumer> spawnListeners = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final Thread rescanner;
    private final ForkFollower follower;
    private final java.util.concurrent.ConcurrentLinkedDeque<Long> lags = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private boolean monoClock;
    private volatile boolean closed;
    /** {@link #sync}: the last marker written and the last one the reader handled. */
    private final java.util.concurrent.atomic.AtomicLong syncWritten = new java.util.concurrent.atomic.AtomicLong();
    private long syncSeen;
    static final String SYNC_MARK = "nstrace watcher sync ";

    PidWatcher(TraceInstance instance, ProcFs proc) {
        this.instance = instance;
        this.proc = proc;
        instance.write("tracing_on", "0");
        if (io.nstrace.tracefs.TraceFsCatalog.clocks(instance.read("trace_clock")).contains("mono")) {
            instance.write("trace_clock", "mono");
            monoClock = true;
        }
        for (String e : EVENTS) {
            if (java.nio.file.Files.exists(instance.file("events/" + e + "/enable"))) {
                instance.write("events/" + e + "/enable", "1");
            }
        }
        this.follower = new ForkFollower(proc, sessions, this::recordLag);
        instance.write("tracing_on", "1");
        this.reader = Thread.ofPlatform().daemon().name("nstrace-watch").unstarted(this::readLoop);
        this.rescanner = Thread.ofPlatform().daemon().name("nstrace-rescan").unstarted(this::rescanLoop);
        reader.start();
        rescanner.start();
    }

    TraceInstance instance() {
        return instance;
    }

    void register(FencedInstance s) {
        sessions.add(s);
        rescan(s);
    }

    void unregister(FencedInstance s) {
        sessions.remove(s);
    }

    boolean idle() {
        return sessions.isEmpty() && execListeners.isEmpty() && spawnListeners.isEmpty();
    }

    void onExec(Runnable r) {
        execListeners.add(r);
    }

    void removeExecListener(Runnable r) {
        execListeners.remove(r);
    }

    void execListenersClear() {
        execListeners.clear();
        spawnListeners.clear();
    }

    /** {@code r} gets the PID of every fork and exec on the host (a new PID namespace's first process is a fork). */
    void onSpawn(java.util.function.IntConsumer r) {
        spawnListeners.add(r);
    }

    void removeSpawnListener(java.util.function.IntConsumer r) {
        spawnListeners.remove(r);
    }

    /**
     * Reads trace_pipe with plain read()s and splits lines itself: a BufferedReader over Channels.newReader
     * was measured here to deliver lines ~200 ms late, a raw FileChannel read within 0.1 ms.
     */
    private void readLoop() {
        try (FileChannel ch = FileChannel.open(instance.file("trace_pipe"), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            StringBuilder pending = new StringBuilder();
            while (!closed) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                pending.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
                int nl;
                while ((nl = pending.indexOf("\n")) >= 0) {
                    handle(pending.substring(0, nl));
                    pending.delete(0, nl + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                org.slf4j.LoggerFactory.getLogger(PidWatcher.class).warn("joiner watcher stopped: {}", e.toString());
            }
        }
    }

    /** New tasks go to the {@link ForkFollower}; the listeners get every fork and exec. */
    private void handle(String line) {
        int mark = line.indexOf(SYNC_MARK);
        if (mark >= 0) {
            synced(line.substring(mark + SYNC_MARK.length()).strip());
            return;
        }
        long[] ret = WatchLine.cloneReturn(line);
        if (ret != null) {
            follower.cloneReturn((int) ret[0], ret[1]);
            return;
        }
        long stamp = WatchLine.timestampNanos(line).orElse(-1);
        int[] fork = WatchLine.fork(line);
        int[] exec = fork == null ? WatchLine.exec(line) : null;
        if (fork != null) {
            follower.fork(fork[0], fork[1], stamp);
        } else if (exec != null) {
            follower.exec(exec[0], stamp);
            execListeners.forEach(Runnable::run);
        }
        OptionalInt pid = fork != null ? OptionalInt.of(fork[1]) : exec != null ? OptionalInt.of(exec[0])
                : OptionalInt.empty();
        if (pid.isPresent()) {
            spawnListeners.forEach(l -> l.accept(pid.getAsInt()));
        }
    }

    /**
     * Waits until the reader has handled every line the kernel logged before this call: a marker written to the
     * instance's trace_marker comes back through trace_pipe after them (trace_pipe merges the CPUs in time
     * order). False when it did not within {@code timeout} or the marker could not be written.
     */
    boolean sync(java.time.Duration timeout) {
        long id = syncWritten.incrementAndGet();
        try {
            instance.append("trace_marker", SYNC_MARK + id + "\n");
        } catch (RuntimeException e) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (syncWritten) {
            while (syncSeen < id && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    syncWritten.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return syncSeen >= id;
        }
    }

    private void synced(String id) {
        try {
            long n = Long.parseLong(id);
            synchronized (syncWritten) {
                syncSeen = Math.max(syncSeen, n);
                syncWritten.notifyAll();
            }
        } catch (NumberFormatException ignored) {
            // someone else's marker text: not ours to count
        }
    }

    /** Kernel event to admission, for the joiners admitted (bounded history; needs the mono trace clock). */
    private void recordLag(long stampNanos) {
        if (monoClock && stampNanos >= 0) {
            lags.addLast(System.nanoTime() - stampNanos);
            while (lags.size() > 1000) {
                lags.pollFirst();
            }
        }
    }

    /** Nanoseconds from the kernel's fork/exec event to the joiner's admission, oldest first. */
    List<Long> lags() {
        return List.copyOf(lags);
    }

    /** One readlink for the new PID, then only the sessions of that namespace look further (tests, rescans). */
    boolean dispatch(int pid) {
        if (sessions.isEmpty()) {
            return false;
        }
        OptionalLong ns = proc.pidnsInode(pid);
        if (ns.isEmpty()) {
            return false;
        }
        boolean admitted = false;
        for (FencedInstance s : sessions) {
            if (s.container().pidnsInode() == ns.getAsLong()) {
                List<Integer> tids = new ArrayList<>(proc.tids(pid));
                tids.add(pid);
                admitted |= !s.admit(tids).isEmpty();
            }
        }
        return admitted;
    }

    private void rescanLoop() {
        while (!closed) {
            try {
                Thread.sleep(RESCAN_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                rescan(proc, sessions);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(PidWatcher.class).warn("rescan failed: {}", e.getMessage());
            }
        }
    }

    /** The safety net for one session (at register). */
    void rescan(FencedInstance s) {
        rescan(proc, List.of(s));
    }

    /**
     * One pass over /proc for all sessions: every process of each traced namespace (and its threads) is
     * offered to its session; a session whose namespace has no process left ends.
     */
    static void rescan(ProcFs proc, List<FencedInstance> sessions) {
        if (sessions.isEmpty()) {
            return;
        }
        Map<Long, List<Integer>> byNs = new HashMap<>();
        for (FencedInstance s : sessions) {
            byNs.put(s.container().pidnsInode(), new ArrayList<>());
        }
        for (int pid : proc.pids()) {
            OptionalLong n = proc.pidnsInode(pid);
            List<Integer> tids = n.isPresent() ? byNs.get(n.getAsLong()) : null;
            if (tids != null) {
                tids.addAll(proc.tids(pid));
            }
        }
        for (FencedInstance s : sessions) {
            List<Integer> tids = byNs.get(s.container().pidnsInode());
            s.fence().forgetGone();
            if (tids.isEmpty()) {
                s.ended();
            } else {
                s.admit(tids);
                learnPids(proc, s, tids);
            }
        }
    }

    /** Tasks whose in-container PID is still unknown (their clone return was lost): read it from /proc now. */
    private static void learnPids(ProcFs proc, FencedInstance s, List<Integer> tids) {
        ProcessProbe probe = new ProcessProbe(proc);
        for (int t : tids) {
            if (!s.book().hasPid(t)) {
                probe.describe(t, s.container().pidnsInode())
                        .ifPresent(p -> s.book().task(t, p.nspid(), p.comm(), false));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        follower.close();
        try {
            instance.append("trace_marker", "nstrace watcher stopping\n");
            instance.write("tracing_on", "0");
        } catch (RuntimeException ignored) {
            // the instance may already be gone
        }
        reader.interrupt();
        rescanner.interrupt();
        join(reader);
        join(rescanner);
        FencedInstances.removeRetrying(n -> instance.traceFs().createInstance(n), instance);
    }

    private static void join(Thread t) {
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
