package io.nstrace.cli;

import io.nstrace.testing.NstraceProcess;
import io.nstrace.format.ringbuffer.TraceEvent;
import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code record --wait} (its own process, the real entry point) started before a short-lived Docker container
 * appears: the container is recorded from its command's exec.
 */
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
        Path err = tmp.resolve("err");
        Process record = new ProcessBuilder(NstraceProcess.command("record", "--wait", prefix + "-*",
                "--until-exit", "-d", "60s", "--spool", tmp.resolve("spool").toString(), "-o", dat.toString(),
                "--summary-json", json.toString())).redirectErrorStream(true).redirectOutput(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(err).contains("waiting for") && record.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.readString(err).contains("waiting for " + prefix + "-*"), Files.readString(err));
            Runtimes.Exec.Result r = Runtimes.Exec.run(Duration.ofSeconds(60), "docker", "run", "--rm", "--name",
                    name, "--network", "none", docker.image(), "sh", "-c", "ls; sleep 0.3");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(record.waitFor(60, TimeUnit.SECONDS), "record did not end when the container exited");
            String out = Files.readString(err);
            assertEquals(0, record.exitValue(), out);
            assertTrue(out.contains(name + ": "), out);
            List<TraceEvent> events = RunCommandKernelTest.read(dat);
            List<String> execs = events.stream().filter(e -> e.eventName().equals("sched:sched_process_exec"))
                    .map(e -> (String) e.fields().get("filename")).toList();
            assertTrue(execs.contains("/bin/sh") || execs.stream().anyMatch(f -> f.endsWith("ls")),
                    "no exec of the container's sh or ls: " + execs + "\n" + out);
            assertTrue(Files.readString(json).contains("\"name\":\"" + name + "\""), Files.readString(json));
            RunCommandKernelTest.assertSummaryAgrees(events, json, null);
        } finally {
            Runtimes.Exec.quiet(Duration.ofSeconds(20), "docker", "rm", "-f", name);
            record.destroy();
            if (!record.waitFor(30, TimeUnit.SECONDS)) {
                record.destroyForcibly().waitFor();
            }
        }
    }
}
