package io.nstrace.session;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.nstrace.testing.Workloads;
import io.nstrace.testing.KernelCleanup;
import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.testing.Require;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.nstrace.session.LiveContainers.PROC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** attach --wait: a container that does not exist yet is attached as it appears. */
class AttachWaitKernelTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final KernelCleanup cleanup = new KernelCleanup();
    FencedInstances manager;
    Process workload;


    /** A stand-in for discovery: namespaces (other than the host's) whose init is named {@code comm}. */
    static Supplier<List<Container>> byInitComm(String comm) {
        long host = PROC.pidnsInode((int) ProcessHandle.current().pid()).orElseThrow();
        return () -> {
            List<Container> out = new ArrayList<>();
            for (int pid : PROC.pids()) {
                OptionalLong ns = PROC.pidnsInode(pid);
                if (ns.isPresent() && ns.getAsLong() != host
                        && PROC.readString(PROC.pidDir(pid).resolve("comm")).orElse("").strip().equals(comm)) {
                    out.add(LiveContainers.of(comm, pid));
                }
            }
            return out;
        };
    }

    @Test
    void attachesAsTheContainerAppears() throws Exception {
        manager = cleanup.close(FencedInstances.live(new TraceFs(Require.kernel()), PROC, new StateDir(tmp.resolve("state"))));
        CompletableFuture<FencedInstance> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return manager.attachWhenSeen(byInitComm("waitme"), c -> true,
                        SessionOptions.events("raw_syscalls:sys_enter"), SessionListener.NONE, Duration.ofSeconds(20),
                        Duration.ofMillis(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        workload = cleanup.kill(Workloads.unshare("echo -n waitme > /proc/self/comm; i=0; while [ $i -lt 100 ]; do "
                + "read a < /proc/uptime; sleep 0.05; i=$((i+1)); done; sleep 30"));
        FencedInstance s = waiting.get(20, TimeUnit.SECONDS);
        s.start();
        Thread.sleep(1500);
        s.stop();
        assertEquals("waitme", s.container().name());
        TraceText t = TraceText.parse(s.instance().read("trace"));
        assertFalse(t.pidsOf("waitme").isEmpty(), "traced: " + new java.util.TreeSet<>(t.comms()));
    }

    @Test
    void givesUpAfterTheTimeout() {
        manager = cleanup.close(FencedInstances.live(new TraceFs(Require.kernel()), PROC, new StateDir(tmp.resolve("state"))));
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attachWhenSeen(List::of, c -> true,
                SessionOptions.defaults(), SessionListener.NONE, Duration.ofMillis(200), Duration.ofMillis(20)));
        assertEquals("no matching container appeared within 200 ms", e.getMessage());
    }
}
