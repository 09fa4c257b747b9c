package io.nstrace.cli;

import io.nstrace.format.SyscallNames;
import io.nstrace.format.json.Json;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Profiles of real workloads with known shapes, recorded from the live kernel (nstrace run: a PID namespace of
 * its own; record: a Docker container), checked against the shape and against {@code trace-cmd report --profile};
 * and {@code nstrace diff} over two real run summaries.
 */
class ProfileKernelTest {
    /** N writes of 4 KiB, each followed by fsync(2), to the file named by the second argument. */
    private static final String FSYNC_LOOP = "use IO::Handle; open(my $f, '>', $ARGV[1]) or die $!; "
            + "for (1 .. $ARGV[0]) { print $f 'x' x 4096; $f->flush; $f->sync or die $! }";

    @TempDir
    Path tmp;
    /** On disk (fsync to tmpfs never blocks): under /var/tmp. */
    private Path disk;
    private final List<String> containers = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        containers.forEach(Runtimes.docker()::remove);
        if (disk != null) {
            try (var files = Files.list(disk)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(disk);
        }
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of("run", "--spool", tmp.resolve("spool").toString()));
        all.addAll(List.of(args));
        return CliRun.run(Path.of("/proc"), null, all.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path p) throws IOException {
        return Json.parseObject(Files.readString(p));
    }

    /** The container of the profile whose name starts with {@code prefix}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> profile, String prefix) {
        for (Object c : (List<Object>) profile.get("containers")) {
            if (((String) Json.at(c, "name")).startsWith(prefix)) {
                return (Map<String, Object>) c;
            }
        }
        throw new AssertionError("no container " + prefix + "* in " + profile.get("containers"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> processes(Map<String, Object> container) {
        return (List<Map<String, Object>>) container.get("processes");
    }

    private static long num(Object root, Object... path) {
        Object v = Json.at(root, path);
        return v instanceof Number n ? n.longValue() : 0;
    }

    @Test
    void aSleepLoopSleeps20MsPerCall() throws Exception {
        Require.kernel();
        Path profile = tmp.resolve("p.json");
        CliRun r = run("-o", tmp.resolve("t.dat").toString(), "--profile", profile.toString(), "--", "sh", "-c",
                "i=0; while [ $i -lt 25 ]; do sleep 0.02; i=$((i+1)); done");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("--profile adds events: sched:sched_waking, sched:sched_wakeup_new"), r.err());
        Map<String, Object> c = container(json(profile), "run-sh");
        assertSleeps(c, 25);
    }

    /** The container's nanosleep-family call made at least {@code calls} sleeps with a median of 20-25 ms. */
    private static void assertSleeps(Map<String, Object> c, long calls) {
        String name = num(c, "syscalls", "clock_nanosleep", "count") >= calls ? "clock_nanosleep" : "nanosleep";
        assertTrue(num(c, "syscalls", name, "count") >= calls, "sleeps: " + c.get("syscalls"));
        long p50 = num(c, "syscalls", name, "p50_ns");
        assertTrue(p50 >= 20_000_000 && p50 <= 25_000_000, name + " p50 " + p50 + " ns");
        assertTrue(num(c, "off_cpu", "S", "by_syscall", name) > 0, "asleep in " + name + ": " + c.get("off_cpu"));
    }

    @Test
    void aContainerSleepingInALoop() throws Exception {
        Require.docker();
        String name = "profile-sleep-" + ProcessHandle.current().pid();
        containers.add(name);
        Runtimes.docker().runDetached(name, "while :; do sleep 0.02; done");
        Path profile = tmp.resolve("p.json");
        CliRun r = CliRun.run(Path.of("/proc"), null, "record", name, "-d", "2s", "--spool",
                tmp.resolve("spool").toString(), "-o", tmp.resolve("t.dat").toString(), "--profile", profile.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> c = container(json(profile), name);
        assertEquals(name, c.get("name"));
        assertSleeps(c, 40);
        for (Map<String, Object> p : processes(c)) {
            assertNotNull(p.get("container_pid"), "every task of the container has its in-container PID: " + p);
        }
    }

    @Test
    void aHogAndASleeperOnOneCpuWaitForIt() throws Exception {
        Require.kernel();
        Path profile = tmp.resolve("p.json");
        CliRun r = run("-o", tmp.resolve("t.dat").toString(), "--profile", profile.toString(), "--", "sh", "-c",
                "taskset -c 1 sh -c 'while :; do :; done' & h=$!; "
                        + "taskset -c 1 sh -c 'i=0; while [ $i -lt 40 ]; do sleep 0.01; i=$((i+1)); done'; kill $h");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> c = container(json(profile), "run-sh");
        Map<String, Object> hog = processes(c).stream()
                .max((a, b) -> Long.compare(num(a, "cpu_ns", "total"), num(b, "cpu_ns", "total"))).orElseThrow();
        assertTrue(num(hog, "cpu_ns", "total") > 50_000_000L, "the hog ran (2 shared cores: it gets a share): " + hog);
        // pinned to cpu 1 (as taskset, before it set the affinity and exec'd, it may have run a moment on cpu 0)
        assertTrue(num(hog, "cpu_ns", "1") > 0.98 * num(hog, "cpu_ns", "total"), "on cpu 1: " + hog.get("cpu_ns"));
        assertTrue(num(hog, "preempted") > 0, "the hog was preempted: " + hog);
        assertTrue(num(hog, "off_cpu", "R", "count") > 0 && num(hog, "off_cpu", "R", "total_ns") > 0,
                "off CPU while runnable: " + hog.get("off_cpu"));
        long sleeperWakeups = processes(c).stream().filter(p -> p != hog)
                .mapToLong(p -> num(p, "sched_latency", "count")).sum();
        assertTrue(sleeperWakeups >= 20, "the sleepers waited for the CPU after their wakeups: " + sleeperWakeups);
        assertTrue(num(c, "sched_latency", "max_ns") > 0, "scheduling latency: " + c.get("sched_latency"));
    }

    @Test
    void anFsyncLoopBlocksInFsyncAndTraceCmdCountsTheSameSyscalls() throws Exception {
        Require.kernel();
        disk = Files.createTempDirectory(Path.of("/var/tmp"), "nstrace-profile-");
        Path dat = tmp.resolve("t.dat");
        Path profile = tmp.resolve("p.json");
        CliRun r = run("-o", dat.toString(), "--profile", profile.toString(), "--", "perl", "-e", FSYNC_LOOP, "40",
                disk.resolve("f").toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> all = json(profile);
        Map<String, Object> c = container(all, "run-perl");
        Map<String, Object> perl = processes(c).stream().filter(p -> "perl".equals(p.get("comm"))).findFirst()
                .orElseThrow(() -> new AssertionError("no perl task: " + processes(c)));
        assertEquals(40, num(perl, "syscalls", "fsync", "count"));
        assertEquals(40, num(perl, "syscalls", "write", "count"));
        long blocked = num(perl, "off_cpu", "D", "by_syscall", "fsync") + num(perl, "off_cpu", "S", "by_syscall", "fsync");
        assertTrue(blocked > 0, "off CPU in fsync (D or S): " + perl.get("off_cpu"));

        Require.traceCmd();
        Map<Integer, Map<String, long[]>> theirs = traceCmdSyscalls(dat);
        Map<Integer, Map<String, Object>> ours = new HashMap<>();
        for (Object ct : (List<Object>) all.get("containers")) {
            processes((Map<String, Object>) ct).forEach(p -> ours.put((int) num(p, "pid"), p));
        }
        int compared = 0;
        for (var task : theirs.entrySet()) {
            Map<String, Object> p = ours.get(task.getKey());
            assertNotNull(p, "trace-cmd profiles task " + task.getKey() + " with syscalls; nstrace does not");
            for (var call : task.getValue().entrySet()) {
                String where = "task " + task.getKey() + " " + call.getKey();
                assertEquals(call.getValue()[0], num(p, "syscalls", call.getKey(), "count"), where + " count");
                assertEquals(call.getValue()[1], num(p, "syscalls", call.getKey(), "total_ns"), where + " total");
                compared++;
            }
        }
        int perlPid = (int) num(perl, "pid");
        assertTrue(theirs.containsKey(perlPid) && theirs.get(perlPid).containsKey("fsync"), "trace-cmd saw perl's fsyncs");
        assertTrue(compared >= 20, "compared " + compared + " (task, syscall) figures");
    }

    private static final Pattern TASK = Pattern.compile("^task: .*-(\\d+)$");
    private static final Pattern SYS = Pattern.compile("^\\s+Event: sys_enter:(\\d+) \\((\\d+)\\) Total: (\\d+)");

    /** {@code trace-cmd report --profile}: per task, per syscall {count, total ns}. */
    private static Map<Integer, Map<String, long[]>> traceCmdSyscalls(Path dat) throws Exception {
        Process p = new ProcessBuilder("trace-cmd", "report", "--profile", dat.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "trace-cmd report --profile failed");
        SyscallNames names = SyscallNames.x86_64();
        Map<Integer, Map<String, long[]>> tasks = new HashMap<>();
        Integer task = null;
        for (String line : out.split("\n")) {
            Matcher t = TASK.matcher(line);
            if (t.matches()) {
                task = Integer.parseInt(t.group(1));
                continue;
            }
            Matcher s = SYS.matcher(line);
            if (s.find() && task != null) {
                tasks.computeIfAbsent(task, k -> new HashMap<>()).put(names.name(Integer.parseInt(s.group(1))),
                        new long[] {Long.parseLong(s.group(2)), Long.parseLong(s.group(3))});
            }
        }
        assertFalse(tasks.isEmpty(), "trace-cmd profiled no syscalls:\n" + out);
        return tasks;
    }

    @Test
    void diffOfTenAndThirtyFsyncsNamesFsyncFirstAndGates() throws Exception {
        Require.kernel();
        disk = Files.createTempDirectory(Path.of("/var/tmp"), "nstrace-profile-");
        Path[] summaries = new Path[2];
        int[] n = {10, 30};
        for (int i = 0; i < 2; i++) {
            summaries[i] = tmp.resolve("s" + n[i] + ".json");
            CliRun r = run("-o", tmp.resolve("t" + n[i] + ".dat").toString(), "--summary-json",
                    summaries[i].toString(), "--", "perl", "-e", FSYNC_LOOP, String.valueOf(n[i]),
                    disk.resolve("f").toString());
            assertEquals(0, r.exitCode(), r.err());
        }
        String base = summaries[0].toString();
        String now = summaries[1].toString();
        CliRun md = CliRun.run(Path.of("/proc"), null, "diff", base, now, "--format", "markdown");
        assertEquals(0, md.exitCode(), md.err());
        String firstRow = md.out().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| syscall")
                && !l.startsWith("| metric")).findFirst().orElseThrow(() -> new AssertionError(md.out()));
        assertTrue(firstRow.startsWith("| fsync | 10 → 30 | +200.0% |"), md.out());

        CliRun gate = CliRun.run(Path.of("/proc"), null, "diff", base, now, "--fail-on", "syscalls.fsync.count>+50%");
        assertEquals(1, gate.exitCode(), gate.out() + gate.err());
        assertTrue(gate.err().contains("nstrace diff: rule 'syscalls.fsync.count>+50%' fired: run-perl: "
                + "syscalls.fsync.count 10 -> 30 (+200.0%)"), gate.err());

        CliRun loose = CliRun.run(Path.of("/proc"), null, "diff", base, now, "--fail-on", "syscalls.fsync.count>+500%",
                "--fail-on", "execs>+10");
        assertEquals(0, loose.exitCode(), loose.out() + loose.err());
        assertEquals("", loose.err());

        CliRun bad = CliRun.run(Path.of("/proc"), null, "diff", base, now, "--fail-on", "syscalls.fsync.count=>1");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().startsWith("nstrace diff: bad --fail-on rule 'syscalls.fsync.count=>1': "), bad.err());
    }
}
