package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.ProcFs;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespacedCommandTest {
    private final ProcFs proc = new ProcFs(Path.of("/proc"));

    @TempDir
    Path work;

    @Test
    void commandWaitsAtTheGateInItsOwnNamespaceAndPassesItsExitStatus() throws Exception {
        Require.kernel();
        Path marker = work.resolve("ran");
        NamespacedCommand c = NamespacedCommand.start(
                List.of("sh", "-c", "echo $$ > " + marker + "; exit 3"), work, proc);
        try {
            Thread.sleep(200);
            assertTrue(Files.notExists(marker), "the command ran before the gate opened");
            assertNotEquals(proc.pidnsInode((int) ProcessHandle.current().pid()).getAsLong(), c.pidnsInode());
            c.release();
            assertEquals(OptionalInt.of(3), c.waitFor(Duration.ofSeconds(10)));
            assertEquals("2", Files.readString(marker).strip(), "the command is PID 2 under a PID-1 init");
        } finally {
            c.kill();
        }
    }

    @Test
    void forwardedSignalKillsTheCommandAndGives128PlusN() throws Exception {
        Require.kernel();
        NamespacedCommand c = NamespacedCommand.start(List.of("sleep", "30"), work, proc);
        try {
            c.release();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!c.signal(15) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(OptionalInt.of(128 + 15), c.waitFor(Duration.ofSeconds(10)));
        } finally {
            c.kill();
        }
    }

    @Test
    void missingAndNonExecutableCommandsGiveShellCodes() throws Exception {
        NstraceException nf = assertThrows(NstraceException.class,
                () -> NamespacedCommand.checkExecutable("no-such-command-nstrace"));
        assertEquals(127, nf.exitCode());
        assertEquals("command not found: no-such-command-nstrace", nf.getMessage());
        Path plain = Files.writeString(work.resolve("plain"), "x");
        NstraceException ne = assertThrows(NstraceException.class,
                () -> NamespacedCommand.checkExecutable(plain.toString()));
        assertEquals(126, ne.exitCode());
    }
}
