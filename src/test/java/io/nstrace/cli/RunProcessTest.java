package io.nstrace.cli;

import io.nstrace.testing.NstraceProcess;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nstrace run} as its own process (the real entry point, io.nstrace.Main): SIGTERM sent to nstrace reaches
 * the command, nstrace exits with the command's 143 and still writes the trace; stdin, stdout and stderr are the
 * command's, byte for byte.
 */
class RunProcessTest {
    @TempDir
    Path tmp;

    private List<String> nstrace(String... args) {
        return NstraceProcess.command(args);
    }

    @Test
    void standardStreamsAreTheCommandsUntouched() throws Exception {
        Require.kernel();
        Path in = Files.writeString(tmp.resolve("in"), "line one\nline two\n");
        Process p = new ProcessBuilder(nstrace("run", "--spool", tmp.resolve("spool").toString(), "-o",
                tmp.resolve("t.dat").toString(), "--", "sh", "-c", "cat; echo err >&2; kill -9 $$"))
                .redirectInput(in.toFile()).redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(128 + 9, p.exitValue(), Files.readString(tmp.resolve("err")));
            assertEquals("line one\nline two\n", Files.readString(tmp.resolve("out")));
            // other nstrace processes' leftovers may add nstrace's start-up orphan warning: not the command's
            String err = Files.readString(tmp.resolve("err")).lines()
                    .filter(l -> !l.contains("orphaned tracing session")).map(l -> l + "\n")
                    .collect(java.util.stream.Collectors.joining());
            assertEquals("err\n", err, "no shell note like 'Killed' either");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void sigtermToNstraceIsForwardedToTheCommand() throws Exception {
        Require.kernel();
        Path started = tmp.resolve("started");
        Path dat = tmp.resolve("t.dat");
        Process p = new ProcessBuilder(nstrace("run", "--spool", tmp.resolve("spool").toString(), "-o", dat.toString(), "--", "sh", "-c",
                "touch " + started + "; sleep 30; echo survived"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(started) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(started), "the command did not start: " + Files.readString(tmp.resolve("out")));
            long t0 = System.nanoTime();
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "nstrace did not end after SIGTERM");
            String out = Files.readString(tmp.resolve("out"));
            assertEquals(128 + 15, p.exitValue(), out);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20));
            assertTrue(!out.contains("survived"), out);
            assertTrue(Files.size(dat) > 0, "the trace is written after a forwarded signal");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
