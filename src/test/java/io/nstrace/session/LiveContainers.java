package io.nstrace.session;

import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.ProcessInfo;

import java.io.IOException;
import java.nio.file.Files;
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

    /** {@code unshare -p -f --mount-proc sh -c SCRIPT}; the returned handle is unshare, its child is the init. */
    static Process unshare(String script) throws IOException {
        return new ProcessBuilder("unshare", "-p", "-f", "--mount-proc", "sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The namespace's init: unshare's only child, once it exists. */
    static int initOf(Process unshare) throws Exception {
        Path children = Path.of("/proc", Long.toString(unshare.pid()), "task", Long.toString(unshare.pid()),
                "children");
        for (int i = 0; i < 200; i++) {
            String c = Files.readString(children).strip();
            if (!c.isEmpty()) {
                int pid = Integer.parseInt(c.split(" ")[0]);
                if (PROC.pidnsInode(pid).orElse(0) != PROC.pidnsInode((int) unshare.pid()).orElse(0)) {
                    return pid;
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("unshare started no namespace");
    }

    /** Kills a workload and everything under it. */
    static void kill(Process p) {
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** A shell loop naming itself {@code self} and its forked children {@code child}, forking every 50 ms. */
    static String loop(String self, String child) {
        return "echo -n " + self + " > /proc/self/comm; while :; do (echo -n " + child
                + " > /proc/self/comm; read a < /proc/uptime); sleep 0.05; done";
    }
}
