package io.nstrace.discovery;

import io.nstrace.sys.ProcReader;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one pass over /proc: for every process, its PID namespace inode (readlink ns/pid), stat (comm, PPID,
 * thread count, start time), NSpid chain (status, only for processes outside the host namespace: inside it the
 * chain is just the PID), command line and thread ids (task/, only when it has more than one thread). The PIDs are
 * shared out in blocks between worker threads, each with its own {@link ProcReader} and buffers. Processes
 * that vanish or cannot be read (EACCES) are counted, never fatal.
 */
final class ProcScanner {
    private static final int BLOCK = 64;
    private static final int BUFFER = 8192;
    private static final byte[] NS_PID = "ns/pid".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Path root;
    private final int workers;

    ProcScanner(Path root, int workers) {
        this.root = root;
        this.workers = Math.max(1, workers);
    }

    /** What one pass found: the readable processes by PID ascending and how many were skipped. */
    record Result(List<ProcessInfo> processes, int skipped) {
    }

    /**
     * Scans every numeric entry of the root; {@code hostInode} (or -1 if unknown) spares reading status. With
     * {@code full} false only the namespace link is read: the processes come back as {@link #brief} records.
     * {@code nativeReads} picks FFM over NIO for the reads (see {@link Worker}).
     */
    Result scan(long hostInode, boolean full, boolean nativeReads) {
        int[] pids = listPids();
        ProcessInfo[] out = new ProcessInfo[pids.length];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        Runnable work = () -> {
            try (Worker w = new Worker(hostInode, nativeReads)) {
                int s = 0;
                for (int start = next.getAndAdd(BLOCK); start < pids.length; start = next.getAndAdd(BLOCK)) {
                    for (int i = start; i < Math.min(start + BLOCK, pids.length); i++) {
                        out[i] = full ? w.read(pids[i]) : w.brief(pids[i]);
                        s += out[i] == null ? 1 : 0;
                    }
                }
                skipped.addAndGet(s);
            }
        };
        runOn(Math.min(workers, 1 + pids.length / (2 * BLOCK)), work);
        List<ProcessInfo> found = new ArrayList<>(pids.length);
        for (ProcessInfo p : out) {
            if (p != null) {
                found.add(p);
            }
        }
        return new Result(found, skipped.get());
    }

    /**
     * Runs {@code work} on this thread and {@code threads - 1} helpers at once; returns when all are done, throwing
     * what a helper threw (a bug: the reads themselves never throw) as this thread would have.
     */
    static void runOn(int threads, Runnable work) {
        List<Thread> helpers = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        for (int i = 1; i < threads; i++) {
            helpers.add(Thread.ofPlatform().name("nstrace-scan-" + i).daemon(true).start(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    failed.compareAndSet(null, e);
                }
            }));
        }
        work.run();
        for (Thread t : helpers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while scanning /proc", e);
            }
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    int[] listPids() {
        int[] pids = new int[1024];
        int n = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
            for (Path p : dir) {
                int pid = parsePid(p.getFileName().toString());
                if (pid > 0) {
                    if (n == pids.length) {
                        pids = Arrays.copyOf(pids, n * 2);
                    }
                    pids[n++] = pid;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + root, e);
        }
        int[] result = Arrays.copyOf(pids, n);
        Arrays.sort(result);
        return result;
    }

    private static int parsePid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < name.length(); i++) {
            int d = name.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /** A process known only by its PID and namespace: what a namespaces-only scan records. */
    static ProcessInfo brief(int pid, long inode) {
        return new ProcessInfo(pid, 0, List.of(), List.of(pid), "", "", inode, 0);
    }

    /** Whether {@code p} is a {@link #brief} record rather than a fully read one. */
    static boolean isBrief(ProcessInfo p) {
        return p.nspid().isEmpty();
    }

    /** A reader of single processes (details after a namespaces-only scan) through NIO; close it when done. */
    Worker worker(long hostInode) {
        return new Worker(hostInode, false);
    }

    /** The same through {@link ProcReader} when {@code nativeReads} (its calls bound: fewer system calls per file). */
    Worker worker(long hostInode, boolean nativeReads) {
        return new Worker(hostInode, nativeReads);
    }

    /**
     * One thread's reader and buffers. With {@code nativeReads} files are read through {@link ProcReader} (FFM:
     * the fastest once running, but binding the native calls costs tens of milliseconds at start-up); without,
     * through NIO, which is what a one-shot namespaces-only scan wants.
     */
    final class Worker implements AutoCloseable {
        private final ProcReader reader;
        private final ProcReader.Name nsPid;
        private final ProcReader.Name stat;
        private final ProcReader.Name status;
        private final ProcReader.Name cmdline;
        private final byte[] buf = new byte[BUFFER];
        private final long hostInode;

        Worker(long hostInode, boolean nativeReads) {
            this.hostInode = hostInode;
            this.reader = nativeReads ? new ProcReader(root.toString(), BUFFER) : null;
            this.nsPid = nativeReads ? reader.name("ns/pid") : null;
            this.stat = nativeReads ? reader.name("stat") : null;
            this.status = nativeReads ? reader.name("status") : null;
            this.cmdline = nativeReads ? reader.name("cmdline") : null;
        }

        ProcessInfo brief(int pid) {
            int n = reader != null ? reader.readlink(pid, NS_PID, buf) : nioLink(pid);
            long inode = n < 0 ? -1 : ProcFileParser.parseNsLink(buf, n);
            return inode < 0 ? null : ProcScanner.brief(pid, inode);
        }

        /** Every detail of one process, or null when it is gone or unreadable. */
        ProcessInfo read(int pid) {
            int dir = reader == null ? 0 : reader.openPid(pid);
            if (dir < 0) {
                return null;
            }
            try {
                return read(pid, dir);
            } finally {
                if (reader != null) {
                    reader.close(dir);
                }
            }
        }

        private ProcessInfo read(int pid, int dir) {
            int n = reader != null ? reader.readlink(dir, nsPid, buf) : nioLink(pid);
            long inode = n < 0 ? -1 : ProcFileParser.parseNsLink(buf, n);
            if (inode < 0 || (n = file(pid, dir, stat, "stat")) < 0) {
                return null;
            }
            ProcFileParser.Stat st = ProcFileParser.parseStat(buf, n);
            if (st == null) {
                return null;
            }
            List<Integer> nspid = List.of(pid);
            if (inode != hostInode) {
                if ((n = file(pid, dir, status, "status")) < 0) {
                    return null;
                }
                List<Integer> chain = ProcFileParser.parseNsPid(buf, n);
                nspid = chain.isEmpty() ? nspid : chain;
            }
            n = file(pid, dir, cmdline, "cmdline");
            String cmd = n <= 0 ? "" : ProcFileParser.parseCmdline(buf, n);
            List<Integer> tids = st.threads() > 1 ? tids(pid) : List.of(pid);
            return new ProcessInfo(pid, st.ppid(), nspid, tids, st.comm(), cmd, inode, st.startTime());
        }

        /** Reads a file of the process into {@link #buf}: its length, or negative on failure. */
        private int file(int pid, int dir, ProcReader.Name nativeName, String name) {
            if (reader != null) {
                return reader.read(dir, nativeName, buf, !name.equals("cmdline"));
            }
            try {
                byte[] b = Files.readAllBytes(root.resolve(Integer.toString(pid)).resolve(name));
                int n = Math.min(b.length, buf.length);
                System.arraycopy(b, 0, buf, 0, n);
                return n;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        private int nioLink(int pid) {
            try {
                String target = Files.readSymbolicLink(root.resolve(Integer.toString(pid)).resolve("ns/pid")).toString();
                int n = Math.min(target.length(), buf.length);
                for (int i = 0; i < n; i++) {
                    buf[i] = (byte) target.charAt(i);
                }
                return n;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        private List<Integer> tids(int pid) {
            List<Integer> out = new ArrayList<>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(root.resolve(Integer.toString(pid)).resolve("task"))) {
                for (Path p : dir) {
                    int tid = parsePid(p.getFileName().toString());
                    if (tid > 0) {
                        out.add(tid);
                    }
                }
            } catch (IOException e) {
                return List.of(pid);
            }
            out.sort(null);
            return out.isEmpty() ? List.of(pid) : out;
        }

        @Override
        public void close() {
            if (reader != null) {
                reader.close();
            }
        }
    }
}
