package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import io.nstrace.error.ExitCodes;
import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NstraceCommandTest {
    @Test
    void versionPrintsTheVersion() {
        CliRun r = CliRun.run(Path.of("/proc"), null, "--version");
        assertEquals(ExitCodes.OK, r.exitCode());
        assertTrue(r.out().startsWith("nstrace "), r.out());
    }

    @Test
    void unknownCommandIsAUsageErrorOnOneLinePlusHint() {
        CliRun r = CliRun.run(Path.of("/proc"), null, "frobnicate");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("nstrace: "), r.err());
        assertTrue(r.err().contains("frobnicate"), r.err());
    }

    @Test
    void environmentRootsComeFromVariables() {
        try (AppContext c = AppContext.fromEnvironment(java.util.Map.of("NSTRACE_PROC", "/tmp/p",
                "NSTRACE_TRACEFS", "/tmp/t"))) {
            assertEquals(Path.of("/tmp/p"), c.roots().proc());
        }
    }
}
