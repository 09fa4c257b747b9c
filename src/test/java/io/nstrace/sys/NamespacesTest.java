package io.nstrace.sys;

import io.nstrace.testing.NstraceProcess;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespacesTest {
    @Test
    void aMissingLinkFailsWithItsErrnoAndStrerror() {
        NativeException e = assertThrows(NativeException.class, () -> Namespaces.id(Path.of("/nonexistent/ns/pid")));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open /nonexistent/ns/pid: No such file or directory", e.getMessage());
    }

    @Test
    void theSameNamespaceHasTheSameIdThroughAnyLink() throws Exception {
        OptionalLong self = Namespaces.id(Path.of("/proc/self/ns/pid"));
        OptionalLong thread = Namespaces.id(Path.of("/proc/thread-self/ns/pid"));
        assertEquals(self, thread);
        self.ifPresent(id -> assertTrue(id > 0, "id " + id));
    }

    @Test
    void aDiscoveryScanBindsNoneOfLibc() throws Exception {
        Require.kernel();
        // a process tree started as a script's background job (or under nohup's parent) inherits SIGINT ignored:
        // nstrace then restores it with sigaction at start-up, which binds Libc by design (Signals.restoreInterrupt)
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnoredHere(),
                "SIGINT is ignored in this process tree: ps restores it through Libc on purpose");
        // nstrace ps in a JVM of its own: Libc's dozen downcalls (~100 ms of a cold start) must stay unbound
        List<String> cmd = new ArrayList<>(NstraceProcess.command("ps", "--json"));
        cmd.add(1, "-Xlog:class+init=info:stdout");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Initializing 'io/nstrace/discovery/ContainerDiscovery'"), out);
        assertFalse(out.contains("Initializing 'io/nstrace/sys/Libc'"), "ps bound Libc");
    }

    /** Whether this JVM (and so a child it starts) has SIGINT ignored, from its SigIgn mask. */
    static boolean sigintIgnoredHere() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (Signals.SIGINT - 1))) != 0;
            }
        }
        return false;
    }
}
