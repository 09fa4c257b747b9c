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
        assertTrue(r.out().lines().anyMatch(l -> l.matches("commit ([0-9a-f]{40}( with uncommitted changes)?|unknown)")),
                r.out());
    }

    @Test
    void versionNamesTheCommitTheBuildRecorded() {
        java.util.Properties git = new java.util.Properties();
        assertEquals("unknown", VersionProvider.commit(git));
        git.setProperty("git.commit.id.full", "${git.commit.id.full}");
        assertEquals("unknown", VersionProvider.commit(git));
        git.setProperty("git.commit.id.full", "bf240bb1fe0aa747ea766bdb454634a0e0170ab7");
        git.setProperty("git.dirty", "false");
        assertEquals("commit bf240bb1fe0aa747ea766bdb454634a0e0170ab7", VersionProvider.lines("0.1.0", git)[1]);
        assertEquals("nstrace 0.1.0", VersionProvider.lines("0.1.0", git)[0]);
        git.setProperty("git.dirty", "true");
        assertEquals("bf240bb1fe0aa747ea766bdb454634a0e0170ab7 with uncommitted changes", VersionProvider.commit(git));
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
