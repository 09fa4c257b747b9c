package io.nstrace.testing;

import io.nstrace.discovery.ProcFs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Workloads in a PID namespace of their own, the way the kernel tests make "containers" without a runtime:
 * {@code unshare -p -f --mount-proc sh -c SCRIPT} (with {@code -u} for a UTS namespace too), output discarded.
 * Register the handle with {@link KernelCleanup} so it dies even when the test fails.
 */
public final class Workloads {
    private static final ProcFs PROC = new ProcFs(Path.of("/proc"));

    private Workloads() {
    }

    /** {@code unshare -p -f --mount-proc sh -c SCRIPT}; the returned handle is unshare, its child is the init. */
    public static Process unshare(String script) throws IOException {
        return start(List.of(), script);
    }

    /** As {@link #unshare}, with a UTS namespace of its own (so the script may set a hostname). */
    public static Process unshareUts(String script) throws IOException {
        return start(List.of("-u"), script);
    }

    private static Process start(List<String> extra, String script) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-p"));
        cmd.addAll(extra);
        cmd.addAll(List.of("-f", "--mount-proc", "sh", "-c", script));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The namespace's init: unshare's only child in another PID namespace, once it exists. */
    public static int initOf(Process unshare) throws Exception {
        Path children = Path.of("/proc", Long.toString(unshare.pid()), "task", Long.toString(unshare.pid()),
                "children");
        for (int i = 0; i < 200; i++) {
            String c = Files.exists(children) ? Files.readString(children).strip() : "";
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
    public static void kill(Process p) {
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
