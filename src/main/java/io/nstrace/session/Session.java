package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.capture.Spool;
import io.nstrace.capture.CpuSpool;
import io.nstrace.capture.SpoolDrain;
import io.nstrace.capture.TraceMeta;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcFileParser;
import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.ProcessInfo;
import io.nstrace.format.ContainerMap;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tracing session of one container together with its recorder: what {@code attach}, {@code record} and
 * {@code run} drive. While the session runs, a {@link SpoolDrain} segment drains the instance's per-CPU buffers
 * into {@code <spool>/seg-N/}; each stop drains the segment completely and appends its pages to one spool file
 * per CPU ({@code <spool>/cpuN}), so start/stop cycles and dumps of a running session see one continuous trace.
 * The container map (host TID → in-container PID chain and comm) starts from the container's processes and
 * grows as the session admits joiners and new threads.
 *
 * <p>When the spool refuses a write (full, quota, I/O error), the recording stops tracing at once on a thread of
 * its own, keeps what was spooled, counts what the readers drained afterwards as discarded (lost), and keeps the
 * reason ({@link #failure()}); it cannot be started again.
 */
public final class Session implements SessionListener, AutoCloseable {
    private final Container container;
    private final ProcFs proc;
    private volatile Path spoolDir;
    private final Map<Integer, ContainerMap.TaskInfo> tasks = new ConcurrentHashMap<>();
    private final Map<Integer, CpuTotal> cpus = new TreeMap<>();
    private volatile FencedInstance session;
    private volatile SpoolDrain segment;
    private int segments;
    private TraceMeta meta;
    private String cmdlines = "";
    private long runningSince;
    private long runningNanos;
    private volatile long segmentEventsBase;
    private volatile boolean exited;
    private volatile String failure;
    private volatile IOException failureCause;
    private final java.util.Set<Integer> joiners = ConcurrentHashMap.newKeySet();
    private FencedInstances manager;
    /** Set by {@link #release()}: the instance goes on a thread of its own, the spool stays for the writer. */
    private volatile boolean keepSpool;
    private java.util.concurrent.CompletableFuture<Void> releasing;

    private Session(Container container, ProcFs proc) {
        this.container = container;
        this.proc = proc;
        for (ProcessInfo p : container.processes()) {
            addTask(p);
        }
    }

    /**
     * Attaches a session to {@code container} (detailed: with NSpid chains) and prepares its spool directory
     * {@code <spoolRoot>/<instance>} (0700). Nothing is left behind when it fails.
     */
    public static Session attach(FencedInstances manager, Container container, SessionOptions options,
                                   Path spoolRoot, ProcFs proc) {
        Path root = PrivateDir.ensureRoot(spoolRoot, "spool root", "give --spool DIR");
        Session r = new Session(container, proc);
        r.manager = manager;
        r.session = manager.attach(container, options, r, root);
        r.spoolDir = root.resolve(r.session.instance().name());
        try {
            PrivateDir.createChild(r.spoolDir, "spool directory");
        } catch (RuntimeException e) {
            r.session.detach();
            throw e;
        }
        return r;
    }

    public Container container() {
        return container;
    }

    public FencedInstance session() {
        return session;
    }

    public Path spoolDir() {
        return spoolDir;
    }

    /** Starts tracing: the recorder's readers first, so the first page is not missed. */
    public synchronized void start() {
        SessionState state = session.state();
        if (state == SessionState.RUNNING || state == SessionState.ENDED || state == SessionState.DETACHED) {
            throw NstraceException.user("session on '" + container.name() + "' is " + state.name().toLowerCase()
                    + (state == SessionState.ENDED ? " (the container exited)" : ""));
        }
        if (failure() != null) {
            throw NstraceException.environment("session on '" + container.name() + "' failed: " + failure());
        }
        Path seg = spoolDir.resolve("seg-" + (++segments));
        segment = newSegment(seg);
        try {
            session.start();
        } catch (RuntimeException e) {
            segment.stop();
            deleteTree(seg);
            segment = null;
            throw e;
        }
        runningSince = System.nanoTime();
    }

    /**
     * Starts tracing at once, then the recorder, whose set-up reads metadata for ~100-200 ms meanwhile the ring
     * buffer holds the events: for a container that may be gone in a moment ({@code record --wait}). If the
     * container exited in that time, the segment is drained at once.
     */
    public synchronized void startImmediately() {
        session.start();
        Path seg = spoolDir.resolve("seg-" + (++segments));
        try {
            segment = SpoolDrain.start(session.instance(), proc.root(), seg);
            segment.onSpoolFailure(this::spoolFailed);
        } catch (RuntimeException e) {
            if (session.state() == SessionState.RUNNING) {
                session.stop();
            }
            deleteTree(seg);
            throw e;
        }
        runningSince = System.nanoTime();
        if (exited) {
            fold();
        }
    }

    /** Stops tracing and drains everything recorded so far into the spool. */
    public synchronized void stop() {
        session.stop();
        fold();
    }

    /**
     * The trace recorded so far as a capture named after the container. A running session keeps running: its
     * segment is drained and a new one started (the ring buffer holds events meanwhile).
     */
    public synchronized Spool capture() {
        if (segment != null && session.state() == SessionState.RUNNING) {
            fold();
            Path seg = spoolDir.resolve("seg-" + (++segments));
            segment = newSegment(seg);
            runningSince = System.nanoTime();
        }
        if (meta == null) {
            meta = TraceMeta.collect(session.instance(), proc.root(), cpuCount(), session.events());
        }
        List<CpuSpool> list = new ArrayList<>();
        cpus.values().forEach(c -> list.add(c.spool()));
        return new Spool(container.name(), spoolDir, meta, list, cmdlines);
    }

    /**
     * The recordings as one trace: the first container in the top buffer, each other in a buffer named after it
     * (as trace-cmd -B), with one container map for all.
     */
    public static io.nstrace.format.TraceData traceData(List<Session> recordings) {
        List<Spool> captures = new ArrayList<>();
        List<ContainerMap.ContainerInfo> infos = new ArrayList<>();
        Map<Integer, ContainerMap.TaskInfo> all = new java.util.HashMap<>();
        for (int i = 0; i < recordings.size(); i++) {
            Session r = recordings.get(i);
            Spool c = r.capture();
            captures.add(c);
            infos.add(r.containerInfo(i == 0 ? "" : c.buffer()));
            all.putAll(r.tasks);
            r.session.tasks().forEach((tid, t) -> all.merge(tid, t, Session::better));
        }
        return Spool.toTraceData(captures, new ContainerMap(infos, all));
    }

    /**
     * After the trace was written: a session whose spool failed lost events, so the command fails (exit 3) with
     * the reason as its one error line.
     */
    public static void failIfSpoolFailed(List<Session> sessions) {
        for (Session r : sessions) {
            if (r.failure() != null) {
                throw NstraceException.environment(r.failure());
            }
        }
    }

    /** Whether a session's spool failed: then every session of the command stops at once. */
    public static boolean anyFailed(List<Session> sessions) {
        return sessions.stream().anyMatch(r -> r.failure() != null);
    }

    /** Of two entries for one task, the one that knows its in-container PID. */
    private static ContainerMap.TaskInfo better(ContainerMap.TaskInfo a, ContainerMap.TaskInfo b) {
        return a.nspid().isEmpty() && !b.nspid().isEmpty() ? b : a;
    }

    /** Container map entries for this recording's buffer. */
    public ContainerMap.ContainerInfo containerInfo(String buffer) {
        return new ContainerMap.ContainerInfo(buffer, container.name(), container.id(), container.runtime());
    }

    /** Every task this recording knows, keyed by host TID. */
    public Map<Integer, ContainerMap.TaskInfo> tasks() {
        return Map.copyOf(tasks);
    }

    /** Events counted so far, the running segment included. */
    public long events() {
        SpoolDrain r = segment;
        return segmentEventsBase + (r == null ? 0 : r.events());
    }

    /**
     * Events lost so far, in the model of {@link io.nstrace.format.LostEvents}: of the folded segments per CPU
     * (overrun and drops read at stop, page flags, discarded), plus the running one's (the kernel's overrun and
     * drops since it started, read now, and its discards).
     */
    public synchronized long lost() {
        long folded = cpus.values().stream().mapToLong(c -> c.spool().lost()).sum();
        return folded + (segment == null ? 0 : segment.lost());
    }

    /** Bytes spooled so far, the running segment included. */
    public synchronized long bytes() {
        return cpus.values().stream().mapToLong(c -> c.bytes).sum() + (segment == null ? 0 : segment.bytes());
    }

    /** Why the spool failed this recording ({@code spool DIR full (...): stopped after N MB; ...}), or null. */
    public String failure() {
        String f = failure;
        IOException cause = failureCause;
        return f != null || cause == null ? f : spoolProblem(spoolDir.getParent(), cause, bytes());
    }

    /** Time spent running (start to stop, summed over cycles). */
    public synchronized Duration duration() {
        long now = session.state() == SessionState.RUNNING && segment != null ? System.nanoTime() - runningSince : 0;
        return Duration.ofNanos(runningNanos + now);
    }

    public boolean containerExited() {
        return exited;
    }

    /**
     * Joiners of this container: processes admitted after attach that entered its namespace from outside
     * ({@code docker exec}, {@code nsenter}: their parent is not in the namespace), not children forked inside.
     */
    public int joinersAdded() {
        return joiners.size();
    }

    /**
     * The recording is over and its trace about to be written: tracing off and drained (if it still ran), the
     * joiner watcher caught up with what the kernel saw until then (the in-container PIDs of the last tasks), then
     * the instance removed on a thread of its own (rmdir waits for the kernel, ~100 ms) while the caller writes
     * the trace from the spool, which stays until {@link #detach()}; that waits for the removal. A signal meanwhile
     * still removes the spool (the shutdown hook). Idempotent.
     */
    public synchronized void release() {
        if (releasing != null || session.state() == SessionState.DETACHED) {
            return;
        }
        if (session.state() == SessionState.RUNNING) {
            session.stop();
        }
        fold();
        manager.settle();
        keepSpool = true;
        manager.removeAtExit(spoolDir);
        FencedInstance s = session;
        releasing = java.util.concurrent.CompletableFuture.runAsync(s::detach,
                task -> Thread.ofPlatform().daemon().name("nstrace-release-" + container.name()).start(task));
    }

    /** Drains, then removes the instance (or waits for {@link #release()} to have removed it) and the spool. */
    public synchronized void detach() {
        if (segment != null) {
            fold();
        }
        try {
            if (releasing == null) {
                session.detach();
            } else {
                awaitRelease();
            }
        } finally {
            deleteTree(spoolDir);
            if (keepSpool) {
                manager.spoolRemoved(spoolDir);
            }
        }
    }

    private void awaitRelease() {
        try {
            releasing.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        detach();
    }

    /**
     * The readers let go of the instance and the spool goes with the session, also when the shutdown hook
     * detaches it (a signal before the command's own handling): no lock, the hook must not wait on one.
     */
    @Override
    public void detaching(FencedInstance s) {
        SpoolDrain seg = segment;
        if (seg != null) {
            try {
                seg.stop();
            } catch (RuntimeException ignored) {
                // the trace is being dropped: only the open files matter
            }
        }
        Path dir = spoolDir;
        if (keepSpool) {
            return; // release(): the trace is being written from it; detach (or the shutdown hook) removes it
        }
        // the command's own thread may still be folding a segment into the directory (no lock here): sweep
        // again until it is gone, for at most a second
        for (int i = 0; dir != null && Files.exists(dir) && i < 20; i++) {
            deleteTree(dir);
            if (Files.exists(dir)) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    @Override
    public void pidsAdded(FencedInstance s, List<ProcessInfo> processes) {
        ProcessProbe probe = new ProcessProbe(proc);
        for (ProcessInfo p : processes) {
            if (!tasks.containsKey(p.pid()) && !tasks.containsKey(p.ppid())
                    && !probe.inNamespace(p.ppid(), container.pidnsInode())) {
                joiners.add(p.pid());
            }
            addTask(p);
        }
    }

    @Override
    public void containerExited(FencedInstance s) {
        exited = true;
        synchronized (this) {
            if (segment != null) {
                fold();
            }
        }
    }

    private void addTask(ProcessInfo p) {
        for (int tid : p.tids().isEmpty() ? List.of(p.pid()) : p.tids()) {
            List<Integer> chain = tid == p.pid() ? p.nspid() : threadNsPid(p.pid(), tid, p.nspid());
            tasks.put(tid, new ContainerMap.TaskInfo(tid, container.name(), chain, p.comm()));
        }
    }

    /** A thread's own NSpid chain (its in-container TID); empty, never its process's, when it is gone. */
    private List<Integer> threadNsPid(int pid, int tid, List<Integer> ignored) {
        return proc.readString(proc.pidDir(pid).resolve("task").resolve(Integer.toString(tid)).resolve("status"))
                .map(ProcFileParser::parseNsPid).orElse(List.of());
    }

    /** A recorder for the next segment, with the metadata of the first one once there is one. */
    private SpoolDrain newSegment(Path seg) {
        if (meta == null) {
            meta = TraceMeta.collect(session.instance(), proc.root(), cpuCount(), session.events());
        }
        SpoolDrain r = SpoolDrain.resume(session.instance(), meta, seg);
        r.onSpoolFailure(this::spoolFailed);
        return r;
    }

    /**
     * A reader's spool write failed (called on its thread, maybe while another thread holds this recording's
     * lock to join it): note the cause at once, then stop tracing and drain on a thread of our own.
     */
    private void spoolFailed(IOException cause) {
        if (failureCause == null) {
            failureCause = cause;
        }
        Thread.ofPlatform().daemon().name("nstrace-spool-failed-" + container.name()).start(this::stopAfterFailure);
    }

    private synchronized void stopAfterFailure() {
        try {
            if (session.state() == SessionState.RUNNING) {
                session.stop();
            }
            fold();
        } catch (RuntimeException ignored) {
            // detached meanwhile: nothing left to stop
        }
        if (failure == null) {
            failure = spoolProblem(spoolDir.getParent(), failureCause, bytes());
        }
    }

    /** {@code spool /tmp/x full (No space left on device): stopped after 6.8 MiB; events after that are lost}. */
    static String spoolProblem(Path root, IOException cause, long bytes) {
        String why = cause == null ? "write failed" : cause.getMessage();
        boolean full = false;
        if (cause instanceof io.nstrace.sys.NativeException n) {
            why = io.nstrace.sys.Libc.strerror(n.errno());
            full = n.errno() == io.nstrace.sys.Errno.ENOSPC || n.errno() == io.nstrace.sys.Errno.EDQUOT;
        } else if (why != null) {
            full = why.contains(io.nstrace.sys.Libc.strerror(io.nstrace.sys.Errno.ENOSPC))
                    || why.contains(io.nstrace.sys.Libc.strerror(io.nstrace.sys.Errno.EDQUOT));
        }
        return String.format("spool %s %s (%s): stopped after %.1f MiB; events after that are lost", root,
                full ? "full" : "failed", why, bytes / 1048576.0);
    }

    /** Drains the running segment and appends its per-CPU pages to the spool files. */
    private void fold() {
        if (segment == null) {
            return;
        }
        Spool c = segment.stop();
        if (runningSince != 0) {
            runningNanos += System.nanoTime() - runningSince;
            runningSince = 0;
        }
        segment = null;
        if (meta == null) {
            meta = c.meta();
        }
        cmdlines = c.cmdlines();
        long kept = 0;
        for (CpuSpool s : c.cpus()) {
            CpuTotal total = cpus.computeIfAbsent(s.cpu(), cpu -> new CpuTotal(cpu, spoolDir.resolve("cpu" + cpu)));
            try {
                total.add(s);
                kept += s.events();
            } catch (IOException e) {
                if (failureCause == null) {
                    failureCause = e;
                }
            }
        }
        segmentEventsBase += kept;
        deleteTree(c.spoolDir());
    }

    /** CPU numbers in the trace: the instance's per-CPU buffers (possible CPUs, not just online ones). */
    private int cpuCount() {
        List<Integer> all = SpoolDrain.cpus(session.instance());
        return all.isEmpty() ? Runtime.getRuntime().availableProcessors() : all.getLast() + 1;
    }

    /** One CPU's spool file and counts across segments. */
    private static final class CpuTotal {
        private final int cpu;
        private final Path file;
        private long pages;
        private long bytes;
        private long events;
        private long lostInPages;
        private long lostUncounted;
        private long discarded;
        private String stats = "";

        CpuTotal(int cpu, Path file) {
            this.cpu = cpu;
            this.file = file;
        }

        /**
         * Adds a segment's pages: the first segment's file is renamed into place (no copy, no space needed), later
         * ones are appended. When the spool cannot take the copy, this file is cut back, the segment's events
         * count as discarded, and the failure is thrown.
         */
        void add(CpuSpool s) throws IOException {
            if (!Files.exists(file) && bytes == 0) {
                Files.move(s.file(), file);
            } else {
                try {
                    append(s);
                } catch (IOException e) {
                    discarded += s.events() + s.discarded();
                    lostInPages += s.lostInPages();
                    lostUncounted += s.lostPagesUncounted();
                    stats = s.stats();
                    throw e;
                }
            }
            discarded += s.discarded();
            pages += s.pages();
            bytes += s.bytes();
            events += s.events();
            lostInPages += s.lostInPages();
            lostUncounted += s.lostPagesUncounted();
            stats = s.stats();
        }

        private void append(CpuSpool s) throws IOException {
            try (FileChannel in = FileChannel.open(s.file(), StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long n = 0;
                try {
                    while (n < s.bytes()) {
                        n += in.transferTo(n, s.bytes() - n, out.position(bytes + n));
                    }
                } catch (IOException e) {
                    out.truncate(bytes);
                    throw e;
                }
            }
        }

        CpuSpool spool() {
            return new CpuSpool(cpu, file, pages, bytes, events, lostInPages, lostUncounted, discarded, stats);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
        } catch (IOException ignored) {
            // spool leftovers are nstrace's own private files; nothing in the kernel depends on them
        }
    }
}
