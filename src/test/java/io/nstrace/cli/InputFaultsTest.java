package io.nstrace.cli;

import io.nstrace.Commands;
import io.nstrace.cli.context.AppContext;

import io.nstrace.error.ExitCodes;
import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, item 7: bad input is never an internal error. Every option value is checked as it is parsed (exit 2
 * naming the option; run's own failures are 125), and a --proc or --tracefs that is not one exits 3 naming it.
 */
class InputFaultsTest {
    @TempDir
    Path tmp;

    private static final Set<Class<?>> NUMERIC = Set.of(int.class, Integer.class, long.class, Long.class,
            Duration.class);

    /** Every option of every command whose value is a number or a duration, as {@code [command, option]}. */
    private static List<String[]> numericOptions() {
        List<String[]> out = new ArrayList<>();
        try (AppContext ctx = new AppContext(Path.of("/nonexistent-proc"), Optional.empty())) {
            CommandLine root = Commands.create(ctx, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
            root.getSubcommands().forEach((name, sub) -> {
                for (OptionSpec o : sub.getCommandSpec().options()) {
                    if (NUMERIC.contains(o.type())) {
                        out.add(new String[] {name, o.longestName()});
                    }
                }
            });
        }
        return out;
    }

    @Test
    void everyNumericOptionRefusesBadValuesAsAUsageErrorNamingIt() {
        List<String[]> options = numericOptions();
        assertTrue(options.stream().anyMatch(o -> o[1].equals("--buffer-kb")), "the sweep sees -b");
        assertTrue(options.stream().anyMatch(o -> o[1].equals("--max-graph-depth")), "and the depth");
        assertTrue(options.stream().anyMatch(o -> o[1].equals("--duration")), "and durations");
        for (String[] o : options) {
            for (String bad : List.of("-1", "x", "99999999999999999999")) {
                List<String> args = new ArrayList<>(List.of(o[0], o[1], bad));
                if (o[0].equals("run")) {
                    args.addAll(List.of("--", "true"));
                }
                CliRun r = CliRun.run(Path.of("/nonexistent-proc"), null, args.toArray(String[]::new));
                int usage = o[0].equals("run") ? ExitCodes.RUN_FAILED : ExitCodes.USAGE;
                String what = String.join(" ", args) + ": " + r.err();
                assertEquals(usage, r.exitCode(), what);
                assertTrue(r.err().startsWith("nstrace " + o[0] + ": invalid value for option '" + o[1] + "'"),
                        what);
                assertFalse(r.err().contains("internal error"), what);
            }
        }
    }

    @Test
    void negativeBufferSizesAreUsageErrorsForRecordAndRun() {
        CliRun record = CliRun.run(Path.of("/proc"), null, "record", "x", "-b", "-1");
        assertEquals(ExitCodes.USAGE, record.exitCode(), record.err());
        assertTrue(record.err().startsWith("nstrace record: invalid value for option '--buffer-kb': '-1' is out of "
                + "range: give a whole number of at least 1\n"), record.err());
        CliRun run = CliRun.run(Path.of("/proc"), null, "run", "-b", "-1", "--", "true");
        assertEquals(ExitCodes.RUN_FAILED, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("nstrace run: invalid value for option '--buffer-kb'"), run.err());
        CliRun zero = CliRun.run(Path.of("/proc"), null, "record", "x", "-b", "0");
        assertEquals(ExitCodes.USAGE, zero.exitCode(), "0 KB is no buffer: " + zero.err());
    }

    @Test
    void aProcRootThatIsNotAProcfsExits3NamingIt() throws Exception {
        CliRun missing = CliRun.run(Path.of("/nonexistent"), null, "ps");
        assertEquals(ExitCodes.ENVIRONMENT, missing.exitCode(), missing.err());
        assertEquals("nstrace ps: no procfs at /nonexistent: no such directory\n", missing.err());
        Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(tmp.resolve("file"), "x");
        CliRun notProc = CliRun.run(tmp, null, "ps");
        assertEquals(ExitCodes.ENVIRONMENT, notProc.exitCode(), notProc.err());
        assertEquals("nstrace ps: " + tmp + " is not a procfs: no process directories with an ns/pid link\n",
                notProc.err());
        assertEquals("", notProc.out(), "no empty table");
        CliRun file = CliRun.run(tmp.resolve("file"), null, "ps", "--json");
        assertEquals(ExitCodes.ENVIRONMENT, file.exitCode(), file.err());
        assertEquals("nstrace ps: no procfs at " + tmp.resolve("file") + ": not a directory\n", file.err());
        CliRun record = CliRun.run(tmp, null, "record", "web", "-d", "1s");
        assertEquals(ExitCodes.ENVIRONMENT, record.exitCode(), record.err());
    }

    @Test
    void aTracefsRootThatIsNotOneExits3NamingIt() {
        CliRun missing = CliRun.run(Path.of("/proc"), Path.of("/nonexistent"), "events");
        assertEquals(ExitCodes.ENVIRONMENT, missing.exitCode(), missing.err());
        assertEquals("nstrace events: no tracefs at /nonexistent: no such directory\n", missing.err());
        CliRun notOne = CliRun.run(Path.of("/proc"), tmp, "events");
        assertEquals(ExitCodes.ENVIRONMENT, notOne.exitCode(), notOne.err());
        assertEquals("nstrace events: " + tmp + " is not a tracefs: no events/ directory\n", notOne.err());
    }
}
