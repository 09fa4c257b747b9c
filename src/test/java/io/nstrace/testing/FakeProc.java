package io.nstrace.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a fake procfs tree in a temp dir: {@code <base>/proc/<pid>/{ns/pid,ns/uts,stat,status,cmdline,cgroup,task/}}
 * with the ns entries as symlinks whose text is {@code pid:[inode]}, as the kernel shows them. Runtime state
 * for the same fake host goes under {@code <base>} ({@link #base()}), where RuntimeRoots.forProc looks.
 */
public final class FakeProc {
    public static final long HOST_PIDNS = 4026531836L;
    public static final long HOST_UTS = 4026531838L;

    private final Path base;
    private final Path root;

    public FakeProc(Path base) {
        this.base = base;
        this.root = base.resolve("proc");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path base() {
        return base;
    }

    /** The procfs root to hand to discovery / --proc. */
    public Path root() {
        return root;
    }

    /** Starts a process in the host namespaces; chain the setters, then {@link Proc#write()}. */
    public Proc process(int pid) {
        return new Proc(pid);
    }

    /** Writes a file below {@link #base()}, creating directories. */
    public Path file(String relative, String content) {
        try {
            Path p = base.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One fake process. */
    public final class Proc {
        private final int pid;
        private int ppid = 0;
        private long pidns = HOST_PIDNS;
        private long uts = HOST_UTS;
        private List<Integer> nspid;
        private List<Integer> tids;
        private String comm = "proc";
        private List<String> argv = new ArrayList<>();
        private String cgroup = "0::/\n";
        private long start = 100;
        private boolean readableNs = true;

        Proc(int pid) {
            this.pid = pid;
            this.nspid = List.of(pid);
            this.tids = List.of(pid);
        }

        public Proc ppid(int v) { ppid = v; return this; }
        public Proc pidns(long v) { pidns = v; return this; }
        public Proc uts(long v) { uts = v; return this; }
        public Proc nspid(Integer... chain) { nspid = List.of(chain); return this; }
        public Proc tids(Integer... t) { tids = List.of(t); return this; }
        public Proc comm(String v) { comm = v; return this; }
        public Proc argv(String... a) { argv = List.of(a); return this; }
        public Proc cgroup(String text) { cgroup = text; return this; }
        public Proc start(long ticks) { start = ticks; return this; }
        /** No ns links at all: looks like this machine's PID 1 (EACCES) to a scan. */
        public Proc unreadableNs() { readableNs = false; return this; }

        public FakeProc write() {
            try {
                Path dir = Files.createDirectories(root.resolve(Integer.toString(pid)));
                Path ns = Files.createDirectories(dir.resolve("ns"));
                if (readableNs) {
                    Files.createSymbolicLink(ns.resolve("pid"), Path.of("pid:[" + pidns + "]"));
                    Files.createSymbolicLink(ns.resolve("uts"), Path.of("uts:[" + uts + "]"));
                }
                Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S " + ppid
                        + " 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 " + tids.size() + " 0 " + start + " 1000 200\n");
                StringBuilder status = new StringBuilder("Name:\t" + comm + "\nUmask:\t0022\nState:\tS (sleeping)\n"
                        + "Tgid:\t" + pid + "\nNgid:\t0\nPid:\t" + pid + "\nPPid:\t" + ppid + "\nNSpid:");
                nspid.forEach(n -> status.append('\t').append(n));
                status.append("\nThreads:\t").append(tids.size()).append('\n');
                Files.writeString(dir.resolve("status"), status);
                byte[] cmd = argv.isEmpty() ? new byte[0]
                        : (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8);
                Files.write(dir.resolve("cmdline"), cmd);
                Files.writeString(dir.resolve("cgroup"), cgroup);
                for (int t : tids) {
                    Files.createDirectories(dir.resolve("task").resolve(Integer.toString(t)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return FakeProc.this;
        }
    }
}
