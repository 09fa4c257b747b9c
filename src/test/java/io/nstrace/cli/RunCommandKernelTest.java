package io.nstrace.cli;

import io.nstrace.format.EventReader;
import io.nstrace.format.json.Json;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.format.ringbuffer.TraceEvent;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nstrace run} against the live kernel, in-process: exit codes, the trace's contents, the summaries. */
class RunCommandKernelTest {
    @TempDir
    Path tmp;

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of("run", "--spool", tmp.resolve("spool").toString()));
        all.addAll(List.of(args));
        return CliRun.run(Path.of("/proc"), null, all.toArray(String[]::new));
    }

    private Set<String> ownInstances(Path tracefs) {
        Set<String> names = new HashSet<>(TraceFs.locate(Path.of("/proc"), Optional.of(tracefs)).instanceNames());
        names.removeIf(n -> !n.startsWith("nstrace-run-"));
        return names;
    }

    @Test
    void exitStatusOfTheCommandIsNstracesAndTheTraceIsWritten() {
        Path tracefs = Require.kernel();
        Set<String> before = ownInstances(tracefs);
        Path dat = tmp.resolve("t.dat");
        CliRun r = run("-o", dat.toString(), "--", "sh", "-c", "exit 3");
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(Files.isRegularFile(dat));
        assertEquals(before, ownInstances(tracefs), "the run's instance is removed");
    }

    @Test
    void aKilledCommandGives128PlusItsSignal() {
        Require.kernel();
        CliRun r = run("-o", tmp.resolve("t.dat").toString(), "--", "sh", "-c", "kill -9 $$");
        assertEquals(128 + 9, r.exitCode(), r.err());
    }

    @Test
    void timeoutKillsTheCommandAndExits124() {
        Require.kernel();
        long t0 = System.nanoTime();
        CliRun r = run("--timeout", "300ms", "--kill-after", "1s", "-o", tmp.resolve("t.dat").toString(), "--",
                "sleep", "30");
        assertEquals(124, r.exitCode(), r.err());
        assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "the command was not killed");
        assertTrue(r.err().contains("timed out after 300 ms"), r.err());
        assertTrue(Files.isRegularFile(tmp.resolve("t.dat")), "the trace is written on timeout too");
    }

    @Test
    void missingAndNonExecutableCommandsExit127And126WithOneLine() throws Exception {
        Require.kernel();
        CliRun nf = run("-o", tmp.resolve("t.dat").toString(), "--", "no-such-command-nstrace");
        assertEquals(127, nf.exitCode());
        assertEquals("nstrace run: command not found: no-such-command-nstrace\n", nf.err());
        Path plain = Files.writeString(tmp.resolve("plain"), "echo hi\n");
        CliRun ne = run("-o", tmp.resolve("t.dat").toString(), "--", plain.toString());
        assertEquals(126, ne.exitCode());
        assertEquals("nstrace run: cannot execute " + plain + ": permission denied\n", ne.err());
    }

    @Test
    void nstracesOwnFailureExits125BeforeTheCommandRuns() {
        Path tracefs = Require.kernel();
        Set<String> before = ownInstances(tracefs);
        Path marker = tmp.resolve("ran");
        CliRun r = run("-e", "nosuch:event", "-o", tmp.resolve("t.dat").toString(), "--", "sh", "-c",
                "touch " + marker);
        assertEquals(125, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("nstrace run: unknown event 'nosuch:event'"), r.err());
        assertTrue(r.err().contains("the command was not started"), r.err());
        assertFalse(Files.exists(marker), "the command ran");
        assertFalse(Files.exists(tmp.resolve("t.dat")));
        assertEquals(before, ownInstances(tracefs));
        CliRun usage = run("--no-such-option", "--", "true");
        assertEquals(125, usage.exitCode(), "usage errors of run are nstrace's failures too");
    }

    @Test
    void traceHoldsTheRunsExecsAndSyscallsAndNothingOfOtherProcesses() throws Exception {
        Require.kernel();
        Process host = new ProcessBuilder("sh", "-c", "while :; do cat /etc/hostname >/dev/null; done").start();
        try {
            Path dat = tmp.resolve("t.dat");
            Path json = tmp.resolve("s.json");
            Path md = tmp.resolve("s.md");
            CliRun r = run("-o", dat.toString(), "--summary", md.toString(), "--summary-json", json.toString(),
                    "--", "sh", "-c", "cat /etc/hostname; ls /");
            assertEquals(0, r.exitCode(), r.err());
            List<TraceEvent> events = read(dat);
            Set<Integer> run = runPids(events);
            Map<Integer, String> execs = new HashMap<>();
            for (TraceEvent e : events) {
                if (e.eventName().equals("sched:sched_process_exec")) {
                    execs.put(num(e, "pid"), (String) e.fields().get("filename"));
                }
                assertTrue(run.contains(e.pid()) || namesRunTask(e, run), "an event of a process outside the "
                        + "run: " + e.eventName() + " pid " + e.pid() + " " + e.fields());
            }
            int cat = pidOf(execs, "/cat");
            int ls = pidOf(execs, "/ls");
            assertTrue(execs.keySet().stream().allMatch(run::contains));
            assertTrue(execs.values().stream().allMatch(f -> f.endsWith("/sh") || f.endsWith("/cat")
                    || f.endsWith("/ls")), "execs: " + execs);
            assertTrue(syscalls(events, cat) > 10, "cat's syscalls");
            assertTrue(syscalls(events, ls) > 10, "ls's syscalls");
            assertSummaryAgrees(events, json, md);
        } finally {
            host.destroyForcibly().waitFor();
        }
    }

    /**
     * The command's last moments are all in the trace, with in-container PIDs: the stop ends the readers' poll at
     * once and the instance goes while the trace is written, yet the drain and the joiner watcher still see
     * everything up to the exit. 300 execs of /bin/true and 20,000 sched_yield calls (nothing else here makes one) right before the command exits.
     */
    @Test
    void aBurstRightBeforeTheCommandExitsIsAllInTheTrace() throws Exception {
        Require.kernel();
        Path dat = tmp.resolve("t.dat");
        CliRun r = run("-e", "sched:sched_process_exec", "-e", "syscalls:sys_enter_sched_yield", "-o", dat.toString(),
                "--", "sh", "-c", "i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done; "
                        + "exec python3 -c 'import os\nfor _ in range(20000): os.sched_yield()'");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(r.err().contains("lost"), r.err());
        assertFalse(r.err().contains("without an in-container PID"), r.err());
        List<TraceEvent> events = read(dat);
        assertEquals(300, events.stream().filter(e -> e.eventName().equals("sched:sched_process_exec")
                && String.valueOf(e.fields().get("filename")).endsWith("/true")).count(), "execs of /bin/true");
        assertEquals(20_000, events.stream().filter(e -> e.eventName().equals("syscalls:sys_enter_sched_yield"))
                .count(), "sched_yield calls");
    }

    static List<TraceEvent> read(Path dat) throws Exception {
        TraceData data = TraceDatReader.read(dat);
        List<TraceEvent> out = new ArrayList<>();
        try (EventReader reader = new EventReader(data)) {
            reader.forEachRemaining(out::add);
        }
        return out;
    }

    /** The run's tasks: the namespace init (the first exec'ing or forking task) and everything forked below it. */
    private static Set<Integer> runPids(List<TraceEvent> events) {
        Set<Integer> run = new HashSet<>();
        for (TraceEvent e : events) {
            if (e.eventName().equals("sched:sched_process_fork")) {
                if (run.isEmpty()) {
                    run.add(num(e, "parent_pid"));
                }
                if (run.contains(num(e, "parent_pid"))) {
                    run.add(num(e, "child_pid"));
                }
            }
        }
        assertFalse(run.isEmpty(), "no fork in the run's trace");
        return run;
    }

    /** Scheduler events are recorded when either side is traced (set_event_pid semantics). */
    private static boolean namesRunTask(TraceEvent e, Set<Integer> run) {
        return switch (e.eventName()) {
            case "sched:sched_switch" -> run.contains(num(e, "prev_pid")) || run.contains(num(e, "next_pid"));
            case "sched:sched_wakeup", "sched:sched_waking" -> run.contains(num(e, "pid"));
            default -> false;
        };
    }

    private static int num(TraceEvent e, String field) {
        return ((Number) e.fields().get(field)).intValue();
    }

    private static int pidOf(Map<Integer, String> execs, String suffix) {
        return execs.entrySet().stream().filter(x -> x.getValue().endsWith(suffix)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no exec of *" + suffix + " in " + execs));
    }

    private static long syscalls(List<TraceEvent> events, int pid) {
        return events.stream().filter(e -> e.pid() == pid && e.eventName().equals("raw_syscalls:sys_enter")).count();
    }

    /** The JSON's totals and per-type counts are the dat's own; the Markdown names the command and status. */
    static void assertSummaryAgrees(List<TraceEvent> events, Path json, Path md) throws Exception {
        Map<String, Object> j = Json.parseObject(Files.readString(json));
        List<TraceEvent> real = events.stream().filter(e -> !e.isLostMarker()).toList();
        assertEquals(real.size(), ((Number) j.get("events")).longValue());
        Map<String, Long> byType = new HashMap<>();
        real.forEach(e -> byType.merge(e.eventName(), 1L, Long::sum));
        Map<String, Long> summed = new HashMap<>();
        for (Object c : (List<?>) j.get("containers")) {
            ((Map<?, ?>) Json.at(c, "events_by_type")).forEach((k, v) -> summed.merge((String) k,
                    ((Number) v).longValue(), Long::sum));
        }
        assertEquals(byType, summed);
        if (md != null) {
            String text = Files.readString(md);
            assertTrue(text.contains("| raw_syscalls:sys_enter | " + byType.get("raw_syscalls:sys_enter") + " |"),
                    text);
            assertTrue(text.contains("**Top syscalls**"), text);
        }
    }
}
