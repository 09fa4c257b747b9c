package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import io.nstrace.error.ExitCodes;
import io.nstrace.format.EventReader;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.nstrace.testing.Workloads.initOf;
import static io.nstrace.cli.RecordFunctionKernelTest.list;
import static io.nstrace.cli.RecordFunctionKernelTest.ours;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nstrace record --subbuf-kb 8} on this machine's 6.18 (which has buffer_subbuf_size_kb): the file's page
 * size is 8192 and trace-cmd report reads as many events as nstrace report; nothing is left behind.
 */
class RecordSubbufKernelTest {
    @TempDir
    Path tmp;

    @Test
    void recordWithEightKilobyteSubBuffersIsReadByTraceCmd() throws Exception {
        Path tracefs = Require.kernel();
        Require.that(Require.KERNEL, Files.exists(tracefs.resolve("buffer_subbuf_size_kb")),
                "this kernel has no buffer_subbuf_size_kb (linux 6.8+)");
        Process ns = new ProcessBuilder("unshare", "-p", "-f", "--mount-proc", "sh", "-c",
                "while :; do dd if=/dev/zero of=/dev/null bs=1 count=2000 2>/dev/null; sleep 0.2; done")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        try {
            long init = initOf(ns);
            Path state = tmp.resolve("state");
            Path out = tmp.resolve("sb.dat");
            CliRun r;
            try (AppContext ctx = new AppContext(Path.of("/proc"), Optional.empty(), state)) {
                r = CliRun.run(ctx, "record", "pid:" + init, "--subbuf-kb", "8", "-e", "syscalls:sys_enter_read",
                        "-e", "syscalls:sys_enter_write", "-d", "2s", "-o", out.toString());
            }
            assertEquals(ExitCodes.OK, r.exitCode(), r.err());
            TraceData d = TraceDatReader.read(out);
            assertEquals(8192, d.pageSize());
            long ours = 0;
            try (EventReader er = new EventReader(d)) {
                while (er.hasNext()) {
                    er.next();
                    ours++;
                }
            }
            assertTrue(ours > 2000, "a few 8 KiB pages of events: " + ours);
            if (Files.isExecutable(Path.of("/usr/bin/trace-cmd"))) {
                Process tc = new ProcessBuilder("trace-cmd", "report", out.toString()).start();
                List<String> lines = new String(tc.getInputStream().readAllBytes()).lines()
                        .filter(l -> l.matches(".*\\[\\d+\\] +\\d+\\.\\d+: sys_enter_(read|write):.*")).toList();
                assertTrue(tc.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, tc.exitValue(), new String(tc.getErrorStream().readAllBytes()));
                assertEquals(ours, lines.size(), "trace-cmd report's events");
            }
            assertEquals(List.of(), ours(tracefs, init), "no instance left");
            assertEquals(List.of(), list(state), "no state file left");
        } finally {
            ns.descendants().forEach(ProcessHandle::destroyForcibly);
            ns.destroyForcibly();
        }
    }
}
