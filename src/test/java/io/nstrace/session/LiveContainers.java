package io.nstrace.session;

import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.ProcessInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Until discovery lands: Container records built straight from /proc for a PID namespace, and workloads. */
final class LiveContainers {
    static final ProcFs PROC = new ProcFs(Path.of("/proc"));

    private LiveContainers() {
    }

    /** Every process of the PID namespace that {@code memberPid} is in. */
    static Container of(String name, int memberPid) {
        long ns = PROC.pidnsInode(memberPid).orElseThrow();
        ProcessProbe probe = new ProcessProbe(PROC);
        List<ProcessInfo> ps = new ArrayList<>();
        for (int pid : PROC.pids()) {
            OptionalLong n = PROC.pidnsInode(pid);
            if (n.isPresent() && n.getAsLong() == ns) {
                probe.describe(pid, ns).ifPresent(p -> ps.add(new ProcessInfo(pid, p.ppid(), p.nspid(),
                        PROC.tids(pid), p.comm(), "", ns, p.startTime())));
            }
        }
        return Container.builder(name, ns).parentPidnsInode(PROC.pidnsInode(1).orElse(0)).initPid(memberPid)
                .processes(ps).build();
    }



    /** A shell loop naming itself {@code self} and its forked children {@code child}, forking every 50 ms. */
    static String loop(String self, String child) {
        return "echo -n " + self + " > /proc/self/comm; while :; do (echo -n " + child
                + " > /proc/self/comm; read a < /proc/uptime); sleep 0.05; done";
    }
}
