package io.nstrace.session;

import io.nstrace.testing.Workloads;
import io.nstrace.tracefs.TraceFs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs inside the unlocked 6.1 VM (kernel-vm): function tracing of an unshare namespace through a real
 * session. Writes trace, set_ftrace_pid, the container's PIDs and the instances left after detach to args[0].
 */
public final class FunctionVmMain {
    private FunctionVmMain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        TraceFs traceFs = TraceFs.locate(Path.of("/proc"), Optional.empty());
        Process ns = Workloads.unshare(LiveContainers.loop("ctrw", "ctrc"));
        try (FencedInstances m = FencedInstances.live(traceFs, LiveContainers.PROC, new StateDir(out.resolve("state")))) {
            SessionOptions o = SessionOptions.events("sched:sched_process_exec")
                    .withFunction(false, 0, List.of("ksys_read", "vfs_read"), List.of()).withBuffer(8192, null);
            FencedInstance s = m.attach(LiveContainers.of("fn", Workloads.initOf(ns)), o, SessionListener.NONE);
            Files.writeString(out.resolve("set_ftrace_pid"), s.instance().read("set_ftrace_pid"));
            Files.writeString(out.resolve("current_tracer"), s.instance().read("current_tracer"));
            s.start();
            Thread.sleep(3000);
            s.stop();
            Files.writeString(out.resolve("trace"), s.instance().read("trace"));
            Files.writeString(out.resolve("nspid"), Long.toString(s.container().pidnsInode()));
            s.detach();
        } finally {
            Workloads.kill(ns);
        }
        Files.writeString(out.resolve("left"), String.join("\n", traceFs.instanceNames()));
    }
}
