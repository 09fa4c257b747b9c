package io.nstrace.cli;

import io.nstrace.testing.Workloads;
import io.nstrace.cli.context.AppContext;

import io.nstrace.error.ExitCodes;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code nstrace record --function} on this machine's locked-down kernel: the one-line refusal, exit 3, no file,
 * no instance, no state file. (The function tracer working is proven in kernel-vm by scripts/test-vm.)
 */
class RecordFunctionKernelTest {
    @TempDir
    Path tmp;

    @Test
    void recordFunctionIsRefusedInOneLineAndLeavesNothing() throws Exception {
        Path tracefs = Require.kernel();
        Assumptions.assumeTrue(lockedDown(tracefs), "this kernel permits function tracing (no lockdown)");
        Process ns = Workloads.unshare("exec sleep 60");
        try {
            long init = Workloads.initOf(ns);
            Path state = tmp.resolve("state");
            Path out = tmp.resolve("x.dat");
            CliRun r;
            try (AppContext ctx = new AppContext(Path.of("/proc"), Optional.empty(), state)) {
                r = CliRun.run(ctx, "record", "pid:" + init, "--function", "-l", "vfs_*", "-d", "2s", "-o",
                        out.toString());
            }
            assertEquals(ExitCodes.ENVIRONMENT, r.exitCode(), r.err());
            assertEquals("nstrace record: function tracing is not permitted by this kernel (lockdown); events "
                    + "still work\n", r.err());
            assertEquals("", r.out());
            assertFalse(Files.exists(out), "no trace file written");
            assertEquals(List.of(), ours(tracefs, init), "no instance left");
            assertEquals(List.of(), list(state), "no state file left");
        } finally {
            ns.descendants().forEach(ProcessHandle::destroyForcibly);
            ns.destroyForcibly();
        }
    }

    /** Under lockdown even opening set_ftrace_pid is refused (EPERM). */
    static boolean lockedDown(Path tracefs) {
        try (var in = Files.newInputStream(tracefs.resolve("set_ftrace_pid"))) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }


    /** Instances named after this test's container (sleep-PID); other helpers' instances are not ours. */
    static List<String> ours(Path tracefs, long init) throws IOException {
        try (Stream<Path> s = Files.list(tracefs.resolve("instances"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains("-" + init + "-")).toList();
        }
    }

    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
