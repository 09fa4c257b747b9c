package io.nstrace.discovery;

import io.nstrace.sys.NativeException;
import io.nstrace.sys.Namespaces;
import io.nstrace.sys.ProcReader;
import io.nstrace.sys.UtsNamespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds every PID namespace with at least one process in ONE pass over /proc and turns each one other than the
 * host's into a {@link Container}: init process, nesting (the init's parent process's namespace when that is one
 * level up, which makes it the parent namespace; else NS_GET_PARENT where permitted; else the nearest ancestor
 * process outside the namespace), the kernel's namespace id (NS_GET_ID, once per namespace), and a name from
 * the runtime ({@link ContainerIdentifier}). The host's namespace is that of PID 1 if readable, else of
 * {@code <root>/self}, else of the lowest PID whose NSpid has one level.
 */
public final class ContainerDiscovery {
    /** Reads the hostnames of UTS namespace links; links it cannot join are left out. */
    @FunctionalInterface
    public interface Hostnames {
        Map<Path, String> read(List<Path> utsLinks);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean NATIVE_PREPARED =
            new java.util.concurrent.atomic.AtomicBoolean();
    private static volatile boolean nativeReady;

    private final ProcFs proc;
    private final RuntimeRoots roots;
    private final Hostnames hostnames;
    private final int workers;

    public ContainerDiscovery(ProcFs proc, RuntimeRoots roots) {
        this(proc, roots, UtsNamespace::hostnames, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    public ContainerDiscovery(ProcFs proc, RuntimeRoots roots, Hostnames hostnames, int workers) {
        this.proc = proc;
        this.roots = roots;
        this.hostnames = hostnames;
        this.workers = workers;
    }

    /** Discovery over a procfs root with the runtime state that goes with it ({@link RuntimeRoots#forProc}). */
    public static ContainerDiscovery forProc(Path procRoot) {
        return new ContainerDiscovery(new ProcFs(procRoot), RuntimeRoots.forProc(procRoot));
    }

    /** One discovery pass reading every process in full (NSpid chain, comm, command line, threads). */
    public Snapshot scan() {
        return scan(true);
    }

    /**
     * One discovery pass that reads every process's namespace link but only each namespace's init in full:
     * enough for the container list (names, PIDs, nesting), several times cheaper on a loaded host. See
     * {@link Snapshot#detailed()}; {@link #detailed(Container)} completes a chosen container.
     */
    public Snapshot scanNamespaces() {
        return scan(false);
    }

    /** {@code c} with each of its processes read in full again; processes gone since the scan are dropped. */
    public Container detailed(Container c) {
        ProcScanner scanner = new ProcScanner(proc.root(), 1);
        List<ProcessInfo> procs = new ArrayList<>(c.processes().size());
        try (ProcScanner.Worker w = scanner.worker(-1)) {
            for (ProcessInfo p : c.processes()) {
                ProcessInfo full = ProcScanner.isBrief(p) ? w.read(p.pid()) : p;
                if (full != null && full.pidnsInode() == c.pidnsInode()) {
                    procs.add(full);
                }
            }
        }
        return c.withProcesses(procs);
    }

    /**
     * Binds the native calls on a helper thread, once per JVM, while /proc is read through NIO: the first binding
     * alone takes tens of ms, which a one-shot command feels; later scans read through FFM, faster once bound.
     */
    private static void prepareNative() {
        if (NATIVE_PREPARED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon(true).name("nstrace-ffm").start(() -> {
                Namespaces.prepare();
                ProcReader.prepare();
                nativeReady = true;
            });
        }
    }

    private Snapshot scan(boolean full) {
        proc.requireProcfs();
        long hint = hostInodeHint();
        prepareNative();
        ProcScanner scanner = new ProcScanner(proc.root(), workers);
        ProcScanner.Result scan = scanner.scan(hint, full, full || nativeReady);
        long hostInode = hint >= 0 ? hint : lowestOneLevel(scan.processes(), full ? null : scanner);
        Map<Long, List<ProcessInfo>> byNs = new LinkedHashMap<>();
        Map<Integer, ProcessInfo> byPid = new ConcurrentHashMap<>(scan.processes().size() * 2);
        for (ProcessInfo p : scan.processes()) {
            byNs.computeIfAbsent(p.pidnsInode(), k -> new ArrayList<>()).add(p);
            byPid.put(p.pid(), p);
        }
        List<ProcessInfo> hostProcs = byNs.getOrDefault(hostInode, List.of());
        NsIds ids = new NsIds();
        List<Map.Entry<Long, List<ProcessInfo>>> others = new ArrayList<>(byNs.size());
        byNs.entrySet().stream().filter(e -> e.getKey() != hostInode).forEach(others::add);
        // each namespace's own reads (its init in full, NS_GET_ID, its UTS link, its init's cgroup) are shared out
        // between the workers like the processes were: on a host with 100 namespaces they are ~40% of a scan
        Namespace[] found = new Namespace[others.size()];
        AtomicInteger next = new AtomicInteger();
        ProcScanner.runOn(Math.min(workers, 1 + others.size() / 16), () -> {
            try (ProcScanner.Worker details = scanner.worker(hostInode, full || nativeReady)) {
                for (int i = next.getAndIncrement(); i < found.length; i = next.getAndIncrement()) {
                    List<ProcessInfo> procs = others.get(i).getValue();
                    if (!full) {
                        completeInit(procs, details, byPid);
                    }
                    found[i] = namespace(others.get(i).getKey(), procs, byPid, hostInode, ids);
                }
            }
        });
        List<Container> containers = name(new ArrayList<>(List.of(found)), utsOf(hostProcs));
        Container host = new Container("host", "host", null, hostInode, ids.of(hostInode, hostProcs), 0, 0,
                Files.exists(proc.pidDir(1)) || hostProcs.isEmpty() ? 1 : hostProcs.getFirst().pid(),
                hostProcs, null, null, null, null);
        return new Snapshot(containers, host, scan.skipped(), full);
    }

    /**
     * Finds and reads in full the init of a briefly scanned namespace: from its lowest PID up the parent chain
     * (inside a PID namespace every orphan is re-parented to its init), so it costs a read or two; PID order
     * alone would not do since PIDs wrap. If the chain leaves the namespace first, every process is tried.
     */
    private static void completeInit(List<ProcessInfo> procs, ProcScanner.Worker details,
                                     Map<Integer, ProcessInfo> byPid) {
        int i = 0;
        for (int hops = 0; hops < 64 && i >= 0; hops++) {
            ProcessInfo p = readInto(procs, i, details, byPid);
            if (p != null && p.nspid().size() > 1 && p.containerPid() == 1) {
                return;
            }
            i = p == null ? -1 : indexOf(procs, p.ppid());
        }
        for (int k = 0; k < procs.size(); k++) {
            ProcessInfo p = ProcScanner.isBrief(procs.get(k)) ? readInto(procs, k, details, byPid) : procs.get(k);
            if (p != null && p.nspid().size() > 1 && p.containerPid() == 1) {
                return;
            }
        }
    }

    private static ProcessInfo readInto(List<ProcessInfo> procs, int i, ProcScanner.Worker details,
                                        Map<Integer, ProcessInfo> byPid) {
        ProcessInfo p = details.read(procs.get(i).pid());
        if (p == null || p.pidnsInode() != procs.get(i).pidnsInode()) {
            return null;
        }
        procs.set(i, p);
        byPid.put(p.pid(), p);
        return p;
    }

    /** Index of {@code pid} in {@code procs} (ascending by PID), or -1. */
    private static int indexOf(List<ProcessInfo> procs, int pid) {
        int lo = 0;
        int hi = procs.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int v = procs.get(mid).pid();
            if (v == pid) {
                return mid;
            }
            if (v < pid) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /** A non-host namespace before naming. */
    private record Namespace(long inode, Long id, long parent, int level, ProcessInfo init, List<ProcessInfo> procs,
                             long uts, String cgroup) {
    }

    private Namespace namespace(long inode, List<ProcessInfo> procs, Map<Integer, ProcessInfo> byPid,
                                long hostInode, NsIds ids) {
        ProcessInfo init = procs.stream().filter(p -> !ProcScanner.isBrief(p)).findFirst().orElse(procs.getFirst());
        for (ProcessInfo p : procs) {
            if (p.nspid().size() > 1 && p.containerPid() == 1) {
                init = p;
                break;
            }
        }
        int level = Math.max(1, init.nspid().size() - 1);
        ProcessInfo up = byPid.get(init.ppid());
        long parentInode;
        if (up != null && up.pidnsInode() != inode && levelOf(up, hostInode) == level - 1) {
            // the creator's namespace is an ancestor of (or is) the parent: one level up, it IS the parent
            parentInode = up.pidnsInode();
        } else {
            Long parent = nsGetParent(init.pid());
            parentInode = parent != null ? parent : derivedParent(init, byPid, hostInode);
        }
        return new Namespace(inode, ids.of(inode, procs), parentInode, level, init, procs,
                proc.nsInode(init.pid(), "uts").orElse(-1), proc.readString(proc.pidDir(init.pid()).resolve("cgroup")).orElse(null));
    }

    /** Nesting level of a process's namespace: 0 for the host's, -1 when unknown (a brief record). */
    private static int levelOf(ProcessInfo p, long hostInode) {
        return p.pidnsInode() == hostInode ? 0 : ProcScanner.isBrief(p) ? -1 : p.nspid().size() - 1;
    }

    private Long nsGetParent(int pid) {
        try {
            Namespaces.Parent p = Namespaces.parent(proc.pidDir(pid).resolve("ns/pid"));
            return p == null ? null : p.inode();
        } catch (NativeException | RuntimeException e) {
            return null;
        }
    }

    /** The namespace of the nearest ancestor outside this namespace; the host's if the chain breaks. */
    static long derivedParent(ProcessInfo init, Map<Integer, ProcessInfo> byPid, long hostInode) {
        ProcessInfo p = init;
        for (int hops = 0; hops < 4096; hops++) {
            ProcessInfo parent = byPid.get(p.ppid());
            if (parent == null || parent == p) {
                return hostInode;
            }
            if (parent.pidnsInode() != init.pidnsInode()) {
                return parent.pidnsInode();
            }
            p = parent;
        }
        return hostInode;
    }

    private List<Container> name(List<Namespace> namespaces, long hostUts) {
        namespaces.sort(Comparator.comparingInt(Namespace::level).thenComparingInt(n -> n.init().pid()));
        ContainerIdentifier identifier = new ContainerIdentifier(proc, roots);
        Map<Long, Path> ownUts = new HashMap<>();
        for (Namespace n : namespaces) {
            long uts = n.uts();
            if (uts >= 0 && uts != hostUts) {
                ownUts.put(n.inode(), identifier.utsLink(n.init().pid()));
            }
        }
        Map<Path, String> names = ownUts.isEmpty() ? Map.of() : hostnames.read(List.copyOf(ownUts.values()));
        Set<String> used = new HashSet<>();
        List<Container> out = new ArrayList<>();
        for (Namespace n : namespaces) {
            Path utsLink = ownUts.get(n.inode());
            String hostname = utsLink == null ? null : names.get(utsLink);
            ContainerIdentifier.Identity who = identifier.identify(n.init(), n.cgroup(), hostname);
            out.add(new Container(unique(who.name(), used), who.runtime(), who.id(), n.inode(), n.id(), n.parent(),
                    n.level(), n.init().pid(), n.procs(), who.image(), who.pod(), who.k8sNamespace(), hostname));
        }
        out.sort(Comparator.comparingInt(Container::level).thenComparing(Container::name));
        return out;
    }

    /** {@code name}, or {@code name-2}, {@code name-3}... the first not taken yet. */
    static String unique(String name, Set<String> used) {
        String candidate = name;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }

    private long utsOf(List<ProcessInfo> hostProcs) {
        for (ProcessInfo p : hostProcs) {
            OptionalLong uts = proc.nsInode(p.pid(), "uts");
            if (uts.isPresent()) {
                return uts.getAsLong();
            }
        }
        return -1;
    }

    private long hostInodeHint() {
        OptionalLong one = proc.pidnsInode(1);
        if (one.isPresent()) {
            return one.getAsLong();
        }
        try {
            Path self = proc.root().resolve("self");
            if (Files.isSymbolicLink(self)) {
                String target = Files.readSymbolicLink(self.resolve("ns/pid")).toString();
                return Namespaces.inodeOf(target);
            }
        } catch (IOException | IllegalArgumentException e) {
            return -1;
        }
        return -1;
    }

    /** The namespace of the lowest PID whose NSpid has one level; brief records are read in full first. */
    private static long lowestOneLevel(List<ProcessInfo> processes, ProcScanner readIfBrief) {
        try (ProcScanner.Worker w = readIfBrief == null ? null : readIfBrief.worker(-1)) {
            for (ProcessInfo p : processes) {
                ProcessInfo full = w != null && ProcScanner.isBrief(p) ? w.read(p.pid()) : p;
                if (full != null && full.nspid().size() == 1) {
                    return full.pidnsInode();
                }
            }
        }
        return processes.isEmpty() ? -1 : processes.getFirst().pidnsInode();
    }

    /** NS_GET_ID once per namespace; after the kernel says it has no such ioctl, never asked again. */
    private final class NsIds {
        private volatile boolean supported = true;

        Long of(long inode, List<ProcessInfo> procs) {
            if (!supported || procs.isEmpty()) {
                return null;
            }
            for (ProcessInfo p : procs.subList(0, Math.min(3, procs.size()))) {
                try {
                    OptionalLong id = Namespaces.id(proc.pidDir(p.pid()).resolve("ns/pid"));
                    if (id.isEmpty()) {
                        supported = false;
                        return null;
                    }
                    return id.getAsLong();
                } catch (NativeException | RuntimeException e) {
                    // vanished or not a real namespace link: try the next process
                }
            }
            return null;
        }
    }
}
