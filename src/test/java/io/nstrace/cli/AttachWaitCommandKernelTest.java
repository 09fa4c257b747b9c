package io.nstrace.cli;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.nstrace.testing.Workloads;
import io.nstrace.testing.KernelCleanup;
import io.nstrace.cli.context.AppContext;

import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code attach --wait 'name-*'} on the live kernel: the container does not exist yet, then appears. */
@Timeout(90)
class AttachWaitCommandKernelTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final KernelCleanup cleanup = new KernelCleanup();
    private AppContext context;

    @Test
    void attachesAsTheContainerAppearsThenTracesIt() throws Exception {
        Require.kernel();
        String name = "waitme-" + UUID.randomUUID().toString().substring(0, 8);
        context = cleanup.close(new AppContext(Path.of("/proc"), Optional.empty(), tmp.resolve("state")));
        context.shell().inShell(true);
        CompletableFuture<CliRun> waiting = CompletableFuture.supplyAsync(() -> CliRun.run(context, "attach", "--wait",
                "--timeout", "60s", "--spool", tmp.resolve("spool").toString(), "-e", "sched:sched_process_exec",
                name.substring(0, 10) + "*"));
        Thread.sleep(1000);
        assertFalse(waiting.isDone(), "attach returned before the container existed: " + (waiting.isDone()
                ? waiting.get().err() : ""));
        long appeared = System.nanoTime();
        cleanup.kill(Workloads.unshareUts("hostname " + name + "; while :; do /bin/true; sleep 0.02; done"));
        CliRun r = waiting.get(60, TimeUnit.SECONDS);
        long waitedMs = (System.nanoTime() - appeared) / 1_000_000;
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("attached " + name + " "), r.out());
        assertEquals(List.of(name), context.shell().sessionNames());
        assertEquals(0, CliRun.run(context, "start").exitCode());
        Thread.sleep(1000);
        assertEquals(0, CliRun.run(context, "stop").exitCode());
        CliRun dump = CliRun.run(context, "dump", "--format", "text");
        assertTrue(dump.out().lines().filter(l -> l.contains("filename=/bin/true")).count() >= 5,
                "attached after " + waitedMs + " ms; " + dump.out());
    }
}
