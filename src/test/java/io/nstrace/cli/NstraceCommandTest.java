package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import io.nstrace.error.ExitCodes;
import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void rootHelpAndVersionBuildNoSubcommandModelAndPrintTheSame() {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"--version"}, {"--verbose", "-V"},
                {"--proc", "/proc", "--help"}}) {
            try (AppContext context = new AppContext(Path.of("/proc"), java.util.Optional.empty())) {
                java.io.StringWriter out = new java.io.StringWriter();
                java.io.StringWriter err = new java.io.StringWriter();
                picocli.CommandLine light = io.nstrace.Commands.forArgs(context, new java.io.PrintWriter(out, true),
                        new java.io.PrintWriter(err, true), args);
                // only the listing of each subcommand: none of their options were read
                assertEquals(null, light.getSubcommands().get("record").getCommandSpec().findOption("--duration"));
                assertEquals(ExitCodes.OK, light.execute(args));
                CliRun full = CliRun.run(context, args);
                assertEquals(full.out(), out.toString(), String.join(" ", args));
                assertEquals(full.err(), err.toString());
            }
        }
        assertTrue(CliRun.run(Path.of("/proc"), null, "--help").out().contains("record      Trace containers"));
        // Main prints a lone --version without any model: the same text
        assertEquals(CliRun.run(Path.of("/proc"), null, "--version").out(), Cli.versionOnly(new String[] {"-V"}).get());
        assertTrue(Cli.versionOnly(new String[] {"--version", "--verbose"}).isEmpty());
        assertFalse(Cli.rootHelpOrVersion(new String[] {"ps", "--help"}));
        assertFalse(Cli.rootHelpOrVersion(new String[] {"--help", "--frob"}));
        assertFalse(Cli.rootHelpOrVersion(new String[] {"--verbose"}));
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
