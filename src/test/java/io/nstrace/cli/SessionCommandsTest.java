package io.nstrace.cli;

import io.nstrace.Commands;

import io.nstrace.cli.context.AppContext;
import io.nstrace.cli.render.FollowPrinter;

import io.nstrace.error.ExitCodes;
import io.nstrace.format.json.Json;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.FixtureHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session commands through picocli on one shared context, as the shell runs them, over a fake /proc with
 * two Docker containers and a copy of the captured tracefs (plain files stand in for the kernel's; a page
 * captured on this kernel is put in an instance's trace_pipe_raw to give the recorder something to drain).
 */
class SessionCommandsTest {
    @TempDir
    Path tmp;
    FixtureHost host;
    AppContext context;
    Path spool;

    @BeforeEach
    void setUp() {
        host = FixtureHost.create(tmp);
        context = host.context();
        spool = host.spool();
    }

    @AfterEach
    void tearDown() {
        context.close();
    }

    private CliRun run(String... args) {
        return CliRun.run(context, args);
    }

    private CliRun attach(String... selectors) {
        String[] args = Stream.concat(Stream.of("attach", "--spool", spool.toString()), Stream.of(selectors))
                .toArray(String[]::new);
        return run(args);
    }

    private List<String> instances() {
        return host.instances();
    }

    /** Gives the session's instance one captured page (26 events) to drain. */
    private void feedPage(String session) {
        host.feedPage(context.services().sessionTable().get(session).session().instance());
    }

    private static void assertError(CliRun r, int code, String line) {
        assertEquals(code, r.exitCode(), r.err());
        assertEquals(line + "\n", r.err());
    }

    @Test
    void attachSeveralStartStopDumpStatusDetach() throws IOException {
        CliRun a = attach("web", "db");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(List.of("attached web (2 pids); 'start web' begins tracing",
                "attached db (1 pids); 'start db' begins tracing"), a.out().lines().toList());
        assertEquals(List.of("web", "db"), context.shell().sessionNames());
        assertEquals(2, instances().size());
        feedPage("web");
        assertEquals("started web\n", run("start", "web").out());
        assertEquals("1 trace not dumped", context.shell().exitGuard().pendingWarning(), "only web ran");
        waitForEvents("web", 26);
        assertEquals("stopped web\n", run("stop", "web").out());
        Path dat = tmp.resolve("web.dat");
        CliRun d = run("dump", "web", "-o", dat.toString());
        assertEquals(0, d.exitCode(), d.err());
        assertEquals("wrote " + dat + " (dat)\n", d.out());
        TraceData data = TraceDatReader.read(dat);
        assertEquals(1, data.buffers().size());
        assertNull(context.shell().exitGuard().pendingWarning(), "dumped");
        CliRun json = run("dump", "web", "--format", "json");
        assertEquals(26, json.out().lines().count(), json.out());
        // the fixture's pages were captured from a task that is not one of this fake web's: recorded in web's buffer,
        // but not web's (an event is its task's container's, never its buffer's)
        assertTrue(json.out().lines().allMatch(l -> l.contains("\"container\":null")
                && l.contains("\"buffer\":\"web\"")), json.out());
        CliRun st = run("status", "--json");
        List<?> all = (List<?>) Json.parse(st.out());
        Map<?, ?> web = (Map<?, ?>) all.getFirst();
        assertEquals(List.of("web", "stopped", 26L, 0L, 4096L), List.of(web.get("name"), web.get("state"),
                web.get("events"), web.get("lost"), web.get("bytes")));
        assertEquals("attached", ((Map<?, ?>) all.get(1)).get("state"));
        assertEquals(List.of("detached web", "detached db"), run("detach", "--all").out().lines().toList());
        assertEquals(List.of(), instances());
        assertEquals(List.of(), context.shell().sessionNames());
    }

    /** Issue 10: detach dropped a running, never-dumped trace without the question exit asks. */
    @Test
    void detachOfATraceNotDumpedAsksOrRefusesUnlessForced() {
        assertEquals(0, attach("web", "db").exitCode());
        feedPage("web");
        run("start", "web");
        assertError(run("detach", "web"), ExitCodes.USER,
                "nstrace detach: web: trace not dumped; dump it first, or detach --force to drop it");
        assertEquals(List.of("web", "db"), context.shell().sessionNames(), "nothing detached without a terminal to ask");
        List<String> asked = new java.util.ArrayList<>();
        context.shell().confirm(q -> asked.add(q) && false);
        assertError(run("detach", "--all"), ExitCodes.USER, "nstrace detach: nothing detached (web: trace not dumped)");
        assertEquals(List.of("web: trace not dumped; detach anyway? [y/N] "), asked);
        assertEquals("detached db\n", run("detach", "db").out(), "db never ran: nothing to lose, no question");
        context.shell().confirm(q -> true);
        assertEquals("detached web\n", run("detach", "web").out());
        assertEquals(List.of(), instances());
        context.shell().confirm(null);
        assertEquals(0, attach("web").exitCode());
        feedPage("web");
        run("start", "web");
        assertEquals("detached web\n", run("detach", "-f", "web").out());
        assertEquals(List.of(), instances());
    }

    @Test
    void onTheOneShotCommandLineSessionCommandsAreUsageErrorsWithAHint() {
        context.shell().inShell(false);
        for (String cmd : List.of("attach web", "start", "stop --all", "dump", "status", "detach --all")) {
            CliRun r = run(cmd.split(" "));
            String name = cmd.split(" ")[0];
            assertError(r, ExitCodes.USAGE, "nstrace " + name + ": sessions live in the interactive shell only (a "
                    + "one-shot nstrace detaches them when it exits): run '" + name + "' in 'nstrace shell', or use "
                    + "'nstrace record'");
        }
        assertEquals(List.of(), instances(), "nothing attached");
    }

    @Test
    void noSessionsUnknownAndAmbiguousNames() {
        assertError(run("start"), ExitCodes.USER, "nstrace start: no sessions: attach a container first");
        assertError(run("stop", "web"), ExitCodes.USER, "nstrace stop: no session 'web': nothing is attached");
        assertError(run("dump"), ExitCodes.USER, "nstrace dump: no sessions: attach a container first");
        assertEquals("no sessions; 'attach CONTAINER' starts one\n", run("status").out());
        assertEquals("[]\n", run("status", "--json").out());
        assertEquals(0, attach("web", "db").exitCode());
        assertError(run("start"), ExitCodes.USER,
                "nstrace start: several sessions (web, db): name one or give --all");
        assertError(run("start", "nope"), ExitCodes.USER, "nstrace start: no session 'nope'; sessions: web, db");
        assertError(run("detach", "nope"), ExitCodes.USER, "nstrace detach: no session 'nope'; sessions: web, db");
        assertEquals(ExitCodes.USAGE, run("detach").exitCode(), "detach needs a name or --all");
        assertEquals(ExitCodes.USAGE, run("detach", "web", "--all").exitCode(), "not both");
        assertEquals(2, instances().size(), "failed commands changed nothing");
    }

    @Test
    void badStateTransitions() {
        assertEquals(0, attach("web").exitCode());
        assertError(run("stop"), ExitCodes.USER, "nstrace stop: session 'web' was never started");
        assertError(run("dump"), ExitCodes.USER, "nstrace dump: nothing recorded yet: 'start' a session first");
        assertError(run("dump", "web"), ExitCodes.USER,
                "nstrace dump: session 'web' has recorded nothing: 'start web' first");
        assertEquals("started web\n", run("start").out(), "one session: no name needed");
        assertError(run("start", "web"), ExitCodes.USER, "nstrace start: session 'web' is already running");
        assertEquals("stopped web\n", run("stop").out());
        assertError(run("stop"), ExitCodes.USER, "nstrace stop: session 'web' is already stopped");
        assertEquals("started web\n", run("start").out(), "a stopped session resumes");
        assertEquals("stopped web\n", run("stop", "--all").out());
        assertError(attach("web"), ExitCodes.USER, "nstrace attach: container 'web' is already attached as session 'web'");
        assertError(attach("nope"), ExitCodes.USER, "nstrace attach: no container matches 'nope'; containers: db, web");
        assertEquals(1, instances().size());
    }

    @Test
    void followRefusesFilesAndBinaryFormats() {
        assertEquals(0, attach("web").exitCode());
        run("start");
        assertError(run("dump", "--follow", "-o", tmp.resolve("x").toString()), ExitCodes.USER,
                "nstrace dump: --follow prints to the terminal; drop -o (dump without --follow writes files)");
        assertError(run("dump", "--follow", "--format", "dat"), ExitCodes.USER,
                "nstrace dump: --follow prints text or json, not dat");
    }

    @Test
    void dumpWithoutNameWritesEverySessionThatRanOneBufferEach() throws IOException {
        assertEquals(0, attach("web", "db").exitCode());
        feedPage("web");
        feedPage("db");
        assertEquals(List.of("started web", "started db"), run("start", "--all").out().lines().toList());
        waitForEvents("web", 26);
        waitForEvents("db", 26);
        assertEquals(List.of("stopped web", "stopped db"), run("stop", "web", "db").out().lines().toList());
        Path dat = tmp.resolve("all.dat");
        assertEquals(0, run("dump", "-o", dat.toString()).exitCode());
        TraceData data = TraceDatReader.read(dat);
        assertEquals(List.of("", "db"), data.buffers().stream().map(TraceData.Buffer::name).toList());
        CliRun summary = run("dump", "--format", "summary");
        assertTrue(summary.out().contains("events: 52"), summary.out());
        assertNull(context.shell().exitGuard().pendingWarning());
    }

    @Test
    void exitGuardStatusBarAndCloseRemoveEverything() throws IOException {
        assertEquals(0, attach("web", "db").exitCode());
        assertNull(context.shell().exitGuard().pendingWarning(), "attached but never started: nothing to lose");
        assertEquals(List.of(), context.shell().statusSource().lines());
        feedPage("web");
        run("start", "--all");
        assertEquals("2 traces not dumped", context.shell().exitGuard().pendingWarning(), "running sessions are pending");
        waitForEvents("web", 26);
        List<String> lines = context.shell().statusSource().lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("web running [\\d,]+ ev/s lost 0"), lines.get(0));
        assertEquals("db running 0 ev/s lost 0", context.shell().statusSource().lines().get(1));
        CliRun st = run("status");
        assertTrue(st.out().lines().skip(1).findFirst().orElseThrow().matches("web +web +running\\* +26 +0 .*"),
                st.out());
        assertTrue(Files.isDirectory(spool), "spooling");
        context.close();
        assertEquals(List.of(), instances());
        try (Stream<Path> s = Files.list(spool)) {
            assertEquals(List.of(), s.toList(), "spool directories removed");
        }
        assertFalse(context.shell().sessionNames().iterator().hasNext());
    }

    @Test
    void eventsListsTheCatalogOnTheCommandLineToo() {
        context.shell().inShell(false);
        CliRun r = run("events", "sched:sched_process_e*");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("sched:sched_process_exec", "sched:sched_process_exit"), r.out().lines().toList());
        CliRun sys = run("events", "raw_syscalls");
        assertEquals(List.of("raw_syscalls:sys_enter", "raw_syscalls:sys_exit"), sys.out().lines().toList());
        Map<?, ?> json = (Map<?, ?>) Json.parse(run("events", "--json", "raw_syscalls").out());
        assertEquals(Map.of("raw_syscalls", List.of("sys_enter", "sys_exit")), json);
        assertTrue(run("events", "--systems").out().lines().anyMatch(l -> l.matches("sched +\\d+")));
        assertTrue(run("events").out().lines().count() > 100);
        assertError(run("events", "sched:nope*"), ExitCodes.USER, "nstrace events: unknown event 'sched:nope*'");
    }

    @Test
    void attachWaitGivesUpAfterItsTimeoutAndAttachesWhatExists() {
        assertError(run("attach", "--wait", "--timeout", "300ms", "cache-*"), ExitCodes.USER,
                "nstrace attach: no matching container appeared within 300 ms");
        CliRun r = attach("--wait", "--timeout", "5s", "web");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("web"), context.shell().sessionNames());
    }

    @Test
    void followPrintsTheTraceSoFarThenStopsOnInterruptKeepingTheSession() throws Exception {
        CliRun a = attach("-e", "syscalls:sys_*_read", "-e", "syscalls:sys_enter_write", "-e",
                "sched:sched_process_ex*", "web"); // the events of the fixture page
        assertEquals(0, a.exitCode(), a.err() + a.out());
        feedPage("web");
        run("start");
        waitForEvents("web", 26);
        // a plain file is read again from its start by each new segment; the kernel's pipe is not
        Files.write(context.services().sessionTable().get("web").session().instance().file("per_cpu/cpu0/trace_pipe_raw"),
                new byte[0]);
        java.io.StringWriter out = new java.io.StringWriter();
        java.util.concurrent.atomic.AtomicInteger rc = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> rc.set(Commands.create(context, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(new java.io.StringWriter(), true)).execute("dump", "--follow")));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (out.toString().lines().count() < 27 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(2 * FollowPrinter.PERIOD_MILLIS);
        t.interrupt();
        t.join(20_000);
        assertFalse(t.isAlive());
        assertEquals(0, rc.get());
        List<String> lines = out.toString().lines().toList();
        assertEquals("cpus=1", lines.getFirst());
        assertEquals(27, lines.size(), "26 events, once each: " + lines);
        assertTrue(lines.get(1).contains("sys_enter_read"), lines.get(1));
        assertEquals("running", context.services().sessionTable().status().getFirst().state().name().toLowerCase());
        assertEquals("1 trace not dumped", context.shell().exitGuard().pendingWarning(), "still running");
    }

    private void waitForEvents(String session, long n) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (context.services().sessionTable().get(session).events() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(n, context.services().sessionTable().get(session).events());
    }
}
