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
import java.nio.file.attribute.PosixFilePermissions;
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
 */
public final class Session implements SessionListener, AutoCloseable {
    private final Container container;
    private final ProcFs proc;
    private Path spoolDir;
    private final Map<Integer, ContainerMap.TaskInfo> tasks = new ConcurrentHashMap<>();
    private final Map<Integer, CpuTotal> cpus = new TreeMap<>();
    private volatile FencedInstance session;
    private SpoolDrain segment;
    private int segments;
    private TraceMeta meta;
    private String cmdlines = "";
    private long runningSince;
    private long runningNanos;
    private volatile long segmentEventsBase;
    private volatile boolean exited;

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
        Session r = new Session(container, proc);
        r.session = manager.attach(container, options, r);
        r.spoolDir = spoolRoot.resolve(r.session.instance().name());
        try {
            createPrivateDir(spoolRoot);
            createPrivateDir(r.spoolDir);
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
        }
        return Spool.toTraceData(captures, new ContainerMap(infos, all));
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

    /** Events lost so far (page flags, overruns and drops of the folded segments, page flags of the running one). */
    public synchronized long lost() {
        long folded = cpus.values().stream().mapToLong(c -> c.spool().lost()).sum();
        return folded + (segment == null ? 0 : segment.lost());
    }

    public synchronized long bytes() {
        return cpus.values().stream().mapToLong(c -> c.bytes).sum();
    }

    /** Time spent running (start to stop, summed over cycles). */
    public synchronized Duration duration() {
        long now = session.state() == SessionState.RUNNING && segment != null ? System.nanoTime() - runningSince : 0;
        return Duration.ofNanos(runningNanos + now);
    }

    public boolean containerExited() {
        return exited;
    }

    /** Joiners of this container: how many processes the session admitted after attach. */
    public int joinersAdded() {
        return Math.max(0, (int) tasks.values().stream().map(t -> t.tid()).distinct().count()
                - container.tids().size());
    }

    /** Drains, then removes the instance and the spool directory. */
    public synchronized void detach() {
        if (segment != null) {
            fold();
        }
        session.detach();
        deleteTree(spoolDir);
    }

    @Override
    public void close() {
        detach();
    }

    @Override
    public void pidsAdded(FencedInstance s, List<ProcessInfo> processes) {
        for (ProcessInfo p : processes) {
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

    private List<Integer> threadNsPid(int pid, int tid, List<Integer> fallback) {
        return proc.readString(proc.pidDir(pid).resolve("task").resolve(Integer.toString(tid)).resolve("status"))
                .map(ProcFileParser::parseNsPid).filter(l -> !l.isEmpty()).orElse(fallback);
    }

    /** A recorder for the next segment, with the metadata of the first one once there is one. */
    private SpoolDrain newSegment(Path seg) {
        if (meta == null) {
            meta = TraceMeta.collect(session.instance(), proc.root(), cpuCount(), session.events());
        }
        return SpoolDrain.resume(session.instance(), meta, seg);
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
        for (CpuSpool s : c.cpus()) {
            cpus.computeIfAbsent(s.cpu(), cpu -> new CpuTotal(cpu, spoolDir.resolve("cpu" + cpu))).add(s);
        }
        segmentEventsBase += c.events();
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
        private long overrun;
        private long dropped;
        private String stats = "";

        CpuTotal(int cpu, Path file) {
            this.cpu = cpu;
            this.file = file;
        }

        void add(CpuSpool s) {
            try (FileChannel in = FileChannel.open(s.file(), StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.APPEND)) {
                long n = 0;
                while (n < s.bytes()) {
                    n += in.transferTo(n, s.bytes() - n, out);
                }
            } catch (IOException e) {
                throw NstraceException.environment("cannot append " + s.file() + " to " + file + ": "
                        + e.getMessage());
            }
            pages += s.pages();
            bytes += s.bytes();
            events += s.events();
            lostInPages += s.lostInPages();
            lostUncounted += s.lostPagesUncounted();
            overrun = s.overrun();
            dropped = s.dropped();
            stats = s.stats();
        }

        CpuSpool spool() {
            return new CpuSpool(cpu, file, pages, bytes, events, lostInPages, lostUncounted, overrun, dropped, stats);
        }
    }

    static void createPrivateDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw NstraceException.user("cannot create spool directory " + dir + ": " + e.getMessage());
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
