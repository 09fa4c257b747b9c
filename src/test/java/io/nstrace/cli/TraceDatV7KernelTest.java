package io.nstrace.cli;

import io.nstrace.format.EventReader;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * trace.dat version 7 from real recordings: nstrace's (the default) reads in trace-cmd report as its version 6 of
 * the same recording does, and trace-cmd's own (recorded through trace-cmd-unlocked on this locked-down kernel)
 * reads in nstrace report with trace-cmd report's event count.
 */
class TraceDatV7KernelTest {
    @TempDir
    Path tmp;

    @Test
    void runWritesVersion7ThatTraceCmdReportsAsItsVersion6() throws Exception {
        Require.kernel();
        Require.traceCmd();
        Path v7 = tmp.resolve("run.dat");
        CliRun r = CliRun.run(Path.of("/proc"), null, "run", "--spool", tmp.resolve("spool").toString(), "-e",
                "sched:sched_switch", "-e", "sched:sched_process_exec", "-o", v7.toString(), "--", "sh", "-c",
                "/bin/ls / >/dev/null; sleep 0.2");
        assertEquals(0, r.exitCode(), r.err());
        byte[] head = Arrays.copyOf(Files.readAllBytes(v7), 24);
        assertEquals("7", new String(head, 10, 1, StandardCharsets.US_ASCII));
        assertEquals("zstd", new String(head, 18, 4, StandardCharsets.US_ASCII));
        Path v6 = tmp.resolve("run6.dat");
        CliRun c = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "dat", "--dat-version", "6", "-o",
                v6.toString(), v7.toString());
        assertEquals(0, c.exitCode(), c.err());
        assertEquals("6", new String(Files.readAllBytes(v6), 10, 1, StandardCharsets.US_ASCII));
        String report7 = run("trace-cmd", "report", v7.toString());
        String report6 = run("trace-cmd", "report", v6.toString());
        assertEquals(report6, report7);
        assertTrue(report7.contains("sched_process_exec"), report7);
        assertTrue(Files.size(v7) * 3 < Files.size(v6), Files.size(v7) + " bytes against " + Files.size(v6));
    }

    @Test
    void runWithDatVersion6WritesVersion6() throws Exception {
        Require.kernel();
        Path v6 = tmp.resolve("run6.dat");
        CliRun r = CliRun.run(Path.of("/proc"), null, "run", "--spool", tmp.resolve("spool").toString(), "-e",
                "sched:sched_switch", "--dat-version", "6", "-o", v6.toString(), "--", "true");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("6", new String(Files.readAllBytes(v6), 10, 1, StandardCharsets.US_ASCII));
        assertTrue(count(v6) > 0);
    }

    @Test
    void aVersion7TraceCmdRecordedReportsTraceCmdsEventCount() throws Exception {
        Require.kernel();
        Require.traceCmd();
        Path unlocked = Path.of(System.getProperty("nstrace.repo", ".")).resolve("../../shared/bin/trace-cmd-unlocked")
                .normalize();
        if (!Files.isExecutable(unlocked)) {
            unlocked = Path.of(System.getProperty("nstrace.repo", ".")).resolve("../shared/bin/trace-cmd-unlocked")
                    .normalize();
        }
        Require.that("trace-cmd", Files.isExecutable(unlocked), "no trace-cmd-unlocked next to the repository"
                + " (trace-cmd record is refused on a kernel in lockdown)");
        Path dat = tmp.resolve("tc.dat");
        run(unlocked.toString(), "record", "-q", "-e", "sched:sched_switch", "-e", "sched:sched_wakeup", "-o",
                dat.toString(), "sleep", "0.5");
        String head = new String(Arrays.copyOf(Files.readAllBytes(dat), 24), StandardCharsets.US_ASCII);
        assertTrue(head.startsWith("7", 10) && head.contains("zstd"), "trace-cmd wrote " + head);
        long expected = run("trace-cmd", "report", dat.toString()).lines()
                .filter(l -> l.contains(": sched_switch:") || l.contains(": sched_wakeup:")).count();
        assertTrue(expected > 10, expected + " events");
        assertEquals(expected, count(dat));
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "summary", dat.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("events: " + expected + " "), r.out());
    }

    private static long count(Path dat) throws IOException {
        long n = 0;
        try (EventReader r = new EventReader(TraceDatReader.read(dat))) {
            while (r.hasNext()) {
                if (!r.next().isLostMarker()) {
                    n++;
                }
            }
        }
        return n;
    }

    private String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).directory(tmp.toFile())
                .redirectError(tmp.resolve("stderr").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + Files.readString(tmp.resolve("stderr")));
        return out;
    }
}
