package io.nstrace.session;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.nstrace.testing.Workloads;
import io.nstrace.testing.KernelCleanup;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcessInfo;
import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.nstrace.session.LiveContainers.PROC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Processes entering a container after attach, and PID churn on the host while one is attached. */
class JoinerKernelTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final KernelCleanup cleanup = new KernelCleanup();
    FencedInstances manager;
    Runtimes runtime;
    String runtimeName;

    FencedInstances manager() {
        manager = cleanup.close(FencedInstances.live(new TraceFs(Require.kernel()), PROC, new StateDir(tmp.resolve("state"))));
        return manager;
    }


    @Test
    void dockerExecAfterAttachIsTraced() throws Exception {
        Require.docker();
        execAfterAttachIsTraced(Runtimes.docker());
    }

    @Test
    void podmanExecAfterAttachIsTraced() throws Exception {
        Require.podman();
        execAfterAttachIsTraced(Runtimes.podman());
    }

    void execAfterAttachIsTraced(Runtimes runtime) throws Exception {
        manager();
        this.runtime = runtime;
        runtimeName = "nstrace-join-" + UUID.randomUUID().toString().substring(0, 8);
        cleanup.then(() -> runtime.remove(runtimeName));
        runtime.runDetached(runtimeName, "while :; do sleep 1; done");
        Container c = LiveContainers.of(runtimeName, runtime.initPid(runtimeName));
        List<ProcessInfo> added = new CopyOnWriteArrayList<>();
        FencedInstance s = manager.attach(c, SessionOptions.events("raw_syscalls:sys_enter"), new SessionListener() {
            @Override
            public void pidsAdded(FencedInstance t, List<ProcessInfo> p) {
                added.addAll(p);
            }
        });
        s.start();
        Runtimes.Exec.Result r = runtime.exec("exec", runtimeName, "sh", "-c",
                "sleep 0.3; echo -n joiner > /proc/self/comm; i=0; while [ $i -lt 20 ]; do read a < /proc/uptime;"
                        + " i=$((i+1)); done");
        assertEquals(0, r.exitCode(), r.err());
        s.stop();
        TraceText t = TraceText.parse(s.instance().read("trace"));
        assertFalse(t.pidsOf("joiner").isEmpty(), "the exec'd shell is traced");
        assertTrue(added.stream().anyMatch(p -> p.nspid().size() == 2), "pidsAdded carries the NSpid chain: " + added
                + " fence " + s.tids() + " joiner " + t.pidsOf("joiner"));
        for (int pid : t.pids()) {
            assertEquals(c.pidnsInode(), PROC.pidnsInode(pid).orElse(c.pidnsInode()), "pid " + pid);
        }
    }

    @Test
    void nsenterJoinersAreAddedWithinMilliseconds() throws Exception {
        manager();
        Process ns = Workloads.unshare("sleep 60");
        cleanup.kill(ns);
        int init = Workloads.initOf(ns);
        CopyOnWriteArrayList<Long> addedAt = new CopyOnWriteArrayList<>();
        CopyOnWriteArrayList<Integer> addedPids = new CopyOnWriteArrayList<>();
        FencedInstance s = manager.attach(LiveContainers.of("nsj", init), SessionOptions.events("raw_syscalls:sys_enter"),
                new SessionListener() {
                    @Override
                    public void pidsAdded(FencedInstance t, List<ProcessInfo> p) {
                        addedAt.add(System.nanoTime());
                        p.forEach(x -> addedPids.add(x.pid()));
                    }
                });
        s.start();
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int before = addedAt.size();
            long t0 = System.nanoTime();
            Process j = new ProcessBuilder("nsenter", "-t", Integer.toString(init), "-p", "--", "sh", "-c",
                    "sleep 1; echo -n nsjoin > /proc/self/comm; read a < /proc/uptime").start();
            cleanup.kill(j);
            assertTrue(j.waitFor(10, TimeUnit.SECONDS));
            assertTrue(addedAt.size() > before, "joiner " + i + " added");
            latencies.add((addedAt.get(before) - t0) / 1_000_000);
        }
        s.stop();
        System.out.println("nsenter joiner added after (ms from spawn): " + latencies + ", load "
                + Files.readString(Path.of("/proc/loadavg")).strip());
        // each joiner's own syscalls are in the trace (by PID: the comm the trace shows comes from
        // saved_cmdlines, which only learns a renamed task at its next context switch)
        java.util.Set<Integer> traced = new java.util.HashSet<>(TraceText.parse(s.instance().read("trace")).pids());
        long joinersTraced = addedPids.stream().distinct().filter(traced::contains).count();
        assertTrue(joinersTraced >= 5, "joiners traced: " + joinersTraced + " of " + addedPids + " in " + traced);
    }

    @Test
    void hostPidChurnNeverEntersTheFence() throws Exception {
        manager();
        Process ns = Workloads.unshare(LiveContainers.loop("ctrw", "ctrc"));
        cleanup.kill(ns);
        Container c = LiveContainers.of("churn", Workloads.initOf(ns));
        FencedInstance s = manager.attach(c, SessionOptions.events("raw_syscalls:sys_enter", "sched:sched_process_exec"),
                SessionListener.NONE);
        s.start();
        Path hostPids = tmp.resolve("hostpids");
        Process churn = new ProcessBuilder("sh", "-c", "for i in $(seq 3000); do sh -c 'echo -n hostchurn > "
                + "/proc/self/comm; echo $$'; done").redirectOutput(hostPids.toFile()).start();
        cleanup.kill(churn);
        Set<Integer> fenced = new HashSet<>();
        while (churn.isAlive()) {
            for (String p : s.instance().read("set_event_pid").split("\\s+")) {
                if (!p.isEmpty()) {
                    fenced.add(Integer.parseInt(p));
                }
            }
            Thread.sleep(5);
        }
        assertEquals(0, churn.waitFor());
        s.stop();
        List<Integer> host = Files.readAllLines(hostPids).stream().map(String::strip).map(Integer::valueOf).toList();
        assertEquals(3000, host.size());
        TraceText t = TraceText.parse(s.instance().read("trace"));
        for (int pid : host) {
            assertFalse(fenced.contains(pid), "host pid " + pid + " in set_event_pid");
            assertFalse(t.pids().contains(pid), "host pid " + pid + " in trace");
        }
        assertFalse(t.comms().contains("hostchurn"));
        assertTrue(t.pidsOf("ctrc").size() >= 10, "the container kept being traced: " + t.pidsOf("ctrc").size());
        System.out.println("churn: " + host.size() + " host processes, " + fenced.size()
                + " distinct container pids fenced, " + t.pids().size() + " events");
    }
}
