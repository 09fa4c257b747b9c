package io.nstrace.cli;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.nstrace.testing.Workloads;
import io.nstrace.testing.KernelCleanup;
import io.nstrace.Commands;

import io.nstrace.cli.context.AppContext;

import io.nstrace.format.json.Json;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dump --follow} on the live kernel, interrupted as the shell's Ctrl-C does: every event printed once,
 * and each CPU's printed events are exactly the first ones of that CPU in a full dump taken afterwards (no
 * duplicates, no gaps); the session goes on.
 */
@Timeout(120)
class DumpFollowKernelTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final KernelCleanup cleanup = new KernelCleanup();
    private AppContext context;

    private int unshareLoop() throws Exception {
        Process workload = cleanup.kill(Workloads.unshare(
                "while :; do /bin/true; read a < /proc/uptime; sleep 0.01; done"));
        return Workloads.initOf(workload);
    }

    @Test
    void followPrintsEachEventOnceAndCtrlCKeepsTheSession() throws Exception {
        Require.kernel();
        int init = unshareLoop();
        context = cleanup.close(new AppContext(Path.of("/proc"), Optional.empty(), tmp.resolve("state")));
        context.shell().inShell(true);
        CliRun a = CliRun.run(context, "attach", "--spool", tmp.resolve("spool").toString(), "-e",
                "sched:sched_process_exec", "-e", "raw_syscalls:sys_enter", "pid:" + init);
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(0, CliRun.run(context, "start").exitCode());

        StringWriter followed = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger rc = new AtomicInteger(-1);
        Thread follower = Thread.ofPlatform().start(() -> rc.set(Commands.create(context, new PrintWriter(followed, true),
                new PrintWriter(err, true)).execute("dump", "--follow", "--format", "json")));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (lines(followed).size() < 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1000);
        follower.interrupt(); // what the shell does on Ctrl-C
        follower.join(30_000);
        assertFalse(follower.isAlive(), "follow did not end on interrupt");
        assertEquals(0, rc.get(), err.toString());

        List<String> printed = lines(followed);
        assertTrue(printed.size() >= 200, "only " + printed.size() + " events followed");
        assertEquals(printed.size(), new HashSet<>(printed).size(), "an event was printed twice");
        assertEquals("stopped", stateAfterStop(), "the session outlived the follow");
        List<String> full = lines(new StringWriter().append(CliRun.run(context, "dump", "--format", "json").out()));
        Map<Object, List<String>> printedByCpu = byCpu(printed);
        Map<Object, List<String>> fullByCpu = byCpu(full);
        for (Map.Entry<Object, List<String>> e : printedByCpu.entrySet()) {
            List<String> all = fullByCpu.get(e.getKey());
            assertTrue(all != null && all.size() >= e.getValue().size(), "cpu " + e.getKey());
            assertEquals(e.getValue(), all.subList(0, e.getValue().size()),
                    "cpu " + e.getKey() + ": followed events are not the start of the full trace");
        }
    }

    private String stateAfterStop() {
        assertEquals(0, CliRun.run(context, "stop").exitCode());
        List<?> status = (List<?>) Json.parse(CliRun.run(context, "status", "--json").out());
        return (String) ((Map<?, ?>) status.getFirst()).get("state");
    }

    private static List<String> lines(StringWriter w) {
        String text = w.toString();
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : text.substring(0, end + 1).lines().toList();
    }

    /**
     * Each CPU's events as written, without what is resolved at print time from tables that grow (comm from
     * saved_cmdlines, the container map), so an event reads the same whenever it is printed.
     */
    private static Map<Object, List<String>> byCpu(List<String> jsonLines) {
        Map<Object, List<String>> m = new TreeMap<>();
        for (String l : jsonLines) {
            Map<String, Object> o = new java.util.LinkedHashMap<>(Json.parseObject(l));
            o.keySet().removeAll(List.of("comm", "container", "containerPid"));
            m.computeIfAbsent(((Number) o.get("cpu")).intValue(), k -> new ArrayList<>()).add(Json.write(o));
        }
        return m;
    }
}
