package io.nstrace.cli;

import io.nstrace.format.TraceEvent;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code record --wait} started before a short-lived Docker container appears: its exec is in the trace. */
class RecordWaitDockerTest {
    @TempDir
    Path tmp;

    @Test
    void aContainerLiving300msThatAppearsLaterIsRecordedFromItsExec() throws Exception {
        Require.kernel();
        Require.docker();
        Runtimes docker = Runtimes.docker();
        docker.ensureImage();
        String prefix = "job-" + UUID.randomUUID().toString().substring(0, 8);
        String name = prefix + "-1";
        Path dat = tmp.resolve("w.dat");
        Path json = tmp.resolve("w.json");
        CompletableFuture<CliRun> record = CompletableFuture.supplyAsync(() -> CliRun.run(Path.of("/proc"), null,
                "record", "--wait", prefix + "-*", "--until-exit", "-d", "60s", "--spool",
                tmp.resolve("spool").toString(), "-o", dat.toString(), "--summary-json", json.toString()));
        try {
            Thread.sleep(2000); // the waiter is scanning by now (its first scans take well under a second)
            Runtimes.Exec.Result r = Runtimes.Exec.run(Duration.ofSeconds(60), "docker", "run", "--rm", "--name",
                    name, "--network", "none", docker.image(), "sh", "-c", "ls; sleep 0.3");
            assertEquals(0, r.exitCode(), r.err());
            CliRun rec = record.get(60, TimeUnit.SECONDS);
            assertEquals(0, rec.exitCode(), rec.err());
            assertTrue(rec.err().contains(name + ": "), rec.err());
            List<TraceEvent> events = RunCommandKernelTest.read(dat);
            List<String> execs = events.stream().filter(e -> e.eventName().equals("sched:sched_process_exec"))
                    .map(e -> (String) e.fields().get("filename")).toList();
            assertTrue(execs.contains("/bin/sh") || execs.stream().anyMatch(f -> f.endsWith("ls")),
                    "no exec of the container's sh or ls: " + execs + "\n" + rec.err());
            assertTrue(Files.readString(json).contains("\"name\":\"" + name + "\""), Files.readString(json));
            RunCommandKernelTest.assertSummaryAgrees(events, json, null);
        } finally {
            Runtimes.Exec.quiet(Duration.ofSeconds(20), "docker", "rm", "-f", name);
            if (!record.isDone()) {
                record.get(90, TimeUnit.SECONDS); // -d 60s bounds it
            }
        }
    }
}
