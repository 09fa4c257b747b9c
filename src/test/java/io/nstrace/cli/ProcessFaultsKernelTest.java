package io.nstrace.cli;

import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.testing.Require;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10's faults for the processes nstrace runs as, each for real as root: SIGINT to a background job of a
 * script (record, run, the scripted shell), a signal while the kernel allocates a large buffer, not root (setpriv
 * as nobody). Every case checks the exit code, the message, what was written, and that nothing of the process is
 * left in tracefs, its state directory or its spool. Each nstrace is a child JVM of the real entry point.
 */
class ProcessFaultsKernelTest {
    Path tmp;
    Path state;
    Path spool;
    Path priv;
    TraceFs traceFs;
    final List<Process> processes = new ArrayList<>();
    final List<Long> nstracePids = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        // not @TempDir: the non-root case needs a directory nobody can read and write
        tmp = Files.createTempDirectory("nstrace-faults-run-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        // state and spool roots must be private (nstrace refuses roots inside a directory others may write)
        priv = Files.createTempDirectory("nstrace-faults-run-private-");
        state = priv.resolve("state");
        spool = priv.resolve("spool");
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (long pid : nstracePids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                try {
                    h.onExit().get(10, TimeUnit.SECONDS); // its instances are busy until it is gone
                } catch (Exception ignored) {
                    // removal below reports nothing; a later reset finds what is left
                }
            });
        }
        if (traceFs != null) {
            for (long pid : nstracePids) {
                for (String n : owned(pid)) {
                    try {
                        traceFs.instance(n).remove();
                    } catch (RuntimeException ignored) {
                        // still busy: the next reset finds it through its state file
                    }
                }
            }
        }
        for (Path root : new Path[] {tmp, priv}) {
            try (Stream<Path> s = Files.walk(root)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- helpers

    private int container() throws Exception {
        traceFs = new TraceFs(Require.kernel());
        Process ns = io.nstrace.testing.Workloads.unshare("while :; do /bin/ls / > /dev/null; sleep 0.05; done");
        processes.add(ns);
        return io.nstrace.testing.Workloads.initOf(ns);
    }

    private static List<String> java() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), "io.nstrace.Main");
    }

    /** Instances of nstrace process {@code pid} (names carry the owner's PID). */
    private List<String> owned(long pid) {
        return traceFs.instanceNames().stream().filter(n -> n.startsWith("nstrace-") && n.contains("-" + pid + "-"))
                .toList();
    }

    private void assertNothingLeft(long pid) throws IOException {
        assertEquals(List.of(), owned(pid), "tracefs instances of " + pid);
        assertEquals(List.of(), list(state), "state files");
        assertEquals(List.of(), list(spool), "spool");
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Starts {@code nstrace ARGS} as a background job of a bash script, as users script it (so it inherits SIGINT
     * ignored), next to a {@code sleep} job whose SigIgn mask the script prints first (the control: the condition
     * is real). The script prints the job's PID, waits for it and prints {@code rc=N}.
     */
    private BackgroundJob backgroundJob(String... args) throws IOException {
        return backgroundJob(Path.of("/dev/null"), args);
    }

    private BackgroundJob backgroundJob(Path stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(java());
        cmd.addAll(List.of(args));
        Path script = tmp.resolve("job.sh");
        Files.writeString(script, """
                sleep 30 & sleep 0.3; grep SigIgn /proc/$!/status; kill $!
                "$@" < "$IN" > "$OUT" 2> "$ERR" &
                echo "pid=$!"
                wait $!
                echo "rc=$?"
                """);
        List<String> bash = new ArrayList<>(List.of("bash", script.toString()));
        bash.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(bash).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NSTRACE_STATE_DIR", state.toString());
        pb.environment().put("ERR", tmp.resolve("job.err").toString());
        pb.environment().put("OUT", tmp.resolve("job.out").toString());
        pb.environment().put("IN", stdin.toString());
        Process p = pb.start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String sigIgn = out.readLine();
        long mask = Long.parseLong(sigIgn.replaceAll(".*\\s", ""), 16);
        assertEquals(2, mask & 2, "a background job of a script starts with SIGINT ignored: " + sigIgn);
        String pidLine = out.readLine();
        long pid = Long.parseLong(pidLine.substring(4));
        nstracePids.add(pid);
        return new BackgroundJob(p, out, pid);
    }

    record BackgroundJob(Process script, BufferedReader out, long pid) {
        int awaitExit(int seconds) throws Exception {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                if (System.nanoTime() > deadline) {
                    return -1;
                }
                Thread.sleep(50);
            }
            String line = out.readLine();
            script.waitFor(10, TimeUnit.SECONDS);
            return Integer.parseInt(line.substring(3));
        }

        void signal(String sig) throws Exception {
            new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor();
        }
    }

    /**
     * Polls until {@code pid} owns an instance with tracing on (it is recording). A new instance has tracing on
     * from its mkdir until its set-up turns it off and writes the PID fence: only tracing on with a fence counts.
     */
    private void awaitTracing(long pid, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String n : owned(pid)) {
                if (!n.startsWith("nstrace-watch-") && !read(traceFs.instance(n).file("set_event_pid")).isEmpty()
                        && "1".equals(read(traceFs.instance(n).file("tracing_on")))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nstrace " + pid + " did not start tracing; stderr: " + err());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private String err() throws IOException {
        Path e = tmp.resolve("job.err");
        return Files.exists(e) ? Files.readString(e) : "";
    }

    // ---- item 2: SIGINT stops nstrace however it was started

    @Test
    void sigintStopsARecordStartedAsABackgroundJobOfAScript() throws Exception {
        int init = container();
        Path dat = tmp.resolve("bg.dat");
        BackgroundJob job = backgroundJob("record", "pid:" + init, "-o", dat.toString(), "--spool",
                spool.toString());
        awaitTracing(job.pid(), 30);
        Thread.sleep(500);
        job.signal("INT");
        int rc = job.awaitExit(20);
        assertEquals(0, rc, "record stops on SIGINT and exits 0 (-1: still running); stderr: " + err());
        assertTrue(err().contains("nstrace record: wrote " + dat + " (dat)"), err());
        TraceData data = TraceDatReader.read(dat);
        assertEquals(1, data.buffers().size());
        assertTrue(Files.size(dat) > 0);
        assertNothingLeft(job.pid());
    }

    @Test
    void sigintToABackgroundRunIsForwardedToTheCommand() throws Exception {
        traceFs = new TraceFs(Require.kernel());
        Path dat = tmp.resolve("run.dat");
        // perl installs its handler whatever it inherited (as trace-cmd does); it exits 7 on SIGINT
        Path ready = tmp.resolve("perl-ready");
        BackgroundJob job = backgroundJob("run", "-o", dat.toString(), "--spool", spool.toString(), "--",
                "perl", "-e", "$SIG{INT} = sub { exit 7 }; open(F, '>', $ARGV[0]); close(F); sleep 60; exit 1",
                ready.toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(ready) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(ready), "the command runs with its handler; " + err());
        job.signal("INT");
        assertEquals(7, job.awaitExit(20), "the command got SIGINT and its status is run's; stderr: " + err());
        assertTrue(Files.size(dat) > 0, "the trace is written");
        assertNothingLeft(job.pid());
    }

    @Test
    void sigintEndsAScriptedShellInTheBackgroundAndItCleansUp() throws Exception {
        int init = container();
        Path script = tmp.resolve("shell.in");
        Files.writeString(script, "attach pid:" + init + " --spool " + spool + "\nstart\ndump --follow\n");
        BackgroundJob shell = backgroundJob(script, "shell");
        long pid = shell.pid();
        awaitTracing(pid, 30);
        Thread.sleep(500);
        shell.signal("INT");
        assertEquals(130, shell.awaitExit(20), "SIGINT ends the scripted shell as it would in the foreground; "
                + err());
        assertNothingLeft(pid);
    }

    // ---- item 5: a signal while attach allocates a large buffer

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void aSignalDuringALargeBufferAllocationRemovesTheInstanceAndItsStateFile(String signal) throws Exception {
        int init = container();
        long availableKb = memAvailableKb();
        int kb = 1_000_000; // ~2 GB for 2 CPUs: several seconds of kernel allocation here
        int cpus = Runtime.getRuntime().availableProcessors();
        Require.that(Require.KERNEL, availableKb > 2L * kb * cpus, "needs " + 2L * kb * cpus / 1024
                + " MB of available memory, has " + availableKb / 1024);
        BackgroundJob job = backgroundJob("record", "pid:" + init, "-b", Integer.toString(kb), "-o",
                tmp.resolve("big.dat").toString(), "--spool", spool.toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        // the session's instance, not the joiner watcher's (which record starts meanwhile)
        java.util.function.Supplier<List<String>> sessions = () -> owned(job.pid()).stream()
                .filter(n -> !n.startsWith("nstrace-watch-")).toList();
        while (sessions.get().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(sessions.get().isEmpty(), "the instance was created; " + err());
        Thread.sleep(300); // inside the kernel's allocation now
        String sizeDuring = read(traceFs.instance(sessions.get().getFirst()).file("buffer_size_kb"));
        job.signal(signal);
        int rc = job.awaitExit(20);
        assertEquals(signal.equals("TERM") ? 143 : 130, rc, "stderr: " + err());
        assertNotEquals(Integer.toString(kb), sizeDuring, "the signal came during the allocation");
        assertFalse(Files.exists(tmp.resolve("big.dat")), "nothing recorded, nothing written");
        assertNothingLeft(job.pid());
    }

    @Test
    void aSignalToRunDuringALargeBufferAllocationCancelsItAndTheCommandNeverStarts() throws Exception {
        traceFs = new TraceFs(Require.kernel());
        int kb = 1_000_000;
        int cpus = Runtime.getRuntime().availableProcessors();
        Require.that(Require.KERNEL, memAvailableKb() > 2L * kb * cpus, "not enough available memory");
        Path marker = tmp.resolve("ran");
        BackgroundJob job = backgroundJob("run", "-b", Integer.toString(kb), "-o", tmp.resolve("run.dat").toString(),
                "--spool", spool.toString(), "--", "touch", marker.toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (owned(job.pid()).stream().noneMatch(n -> n.startsWith("nstrace-run-"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        job.signal("INT");
        assertEquals(125, job.awaitExit(20), "stderr: " + err());
        assertTrue(err().contains("cancelled by a signal"), err());
        assertFalse(Files.exists(marker), "the command never started");
        assertFalse(Files.exists(tmp.resolve("run.dat")));
        assertNothingLeft(job.pid());
    }

    private static long memAvailableKb() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemAvailable:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
    }

    // ---- item 6: not root

    @Test
    void notRootExits3WithTheCauseForPsRecordRunAndAttach() throws Exception {
        int init = container();
        Require.that(Require.KERNEL, new ProcessBuilder("setpriv", "--version").start().waitFor() == 0,
                "no setpriv");
        Path cp = readableClasspath();
        record Case(List<String> args, String stdin, int code, String err) {
        }
        String needsRoot = "needs root to read other processes' namespaces (/proc/";
        List<Case> cases = List.of(
                new Case(List.of("ps"), null, 3, "nstrace ps: " + needsRoot),
                new Case(List.of("ps", "pid:" + init), null, 3, "nstrace ps: " + needsRoot),
                new Case(List.of("record", "pid:" + init, "-d", "1s", "-o", tmp.resolve("nobody.dat").toString()),
                        null, 3, "nstrace record: " + needsRoot),
                new Case(List.of("run", "-o", tmp.resolve("nobody-run.dat").toString(), "--", "touch",
                        tmp.resolve("ran").toString()), null, 125, "nstrace run: " + needsRoot),
                new Case(List.of("reset"), null, 3, "nstrace reset: " + needsRoot),
                new Case(List.of("shell"), "attach pid:" + init + "\n", 3, "nstrace attach: " + needsRoot));
        for (Case c : cases) {
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                    "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xshare:off", "-cp", cp.toString() + "/*:" + cp + "/classes",
                    "io.nstrace.Main"));
            cmd.addAll(c.args());
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
            pb.environment().put("NSTRACE_STATE_DIR", state.toString());
            pb.environment().put("HOME", tmp.toString());
            Process p = pb.start();
            processes.add(p);
            if (c.stdin() != null) {
                p.getOutputStream().write(c.stdin().getBytes());
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            String err = new String(p.getErrorStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(c.code(), p.exitValue(), c.args() + ": " + err);
            assertTrue(err.startsWith(c.err()), c.args() + ": " + err);
            assertEquals("", out, c.args() + ": no table, no partial answer");
        }
        assertFalse(Files.exists(tmp.resolve("ran")), "run never started the command");
        assertFalse(Files.exists(tmp.resolve("nobody.dat")));
        assertEquals(List.of(), list(state));
    }

    /** The test classpath copied where nobody can read it: jars in DIR, classes in DIR/classes. */
    private Path readableClasspath() throws IOException {
        Path dir = tmp.resolve("cp");
        Files.createDirectories(dir.resolve("classes"));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path e = Path.of(entry);
            if (Files.isDirectory(e)) {
                if (e.endsWith("classes") && !e.endsWith("test-classes")) {
                    copyTree(e, dir.resolve("classes"));
                }
            } else if (Files.isRegularFile(e)) {
                Files.copy(e, dir.resolve(e.getFileName()));
            }
        }
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxrwxrwx" : "rw-r--r--"));
            }
        }
        return dir;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
