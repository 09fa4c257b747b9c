package io.nstrace.session;

import io.nstrace.testing.Workloads;
import io.nstrace.testing.NstraceProcess;
import io.nstrace.cli.context.AppContext;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A separate JVM holds a session; signals must clean up, SIGKILL leaves orphans that reset removes. */
class SessionSignalTest {
    @TempDir
    Path tmp;
    final List<Process> processes = new ArrayList<>();
    TraceFs traceFs;

    @AfterEach
    void cleanup() {
        processes.forEach(Workloads::kill);
        if (traceFs != null) {
            // whatever a failed test left: only instances of the holders this test started
            for (Process p : processes) {
                for (String n : owned(p.pid())) {
                    traceFs.instance(n).remove();
                }
            }
        }
    }

    Process holder() throws Exception {
        traceFs = new TraceFs(Require.kernel());
        Process ns = Workloads.unshare("sleep 60");
        processes.add(ns);
        int init = Workloads.initOf(ns);
        Process h = new ProcessBuilder(NstraceProcess.java(SessionHolderMain.class.getName(), Integer.toString(init),
                tmp.resolve("state").toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(h);
        BufferedReader out = new BufferedReader(new InputStreamReader(h.getInputStream()));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("READY nstrace-held-" + h.pid() + "-"), String.valueOf(line));
        assertEquals(2, owned(h.pid()).size(), "session and watcher instances: " + owned(h.pid()));
        return h;
    }

    static boolean hupIgnoredHere() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1L) != 0; // SIGHUP is 1
            }
        }
        return false;
    }

    List<String> owned(long pid) {
        return traceFs.instanceNames().stream().filter(n -> n.startsWith("nstrace-") && n.contains("-" + pid + "-"))
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT", "HUP"})
    void signalsRemoveEverything(String signal) throws Exception {
        // under nohup SIGHUP is ignored on purpose, and the holder inherits that: nothing to see then
        org.junit.jupiter.api.Assumptions.assumeFalse(signal.equals("HUP") && hupIgnoredHere(),
                "SIGHUP is ignored in this process tree (nohup)");
        Process h = holder();
        new ProcessBuilder("kill", "-" + signal, Long.toString(h.pid())).start().waitFor();
        assertTrue(h.waitFor(20, TimeUnit.SECONDS), "holder exits on SIG" + signal);
        assertEquals(List.of(), owned(h.pid()));
        assertEquals(List.of(), new StateDir(tmp.resolve("state")).records());
    }

    @Test
    void killLeavesOrphansThatResetRemoves() throws Exception {
        Process h = holder();
        h.destroyForcibly().waitFor();
        assertEquals(2, owned(h.pid()).size());
        try (AppContext ctx = new AppContext(Path.of("/proc"), Optional.of(traceFs.root()), tmp.resolve("state"))) {
            assertEquals("nstrace: 2 orphaned tracing sessions (owner gone); run 'nstrace reset'",
                    ctx.services().orphanWarning());
        }
        // the real entry point, as a user runs it: the start-up warning on stderr, then reset
        ProcessBuilder pb = new ProcessBuilder(NstraceProcess.command("--tracefs", traceFs.root().toString(), "reset"));
        pb.environment().put("NSTRACE_STATE_DIR", tmp.resolve("state").toString());
        Path out = tmp.resolve("reset.out");
        Path err = tmp.resolve("reset.err");
        Process reset = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertEquals(0, reset.waitFor(), Files.readString(err));
        assertEquals("nstrace: 2 orphaned tracing sessions (owner gone); run 'nstrace reset'\n",
                Files.readString(err));
        assertTrue(Files.readString(out).endsWith("removed 2 instance(s), 2 state file(s)\n"),
                Files.readString(out));
        try (AppContext ctx = new AppContext(Path.of("/proc"), Optional.of(traceFs.root()), tmp.resolve("state"))) {
            assertEquals("", ctx.services().orphanWarning());
            assertEquals("nothing to reset\n", CliRun.run(ctx, "reset").out());
        }
        assertEquals(List.of(), owned(h.pid()));
        assertEquals(List.of(), new StateDir(tmp.resolve("state")).records());
    }
}
