package io.nstrace.session;

import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.ProcessInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The few per-process facts the session layer needs from /proc; empty when the process is gone. */
final class ProcessProbe {
    private final ProcFs proc;

    ProcessProbe(ProcFs proc) {
        this.proc = proc;
    }

    ProcFs proc() {
        return proc;
    }

    /** Start time in clock ticks since boot: field 22 of /proc/PID/stat (counted after the comm's ')'). */
    OptionalLong startTime(int pid) {
        Optional<String> stat = proc.readString(proc.pidDir(pid).resolve("stat"));
        return stat.isPresent() ? parseStartTime(stat.get()) : OptionalLong.empty();
    }

    static OptionalLong parseStartTime(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] f = stat.substring(close + 2).strip().split(" ");
        // after ')' the fields start at 3 (state); starttime is field 22
        return f.length > 19 ? OptionalLong.of(Long.parseLong(f[19])) : OptionalLong.empty();
    }

    /** Whether TID is (still) in the PID namespace with this inode. */
    boolean inNamespace(int tid, long pidnsInode) {
        OptionalLong ns = proc.pidnsInode(tid);
        return ns.isPresent() && ns.getAsLong() == pidnsInode;
    }

    /** A ProcessInfo for a host TID (the thread's own NSpid and comm), if it is still there. */
    Optional<ProcessInfo> describe(int tid, long pidnsInode) {
        Optional<String> status = proc.status(tid);
        if (status.isEmpty()) {
            return Optional.empty();
        }
        String comm = "";
        int ppid = 0;
        int tgid = tid;
        List<Integer> nspid = new ArrayList<>();
        for (String line : status.get().split("\n")) {
            String[] kv = line.split(":\\s*", 2);
            if (kv.length < 2) {
                continue;
            }
            switch (kv[0]) {
                case "Name" -> comm = kv[1].strip();
                case "PPid" -> ppid = Integer.parseInt(kv[1].strip());
                case "Tgid" -> tgid = Integer.parseInt(kv[1].strip());
                case "NSpid" -> {
                    for (String n : kv[1].strip().split("\\s+")) {
                        nspid.add(Integer.parseInt(n));
                    }
                }
                default -> { }
            }
        }
        return Optional.of(new ProcessInfo(tgid, ppid, nspid, List.of(tid), comm, "", pidnsInode,
                startTime(tid).orElse(0)));
    }
}
