package io.nstrace.cli;

import io.nstrace.error.ExitCodes;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, item 4 and the output-file rough edge, on the live kernel in-process: a path that cannot be written
 * is refused before any tracing (nothing attached, CMD never started), and traces are written as trace-cmd writes
 * them (through symlinks, keeping an existing file's mode; new files 0644 less the umask).
 */
class OutputFaultsKernelTest {
    @TempDir
    Path tmp;
    Process workload;
    TraceFs traceFs;

    @AfterEach
    void cleanUp() {
        if (workload != null) {
            workload.descendants().forEach(ProcessHandle::destroyForcibly);
            workload.destroyForcibly();
        }
    }

    private int container() throws Exception {
        traceFs = new TraceFs(Require.kernel());
        workload = io.nstrace.testing.Workloads.unshare("while :; do /bin/ls / > /dev/null; sleep 0.05; done");
        return io.nstrace.testing.Workloads.initOf(workload);
    }

    private List<String> ownInstances() {
        String me = "-" + ProcessHandle.current().pid() + "-";
        return traceFs.instanceNames().stream().filter(n -> n.contains(me)).toList();
    }

    private CliRun nstrace(String... args) {
        return CliRun.run(Path.of("/proc"), null, args);
    }

    private List<String> spool() throws IOException {
        Path s = tmp.resolve("spool");
        if (!Files.isDirectory(s)) {
            return List.of();
        }
        try (Stream<Path> l = Files.list(s)) {
            return l.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void unwritableOutputsAreRefusedBeforeTracingStarts() throws Exception {
        String sel = "pid:" + container();
        String spool = tmp.resolve("spool").toString();
        long t0 = System.nanoTime();
        CliRun missing = nstrace("record", sel, "-d", "5s", "--spool", spool, "-o", "/nonexistent-dir/x.dat");
        assertEquals(ExitCodes.USAGE, missing.exitCode(), missing.err());
        assertEquals("nstrace record: cannot write /nonexistent-dir/x.dat: no such directory /nonexistent-dir\n",
                missing.err());
        assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "refused before the 5 s of tracing");
        CliRun dir = nstrace("record", sel, "-d", "5s", "--spool", spool, "-o", tmp.toString());
        assertEquals(ExitCodes.USAGE, dir.exitCode(), dir.err());
        assertEquals("nstrace record: cannot write " + tmp + ": is a directory\n", dir.err());
        CliRun summary = nstrace("record", sel, "-d", "5s", "--spool", spool, "-o", tmp.resolve("ok.dat").toString(),
                "--summary", "/nonexistent-dir/s.md");
        assertEquals(ExitCodes.USAGE, summary.exitCode(), summary.err());
        assertEquals("nstrace record: cannot write /nonexistent-dir/s.md: no such directory /nonexistent-dir\n",
                summary.err());
        assertFalse(Files.exists(tmp.resolve("ok.dat")));
        Path marker = tmp.resolve("ran");
        CliRun run = nstrace("run", "--spool", spool, "-o", "/nonexistent-dir/r.dat", "--", "touch", marker.toString());
        assertEquals(ExitCodes.RUN_FAILED, run.exitCode(), run.err());
        assertEquals("nstrace run: cannot write /nonexistent-dir/r.dat: no such directory /nonexistent-dir "
                + "(the command was not started)\n", run.err());
        assertFalse(Files.exists(marker), "CMD never ran");
        CliRun json = nstrace("run", "--spool", spool, "-o", tmp.resolve("r.dat").toString(), "--summary-json",
                tmp.toString(), "--", "touch", marker.toString());
        assertEquals(ExitCodes.RUN_FAILED, json.exitCode(), json.err());
        assertFalse(Files.exists(marker), "CMD never ran");
        assertEquals(List.of(), ownInstances(), "nothing was attached");
        assertEquals(List.of(), spool());
    }

    @Test
    void traceFilesAreWrittenThroughSymlinksKeepingTheirModeAndSurviveAnEarlyFailure() throws Exception {
        String sel = "pid:" + container();
        String spool = tmp.resolve("spool").toString();
        Path target = tmp.resolve("kept.dat");
        Files.writeString(target, "old trace");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        Path link = tmp.resolve("link.dat");
        Files.createSymbolicLink(link, target);

        CliRun early = nstrace("record", "no-such-container-faults-run", "-d", "1s", "--spool", spool, "-o",
                link.toString());
        assertEquals(ExitCodes.USER, early.exitCode(), early.err());
        assertEquals("old trace", Files.readString(target), "a recording that fails early leaves the old file");

        CliRun r = nstrace("record", sel, "-d", "1s", "--spool", spool, "-o", link.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the symlink is still a symlink");
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(target),
                "the existing file keeps its mode");
        assertEquals(1, TraceDatReader.read(target).buffers().size(), "the trace went to the link's target");

        Path fresh = tmp.resolve("new.dat");
        Path md = tmp.resolve("new.md");
        CliRun n = nstrace("record", sel, "-d", "1s", "--spool", spool, "-o", fresh.toString(), "--summary",
                md.toString());
        assertEquals(0, n.exitCode(), n.err());
        for (Path p : List.of(fresh, md)) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
            assertTrue(PosixFilePermissions.fromString("rw-r--r--").containsAll(mode), p + ": " + mode);
            assertTrue(mode.contains(PosixFilePermission.OWNER_WRITE), p + ": " + mode);
        }
        assertEquals(List.of(), ownInstances());
        assertEquals(List.of(), spool());
    }
}
