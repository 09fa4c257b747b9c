package io.nstrace.shell;

import io.nstrace.testing.Workloads;
import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.Selectors;
import io.nstrace.format.EventReader;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.format.ringbuffer.TraceEvent;
import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real entry point ({@code nstrace shell} in a child JVM, stdin piped, as a script would drive it) against the
 * live kernel: two containers attached, started, loaded, one stopped, each dumped to its own file, exit. Each
 * container runs a loop that executes a binary through a path of its own, so every exec event names which
 * container it came from: each file must hold only its own container's.
 */
@Timeout(180)
class ShellSessionKernelTest {
    @TempDir
    Path tmp;
    private final List<Process> workloads = new ArrayList<>();
    private final List<String> dockerNames = new ArrayList<>();
    private Process shell;

    @AfterEach
    void cleanup() {
        if (shell != null) {
            shell.destroyForcibly();
        }
        for (Process p : workloads) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        dockerNames.forEach(n -> Runtimes.docker().remove(n));
    }

    /** A bare PID namespace looping over {@code <marker>/true}; returns its init's host PID. */
    private int unshareLoop(String marker) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(marker));
        Files.createSymbolicLink(dir.resolve("true"), Path.of("/bin/true"));
        Process p = Workloads.unshare("while :; do " + dir.resolve("true") + "; sleep 0.02; done");
        workloads.add(p);
        return Workloads.initOf(p);
    }

    /** The name discovery gives the container with this init PID, as the shell will name its session. */
    private static String nameOf(int pid) {
        return Selectors.selectOne(ContainerDiscovery.forProc(Path.of("/proc")).scanNamespaces(), "pid:" + pid).name();
    }

    private final BlockingQueue<String> out = new LinkedBlockingQueue<>();

    private OutputStream startShell() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp",
                System.getProperty("java.class.path"), "io.nstrace.Main", "shell")
                .redirectError(tmp.resolve("shell.err").toFile());
        pb.environment().put("NSTRACE_STATE_DIR", tmp.resolve("state").toString());
        shell = pb.start();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(shell.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.add(line);
                }
            } catch (IOException ignored) {
                // the shell ended
            }
        });
        return shell.getOutputStream();
    }

    private void send(OutputStream in, String lines) throws IOException {
        in.write(lines.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for the shell to print {@code expected} (a whole line); fails with what it printed meanwhile. */
    private void expect(String expected) throws Exception {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = out.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                if (line.equals(expected)) {
                    return;
                }
            }
        }
        throw new AssertionError("no '" + expected + "' from the shell; it printed " + seen + ", stderr: "
                + Files.readString(tmp.resolve("shell.err")));
    }

    @Test
    void twoNamespacesEachDumpedToItsOwnFile() throws Exception {
        Require.kernel();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        int a = unshareLoop("nsa-" + tag);
        int b = unshareLoop("nsb-" + tag);
        scenario(List.of("pid:" + a, "pid:" + b), List.of(nameOf(a), nameOf(b)),
                List.of(tmp.resolve("nsa-" + tag) + "/true", tmp.resolve("nsb-" + tag) + "/true"));
    }

    @Test
    void aNamespaceAndADockerContainer() throws Exception {
        Require.docker();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        int a = unshareLoop("nsa-" + tag);
        String name = "nstrace-shell-" + tag;
        dockerNames.add(name);
        Runtimes.docker().runDetached(name, "busybox mkdir -p /tmp/dk-" + tag + " && busybox ln -s /bin/true /tmp/dk-" + tag
                + "/true && while :; do /tmp/dk-" + tag + "/true; sleep 0.02; done");
        scenario(List.of("pid:" + a, name), List.of(nameOf(a), name),
                List.of(tmp.resolve("nsa-" + tag) + "/true", "/tmp/dk-" + tag + "/true"));
    }

    /** attach both, start, load (the loops run), stop the second, dump each, exit; then check files and instances. */
    private void scenario(List<String> selectors, List<String> names, List<String> markers) throws Exception {
        Path first = tmp.resolve("first.dat");
        Path second = tmp.resolve("second.dat");
        OutputStream in = startShell();
        send(in, "attach --spool " + tmp.resolve("spool") + " -e sched:sched_process_exec " + selectors.get(0) + " "
                + selectors.get(1) + "\nstart --all\n");
        expect("started " + names.get(1));
        Thread.sleep(1500);
        send(in, "stop " + names.get(1) + "\n");
        expect("stopped " + names.get(1));
        Thread.sleep(500);
        send(in, "dump " + names.get(0) + " -o " + first + "\ndump " + names.get(1) + " -o " + second
                + "\nstatus\nexit\n");
        in.close();
        assertTrue(shell.waitFor(60, TimeUnit.SECONDS), "the shell did not exit");
        String err = Files.readString(tmp.resolve("shell.err"));
        assertEquals(0, shell.exitValue(), err);
        assertEquals("nstrace shell: 1 trace not dumped; exiting\n", err, "the first session still ran at exit");
        long pid = shell.pid();
        try (Stream<Path> s = Files.list(Require.kernel().resolve("instances"))) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.contains("-" + pid + "-")).toList();
            assertEquals(List.of(), left, "instances of the shell left behind");
        }
        checkOnly(first, markers.get(0), markers.get(1));
        checkOnly(second, markers.get(1), markers.get(0));
    }

    /** Exec events of {@code mine} and none of {@code theirs}, by TraceDatReader and by trace-cmd report. */
    private static void checkOnly(Path dat, String mine, String theirs) throws Exception {
        TraceData data = TraceDatReader.read(dat);
        int own = 0;
        try (EventReader events = new EventReader(data)) {
            while (events.hasNext()) {
                TraceEvent e = events.next();
                if (e.isLostMarker()) {
                    continue;
                }
                assertEquals("sched:sched_process_exec", e.eventName());
                String file = String.valueOf(e.fields().get("filename"));
                assertFalse(file.equals(theirs), dat + " holds the other container's exec " + file);
                own += file.equals(mine) ? 1 : 0;
            }
        }
        assertTrue(own >= 10, dat + ": only " + own + " execs of " + mine);
        Runtimes.Exec.Result report = Runtimes.Exec.run(Duration.ofSeconds(60), "trace-cmd", "report", dat.toString());
        assertEquals(0, report.exitCode(), report.err());
        List<String> execs = report.out().lines().filter(l -> l.contains("sched_process_exec:")).toList();
        assertEquals(own, execs.stream().filter(l -> l.contains("filename=" + mine + " ")).count(), report.out());
        assertTrue(execs.stream().noneMatch(l -> l.contains(theirs)), report.out());
        assertNotNull(data.options().containers());
    }
}
