package io.nstrace.session;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.ProcessInfo;
import io.nstrace.tracefs.EventId;
import io.nstrace.tracefs.TraceInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.nstrace.session.FixtureTraceFs.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact bytes a session writes into its instance, on copies of the captured tracefs fixtures. */
class SessionFixtureTest {
    static final long NS = 4026532001L;
    static final long OTHER_NS = 4026531836L;

    @TempDir
    Path tmp;
    FencedInstances manager;
    FakeProcTree proc;
    FixtureTraceFs fx;

    FencedInstances manager(String kernel) {
        fx = FixtureTraceFs.copy(kernel, tmp);
        proc = new FakeProcTree(tmp.resolve("proc"));
        proc.process(100, NS, "sh", List.of(100, 1), 101, 102).process(200, NS, "sleep", List.of(200, 7))
                .process(400, OTHER_NS, "bash", List.of(400));
        manager = new FencedInstances(fx.traceFs(), new ProcFs(proc.root()), new StateDir(tmp.resolve("state")), fx,
                false);
        return manager;
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    static Container container(String name, long ns, int... pids) {
        List<ProcessInfo> ps = new ArrayList<>();
        for (int p : pids) {
            List<Integer> tids = p == 100 ? List.of(100, 101, 102) : List.of(p);
            ps.add(new ProcessInfo(p, 1, List.of(p, 1), tids, "sh", "sh", ns, 0));
        }
        return Container.builder(name, ns).runtime("docker").parentPidnsInode(OTHER_NS).initPid(pids[0]).processes(ps)
                .build();
    }

    @Test
    void defaultsFenceTheContainerAndEnableTheDefaultEvents() throws IOException {
        FencedInstance s = manager("6.18").attach(container("web", NS, 100, 200), SessionOptions.defaults(),
                SessionListener.NONE);
        TraceInstance i = s.instance();
        assertTrue(i.name().matches("nstrace-web-\\d+-[0-9a-f]{8}"), i.name());
        assertEquals("100 101 102 200\n", read(i, "set_event_pid"));
        assertEquals("1", read(i, "options/event-fork"));
        assertEquals("0", read(i, "tracing_on"));
        assertEquals("", read(i, "set_ftrace_pid"));
        assertEquals("0\n", read(i, "options/function-fork"));
        assertEquals("nop\n", read(i, "current_tracer"));
        assertEquals(Files.readString(fx.traceFs().root().resolve("instance-template/buffer_size_kb")),
                read(i, "buffer_size_kb"), "buffer size untouched without -b");
        for (String e : SessionOptions.DEFAULT_EVENTS) {
            assertEquals("1", read(i, EventId.parse(e).dir() + "/enable"), e);
            assertEquals("none\n", read(i, EventId.parse(e).dir() + "/filter"), e);
        }
        assertEquals("0\n", read(i, "events/sched/sched_waking/enable"));
        assertEquals(List.of(100, 101, 102, 200), s.tids());
        assertEquals(SessionState.ATTACHED, s.state());
        assertFalse(Files.exists(fx.traceFs().root().resolve("set_event_pid")), "top level never written");
        OwnerRecord r = manager.stateDir().records().getFirst();
        assertEquals(ProcessHandle.current().pid(), r.ownerPid());
        assertEquals("web", r.container());
        assertEquals(i.name(), r.instance());
    }

    @Test
    void eventsGlobsFilterBufferAndClock() {
        SessionOptions o = SessionOptions.events("sched", "syscalls:sys_enter_open*")
                .withFilter("common_pid != 0").withBuffer(4096, "global");
        FencedInstance s = manager("6.18").attach(container("db", NS, 100), o, SessionListener.NONE);
        TraceInstance i = s.instance();
        assertEquals("4096", read(i, "buffer_size_kb"));
        assertEquals("global", read(i, "trace_clock"));
        assertTrue(s.events().size() > 20, s.events().toString());
        for (EventId e : s.events()) {
            assertEquals("1", read(i, e.dir() + "/enable"), e.toString());
            assertEquals("common_pid != 0", read(i, e.dir() + "/filter"), e.toString());
        }
        assertTrue(s.events().contains(new EventId("syscalls", "sys_enter_openat")));
        assertFalse(s.events().contains(new EventId("syscalls", "sys_exit_openat")));
        assertEquals("0\n", read(i, "events/raw_syscalls/sys_enter/enable"));
    }

    @Test
    void unknownEventAndClockAreRefusedAndLeaveNothing() throws IOException {
        manager("6.18");
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attach(container("a", NS, 100),
                SessionOptions.events("sched:sched_swich"), SessionListener.NONE));
        assertEquals("unknown event 'sched:sched_swich', did you mean sched:sched_switch?", e.getMessage());
        assertEquals(ExitCodes.USER, e.exitCode());
        e = assertThrows(NstraceException.class, () -> manager.attach(container("a", NS, 100),
                SessionOptions.defaults().withBuffer(0, "jiffies"), SessionListener.NONE));
        assertEquals("unknown trace clock 'jiffies'; this kernel offers: local, global, counter, uptime, perf, "
                + "mono, mono_raw, boot, tai, x86-tsc", e.getMessage());
        assertNothingLeft();
    }

    @Test
    void lifecycleTogglesOnlyThisInstance() throws IOException {
        manager("6.18");
        FencedInstance a = manager.attach(container("a", NS, 100), SessionOptions.defaults(), SessionListener.NONE);
        FencedInstance b = manager.attach(container("b", NS, 200), SessionOptions.defaults(), SessionListener.NONE);
        assertThrows(NstraceException.class, a::stop);
        a.start();
        b.start();
        assertEquals("1", read(a.instance(), "tracing_on"));
        a.stop();
        assertEquals(SessionState.STOPPED, a.state());
        assertEquals("0", read(a.instance(), "tracing_on"));
        assertEquals("1", read(b.instance(), "tracing_on"), "stopping a never touches b");
        a.start();
        assertEquals(SessionState.RUNNING, a.state());
        a.detach();
        assertEquals(SessionState.DETACHED, a.state());
        assertFalse(a.instance().exists());
        assertTrue(b.instance().exists());
        assertEquals(1, manager.stateDir().records().size());
        manager.detachAll();
        assertNothingLeft();
    }

    @Test
    void joinersAreAppendedAndOutsidersNever() {
        manager("6.18");
        List<ProcessInfo> seen = new ArrayList<>();
        FencedInstance s = manager.attach(container("web", NS, 100, 200), SessionOptions.defaults(),
                new SessionListener() {
                    @Override
                    public void pidsAdded(FencedInstance t, List<ProcessInfo> p) {
                        seen.addAll(p);
                    }
                });
        s.start();
        proc.process(300, NS, "nsenter-sh", List.of(300, 5), 301).process(500, OTHER_NS, "bash", List.of(500));
        manager.rescan();
        assertEquals("100 101 102 200\n300 301\n", read(s.instance(), "set_event_pid"));
        assertEquals(List.of(300, 5), seen.getFirst().nspid());
        assertEquals("nsenter-sh", seen.getFirst().comm());
        manager.rescan();
        assertEquals("100 101 102 200\n300 301\n", read(s.instance(), "set_event_pid"), "nothing twice");
        assertEquals(2, seen.size());
        assertTrue(s.admit(List.of(400, 500)).isEmpty(), "other namespaces are refused");
        assertEquals("100 101 102 200\n300 301\n", read(s.instance(), "set_event_pid"));
    }

    @Test
    void containerExitEndsTheSessionAndKeepsTheInstance() throws IOException {
        manager("6.18");
        List<String> calls = new ArrayList<>();
        FencedInstance s = manager.attach(container("web", NS, 100, 200), SessionOptions.defaults(),
                new SessionListener() {
                    @Override
                    public void stopping(FencedInstance t) {
                        calls.add("stopping");
                    }

                    @Override
                    public void containerExited(FencedInstance t) {
                        calls.add("exited");
                    }
                });
        s.start();
        proc.exit(100).exit(101).exit(102).exit(200);
        manager.rescan();
        assertEquals(SessionState.ENDED, s.state());
        assertEquals(List.of("stopping", "exited"), calls);
        assertEquals("0", read(s.instance(), "tracing_on"));
        assertTrue(s.instance().exists(), "data kept until detach");
        assertThrows(NstraceException.class, s::start);
        s.detach();
        assertNothingLeft();
    }

    @Test
    void functionTracingWritesTheFtraceFilesOn61() {
        SessionOptions o = SessionOptions.events("sched:sched_switch")
                .withFunction(false, 0, List.of("vfs_read", "do_sys_open*"), List.of("schedule"));
        FencedInstance s = manager("6.1.0").attach(container("fn", NS, 100, 200), o, SessionListener.NONE);
        TraceInstance i = s.instance();
        assertEquals("100 101 102 200\n", read(i, "set_event_pid"));
        assertEquals("100 101 102 200\n", read(i, "set_ftrace_pid"));
        assertEquals("1", read(i, "options/function-fork"));
        assertEquals("1", read(i, "options/event-fork"));
        assertEquals("vfs_read\ndo_sys_open*\n", read(i, "set_ftrace_filter"));
        assertEquals("schedule\n", read(i, "set_ftrace_notrace"));
        assertEquals("function", read(i, "current_tracer"));
        assertEquals("1", read(i, "events/sched/sched_switch/enable"));
        proc.process(300, NS, "joiner", List.of(300, 9));
        manager.rescan();
        assertEquals("100 101 102 200\n300\n", read(i, "set_ftrace_pid"), "joiners appended to both lists");
        assertEquals("100 101 102 200\n300\n", read(i, "set_event_pid"));
    }

    @Test
    void functionGraphIsRefusedWhereInstancesLackIt() throws IOException {
        manager("6.1.0");
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attach(container("fn", NS, 100),
                SessionOptions.defaults().withFunction(true, 3, List.of(), List.of()), SessionListener.NONE));
        assertEquals("this kernel offers the 'function_graph' tracer only at the top level of tracefs, not in "
                + "instances (they offer: function, nop); nstrace traces each container in its own instance: "
                + "use --function",
                e.getMessage());
        assertEquals(ExitCodes.ENVIRONMENT, e.exitCode());
        assertNothingLeft();
    }

    @Test
    void functionGraphAndItsOptionsGoIntoTheInstanceOn612() {
        SessionOptions o = SessionOptions.events("sched:sched_process_exec")
                .withFunction(true, 0, List.of("vfs_read"), List.of())
                .withGraphOptions(List.of(GraphOption.parse("noirqs"), GraphOption.parse("funcgraph-proc")));
        FencedInstance s = manager("6.12").attach(container("g", NS, 100, 200), o, SessionListener.NONE);
        TraceInstance i = s.instance();
        assertEquals("100 101 102 200\n", read(i, "set_ftrace_pid"));
        assertEquals("vfs_read\n", read(i, "set_ftrace_filter"));
        assertEquals("0", read(i, "options/funcgraph-irqs"));
        assertEquals("1", read(i, "options/funcgraph-proc"));
        assertEquals("function_graph", read(i, "current_tracer"));
    }

    @Test
    void graphOptionsAndDepthTheInstanceLacksAreRefusedOn612() throws IOException {
        manager("6.12");
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attach(container("g", NS, 100),
                SessionOptions.defaults().withFunction(true, 0, List.of(), List.of())
                        .withGraphOptions(List.of(GraphOption.parse("retval"))), SessionListener.NONE));
        assertEquals("this kernel has no options/funcgraph-retval (its function_graph lacks that option); "
                + "instances offer: abstime, cpu, duration, irqs, overhead, overrun, proc, tail", e.getMessage());
        assertEquals(ExitCodes.ENVIRONMENT, e.exitCode());
        assertNothingLeft();
        e = assertThrows(NstraceException.class, () -> manager.attach(container("g", NS, 100),
                SessionOptions.defaults().withFunction(true, 2, List.of(), List.of()), SessionListener.NONE));
        assertEquals("this kernel has max_graph_depth only at the top level, which nstrace never writes; trace "
                + "without a depth limit", e.getMessage());
        assertEquals(ExitCodes.ENVIRONMENT, e.exitCode());
        assertNothingLeft();
    }

    @Test
    void aGraphOptionOnlyTheTopLevelHasIsRefusedAsSuch() throws IOException {
        manager("6.12");
        Files.writeString(fx.traceFs().root().resolve("options/funcgraph-retval"), "0\n");
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attach(container("g", NS, 100),
                SessionOptions.defaults().withFunction(true, 0, List.of(), List.of())
                        .withGraphOptions(List.of(GraphOption.parse("retval"))), SessionListener.NONE));
        assertTrue(e.getMessage().startsWith("this kernel has no options/funcgraph-retval in tracefs instances, "
                + "only at the top level, which nstrace never writes"), e.getMessage());
        assertEquals("0\n", Files.readString(fx.traceFs().root().resolve("options/funcgraph-retval")));
        assertNothingLeft();
    }

    @Test
    void subBuffersAreSetWhereTheKernelHasThem() {
        FencedInstance s = manager("6.12").attach(container("sb", NS, 100), SessionOptions.events("sched")
                .withBuffer(2048, null).withSubbuf(8), SessionListener.NONE);
        assertEquals("8", read(s.instance(), "buffer_subbuf_size_kb"));
        assertEquals("2048", read(s.instance(), "buffer_size_kb"));
    }

    @Test
    void subBuffersAreRefusedOn61() throws IOException {
        manager("6.1.0");
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attach(container("sb", NS, 100),
                SessionOptions.events("sched").withSubbuf(8), SessionListener.NONE));
        assertEquals("this kernel's tracefs instances have no buffer_subbuf_size_kb (sub-buffers larger than a "
                + "page arrived in linux 6.8); trace without --subbuf-kb", e.getMessage());
        assertEquals(ExitCodes.ENVIRONMENT, e.exitCode());
        assertNothingLeft();
    }

    @Test
    void hostileNamesStayInsideInstances() {
        manager("6.18");
        FencedInstance s = manager.attach(container("../../x/" + "y".repeat(80) + " \n$(rm)", NS, 100),
                SessionOptions.defaults(), SessionListener.NONE);
        String n = s.instance().name();
        assertTrue(n.matches("nstrace-[A-Za-z0-9_.-]+"), n);
        assertTrue(n.length() < 80, n);
        assertEquals(fx.traceFs().instancesDir(), s.instance().dir().getParent());
    }

    @Test
    void aKernelWithoutEventForkIsRefused() throws IOException {
        manager("6.18");
        Files.delete(fx.traceFs().root().resolve("instance-template/options/event-fork"));
        NstraceException e = assertThrows(NstraceException.class, () -> manager.attach(container("a", NS, 100),
                SessionOptions.defaults(), SessionListener.NONE));
        assertEquals("this kernel's tracefs has no options/event-fork (needed to follow forks); nstrace needs "
                + "linux 4.4 or later", e.getMessage());
        assertEquals(ExitCodes.ENVIRONMENT, e.exitCode());
        assertNothingLeft();
    }

    @Test
    void noFileOutsideTheSessionsInstanceIsEverWritten() throws IOException {
        manager("6.1.0");
        Path root = fx.traceFs().root();
        for (String f : List.of("set_event_pid", "set_ftrace_pid", "set_event", "tracing_on", "set_ftrace_filter",
                "buffer_size_kb", "set_event_notrace_pid")) {
            Files.writeString(root.resolve(f), "");
        }
        java.util.Map<Path, String> before = snapshot(root);
        FencedInstance s = manager.attach(container("g", NS, 100, 200), SessionOptions.events("sched")
                .withFilter("common_pid > 0").withBuffer(2048, "global")
                .withFunction(false, 0, List.of("vfs_read"), List.of("schedule")), SessionListener.NONE);
        s.start();
        proc.process(300, NS, "joiner", List.of(300, 3));
        manager.rescan();
        s.stop();
        s.detach();
        assertEquals(before, snapshot(root));
    }

    /** Every file of the tree outside instances/, with its contents. */
    static java.util.Map<Path, String> snapshot(Path root) throws IOException {
        java.util.Map<Path, String> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!root.relativize(p).startsWith("instances")) {
                    out.put(root.relativize(p), Files.readString(p));
                }
            }
        }
        return out;
    }

    void assertNothingLeft() throws IOException {
        try (Stream<Path> s = Files.list(fx.traceFs().instancesDir())) {
            assertEquals(List.of(), s.toList());
        }
        assertEquals(List.of(), manager.stateDir().records());
    }
}
