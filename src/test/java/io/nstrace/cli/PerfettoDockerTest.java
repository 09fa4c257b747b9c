package io.nstrace.cli;

import io.nstrace.testing.NstraceProcess;
import io.nstrace.testing.PerfettoChecks;
import io.nstrace.testing.PerfettoText;
import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real recording of a Docker container (scheduler events and raw syscalls) converted from its trace.dat to a
 * Perfetto trace by {@code report} (its own process, the real entry point): protoc decodes it, it holds every
 * event of the JSON, and as many sched_switch events as {@code trace-cmd report} prints for the same file; and
 * {@code record -o x.pftrace} writes one directly.
 */
class PerfettoDockerTest {
    @TempDir
    Path tmp;

    @Test
    void aDockerRecordingConvertsWithTraceCmdsSchedSwitchCount() throws Exception {
        Require.kernel();
        Require.docker();
        Require.traceCmd();
        Require.protoc();
        Runtimes docker = Runtimes.docker();
        String name = "perfetto-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            docker.runDetached(name, "while true; do /bin/ls / >/dev/null; /bin/echo x >/dev/null; sleep 0.05; done");
            Path dat = tmp.resolve("rec.dat");
            run("record", name, "-e", "sched:*", "-e", "raw_syscalls:*", "-d", "2s", "--spool",
                    tmp.resolve("spool").toString(), "-o", dat.toString());
            Path pf = tmp.resolve("rec.pftrace");
            run("report", dat.toString(), "-o", pf.toString()); // the format from the name
            Path json = tmp.resolve("rec.json");
            run("report", dat.toString(), "--format", "json", "-o", json.toString());

            PerfettoText.Node trace = PerfettoText.decode(pf);
            Map<String, Long> byType = PerfettoChecks.check(trace, PerfettoChecks.jsonLines(Files.readString(json)));
            Runtimes.Exec.Result tc = Runtimes.Exec.run(Duration.ofMinutes(2), "trace-cmd", "report", dat.toString());
            assertEquals(0, tc.exitCode(), tc.err());
            long switches = tc.out().lines().filter(l -> l.contains(" sched_switch: ")).count();
            assertTrue(switches > 0, "trace-cmd report shows no sched_switch");
            assertEquals(switches, byType.get("sched_switch"), "sched_switch: trace-cmd report vs the Perfetto trace");
            assertTrue(byType.getOrDefault("sys_enter", 0L) > 0, byType.toString());
            List<String> names = trace.walk().filter(n -> n.name().equals("cmdline")).map(PerfettoText.Node::value)
                    .toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith(name + ":1/")), "the container's init (PID 1) "
                    + "is not named " + name + ":1/...: " + names);

            // record writes it directly too, chosen by the name: straight from the spooled pages
            Path direct = tmp.resolve("direct.pftrace");
            run("record", name, "-d", "1s", "--spool", tmp.resolve("spool2").toString(), "-o", direct.toString());
            PerfettoText.Node recorded = PerfettoText.decode(direct);
            assertTrue(PerfettoChecks.events(recorded).size() > 0, "record -o x.pftrace wrote no events");
            assertTrue(recorded.walk().anyMatch(n -> n.name().equals("cmdline") && n.value().startsWith(name + ":")),
                    "record -o x.pftrace names no task of " + name);
        } finally {
            docker.remove(name);
        }
    }

    private void run(String... args) throws Exception {
        Path log = tmp.resolve("log");
        Process p = new ProcessBuilder(NstraceProcess.command(args)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
        assertEquals(0, p.exitValue(), String.join(" ", args) + ": " + Files.readString(log));
    }
}
