package io.nstrace.cli;

import io.nstrace.cli.loop.RunSupervisor;

import io.nstrace.format.output.OutputFormat;
import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure parts of run and record --wait: status words, default output names, option checks. */
class RunCommandTest {
    @TempDir
    Path tmp;

    @Test
    void statusesAreNamedAsTheyEnded() {
        assertEquals(new RunSupervisor.Outcome(3, "exited", false), RunSupervisor.ended(3));
        assertEquals(new RunSupervisor.Outcome(143, "was killed by signal 15", false), RunSupervisor.ended(143));
        assertEquals(new RunSupervisor.Outcome(128, "exited", false), RunSupervisor.ended(128));
    }

    @Test
    void theTraceNeverGoesToTheCommandsStdout() {
        assertEquals("nstrace-run.dat", RunCommand.defaultOutput(null));
        assertEquals("nstrace-run.dat", RunCommand.defaultOutput(OutputFormat.dat));
        assertEquals("nstrace-run.json", RunCommand.defaultOutput(OutputFormat.json));
        assertEquals("nstrace-run.txt", RunCommand.defaultOutput(OutputFormat.text));
        assertEquals("nstrace-run.pftrace", RunCommand.defaultOutput(OutputFormat.perfetto));
        assertEquals(OutputFormat.perfetto, OutputFormat.forFileName("x.PFTRACE", OutputFormat.dat));
    }

    @Test
    void untilExitNeedsWaitAndRunsUsageErrorsAre125() {
        CliRun r = CliRun.run(tmp, tmp, "record", "--until-exit", "web");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("nstrace record: --until-exit needs --wait"), r.err());
        CliRun run = CliRun.run(tmp, tmp, "run", "--timeout", "soon", "--", "true");
        assertEquals(125, run.exitCode());
        assertTrue(run.err().contains("not a duration: 'soon'"), run.err());
    }

    /** Before: -b -3 was an internal error (exit 4); these flags' checks are usage errors like picocli's own. */
    @Test
    void traceFlagChecksAreUsageErrors() {
        CliRun r = CliRun.run(tmp, tmp, "record", "web", "--subbuf-kb", "6");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("nstrace record: invalid value for option '--subbuf-kb': '6' is not a power of two"), r.err());
        r = CliRun.run(tmp, tmp, "record", "web", "--graph-opt", "retval");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("nstrace record: --graph-opt retval needs --function-graph\n"), r.err());
        r = CliRun.run(tmp, tmp, "record", "web", "-b", "-3");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("nstrace record: invalid value for option '--buffer-kb': '-3' is out of range"), r.err());
        CliRun run = CliRun.run(tmp, tmp, "run", "--subbuf-kb", "6", "--", "true");
        assertEquals(125, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("nstrace run: invalid value for option '--subbuf-kb': '6' is not a power of two"), run.err());
    }
}
