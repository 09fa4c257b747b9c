package io.nstrace.session;

import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The function-tracer path for real, on the unlocked 6.1 kernel in kernel-vm (this kernel refuses it). */
class FunctionVmTest {
    static final Path KERNEL_VM = Path.of(System.getenv().getOrDefault("KERNEL_VM",
            Path.of(System.getProperty("nstrace.repo", ".")).toAbsolutePath().normalize()
                    .resolveSibling("shared").resolve("bin/kernel-vm").toString()));

    @TempDir
    Path tmp;

    @Test
    void functionTracingFollowsOnlyTheContainer() throws Exception {
        Require.kernel();
        Require.that(Require.VM, Files.isExecutable(KERNEL_VM), KERNEL_VM + " missing");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Runtimes.Exec.Result r = Runtimes.Exec.run(Duration.ofMinutes(5), KERNEL_VM.toString(), "-t", "280", "-w",
                tmp.toString(), "--", java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp",
                System.getProperty("java.class.path"), FunctionVmMain.class.getName(), tmp.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertEquals("function\n", Files.readString(tmp.resolve("current_tracer")));
        assertFalse(Files.readString(tmp.resolve("set_ftrace_pid")).isBlank());
        String trace = Files.readString(tmp.resolve("trace"));
        assertTrue(trace.contains("ksys_read") || trace.contains("vfs_read"), "function events recorded");
        TraceText t = TraceText.parse(trace);
        for (String c : t.comms()) {
            assertTrue(Set.of("ctrw", "ctrc", "sleep", "sh", "<...>").contains(c), "unexpected task " + c);
        }
        assertTrue(t.pidsOf("ctrc").size() >= 3, "children followed by function-fork");
        assertFalse(Files.readString(tmp.resolve("left")).contains("nstrace-"), "nothing left after detach");
    }
}
