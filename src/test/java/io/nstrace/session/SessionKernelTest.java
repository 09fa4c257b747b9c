package io.nstrace.session;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.nstrace.testing.Workloads;
import io.nstrace.testing.KernelCleanup;
import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.testing.Require;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static io.nstrace.session.LiveContainers.PROC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions on the live kernel: unshare namespaces against the same workload on the host. */
class SessionKernelTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final KernelCleanup cleanup = new KernelCleanup();
    FencedInstances manager;
    TraceFs traceFs;

    FencedInstances manager() {
        traceFs = new TraceFs(Require.kernel());
        manager = cleanup.close(FencedInstances.live(traceFs, PROC, new StateDir(tmp.resolve("state"))));
        return manager;
    }


    Process start(String script) throws Exception {
        Process p = Workloads.unshare(script);
        cleanup.kill(p);
        return p;
    }

    Process host(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        cleanup.kill(p);
        return p;
    }

    @Test
    void twoNamespacesAndTheHostEachTraceOnlyTheirOwnPids() throws Exception {
        manager();
        Process a = start(LiveContainers.loop("ctraw", "ctrac"));
        Process b = start(LiveContainers.loop("ctrbw", "ctrbc"));
        host(LiveContainers.loop("hostw", "hostc"));
        Container ca = LiveContainers.of("ctr-a", Workloads.initOf(a));
        Container cb = LiveContainers.of("ctr-b", Workloads.initOf(b));
        SessionOptions o = SessionOptions.events("raw_syscalls:sys_enter", "sched:sched_process_exec");
        FencedInstance sa = manager.attach(ca, o, SessionListener.NONE);
        FencedInstance sb = manager.attach(cb, o, SessionListener.NONE);
        sa.start();
        sb.start();
        Thread.sleep(1500);
        List<Integer> aliveA = LiveContainers.of("ctr-a", ca.initPid()).pids();
        Thread.sleep(100);
        sa.stop();
        sb.stop();
        TraceText ta = TraceText.parse(sa.instance().read("trace"));
        TraceText tb = TraceText.parse(sb.instance().read("trace"));
        assertOnly(ta, Set.of("ctraw", "ctrac", "sleep", "sh"));
        assertOnly(tb, Set.of("ctrbw", "ctrbc", "sleep", "sh"));
        assertTrue(ta.pidsOf("ctrac").size() >= 5, "children forked after attach are traced: " + ta.pidsOf("ctrac"));
        assertTrue(tb.pidsOf("ctrbc").size() >= 5, tb.pidsOf("ctrbc").toString());
        for (int pid : aliveA) {
            assertTrue(ta.pids().contains(pid), "every process of the namespace is traced: " + pid);
        }
        for (int pid : ta.pids()) {
            assertTrue(PROC.pidnsInode(pid).orElse(ca.pidnsInode()) == ca.pidnsInode(), "pid " + pid);
        }
    }

    static void assertOnly(TraceText t, Set<String> comms) {
        assertFalse(t.pids().isEmpty(), "no events");
        for (String c : t.comms()) {
            assertTrue(comms.contains(c) || c.equals("<...>"), "unexpected task " + c + " among "
                    + new java.util.TreeSet<>(t.comms()));
        }
    }

    @Test
    void functionTracingIsRefusedUnderLockdownAndLeavesNothing() throws Exception {
        manager();
        Process a = start("sleep 30");
        Container c = LiveContainers.of("fn", Workloads.initOf(a));
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attach(c,
                SessionOptions.defaults().withFunction(false, 0, List.of(), List.of()), SessionListener.NONE));
        assertEquals("function tracing is not permitted by this kernel (lockdown); events still work", e.getMessage());
        assertEquals(ExitCodes.ENVIRONMENT, e.exitCode());
        assertEquals(List.of(), mine(traceFs.instanceNames()));
        assertEquals(List.of(), manager.stateDir().records());
    }

    @Test
    void containerExitEndsTheSessionAndKeepsItsData() throws Exception {
        manager();
        Process a = start("i=0; while [ $i -lt 15 ]; do read x < /proc/uptime; sleep 0.05; i=$((i+1)); done");
        Container c = LiveContainers.of("short", Workloads.initOf(a));
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        FencedInstance s = manager.attach(c, SessionOptions.events("raw_syscalls:sys_enter"), new SessionListener() {
            @Override
            public void containerExited(FencedInstance t) {
                calls.add("exited");
            }
        });
        s.start();
        a.waitFor();
        for (int i = 0; i < 40 && s.state() != SessionState.ENDED; i++) {
            Thread.sleep(100);
        }
        assertEquals(SessionState.ENDED, s.state());
        assertEquals(List.of("exited"), calls);
        assertEquals("0", s.instance().read("tracing_on").strip());
        assertFalse(TraceText.parse(s.instance().read("trace")).pids().isEmpty(), "data kept");
        s.detach();
        assertFalse(s.instance().exists());
    }

    static List<String> mine(List<String> names) {
        String own = "-" + ProcessHandle.current().pid() + "-";
        return names.stream().filter(n -> n.startsWith("nstrace-") && n.contains(own)).toList();
    }

    @Test
    void nothingOfOursIsLeftAfterClose() throws Exception {
        manager();
        Process a = start("sleep 30");
        FencedInstance s = manager.attach(LiveContainers.of("x", Workloads.initOf(a)), SessionOptions.defaults(),
                SessionListener.NONE);
        s.start();
        assertEquals(2, mine(traceFs.instanceNames()).size(), "session and watcher instances");
        s.detach();
        assertEquals(List.of(), mine(traceFs.instanceNames()), "the watcher goes with the last session");
        manager.attach(LiveContainers.of("x", Workloads.initOf(a)), SessionOptions.defaults(),
                SessionListener.NONE).start();
        manager.close();
        assertEquals(List.of(), mine(traceFs.instanceNames()));
        assertEquals(List.of(), manager.stateDir().records());
    }

    @Test
    void aRejectedFilterShowsTheKernelsWordsAndLeavesNothing() throws Exception {
        manager();
        Process a = start("sleep 30");
        Container c = LiveContainers.of("flt", Workloads.initOf(a));
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attach(c,
                SessionOptions.events("sched:sched_switch").withFilter("nosuchfield == 1"), SessionListener.NONE));
        assertTrue(e.getMessage().startsWith("filter 'nosuchfield == 1' rejected for sched:sched_switch: ["),
                e.getMessage());
        assertTrue(e.getMessage().contains("event filter parse error"), e.getMessage());
        assertEquals(ExitCodes.USER, e.exitCode());
        assertEquals(List.of(), mine(traceFs.instanceNames()));
        FencedInstance ok = manager.attach(c, SessionOptions.events("sched:sched_switch").withFilter("prev_prio < 200"),
                SessionListener.NONE);
        assertEquals("prev_prio < 200", ok.instance().read("events/sched/sched_switch/filter").strip());
    }

    @Test
    void appContextCloseDetachesItsSessions() throws Exception {
        traceFs = new TraceFs(Require.kernel());
        Process a = start("sleep 30");
        try (io.nstrace.cli.context.AppContext ctx = new io.nstrace.cli.context.AppContext(Path.of("/proc"),
                java.util.Optional.of(traceFs.root()), tmp.resolve("ctx-state"))) {
            ctx.services().sessions().attach(LiveContainers.of("ctx", Workloads.initOf(a)), SessionOptions.defaults(),
                    SessionListener.NONE).start();
            assertEquals(2, mine(traceFs.instanceNames()).size());
        }
        assertEquals(List.of(), mine(traceFs.instanceNames()));
    }
}
