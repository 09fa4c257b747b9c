package io.nstrace.cli;

import io.nstrace.Commands;

import io.nstrace.cli.context.AppContext;

import io.nstrace.error.ExitCodes;
import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --help everywhere, help CMD, completion scripts, and what plain 'nstrace' does without a terminal. */
class PicocliExtrasTest {
    private static final Path PROC = Path.of("/proc");

    @Test
    void everySubcommandHasHelpAndVersionOptions() {
        try (AppContext context = new AppContext(PROC, Optional.empty())) {
            CommandLine cmd = Commands.create(context, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
            List<String> missing = new ArrayList<>();
            collectWithoutHelp(cmd, missing);
            assertEquals(List.of(), missing, "add mixinStandardHelpOptions = true to these commands");
        }
    }

    private static void collectWithoutHelp(CommandLine cmd, List<String> missing) {
        if (cmd.getCommandSpec().findOption("--help") == null) {
            missing.add(cmd.getCommandSpec().qualifiedName());
        }
        cmd.getSubcommands().values().forEach(sub -> collectWithoutHelp(sub, missing));
    }

    @Test
    void helpOptionAndHelpCommandPrintTheSameUsage() {
        CliRun option = CliRun.run(PROC, null, "shell", "--help");
        CliRun command = CliRun.run(PROC, null, "help", "shell");
        assertEquals(ExitCodes.OK, option.exitCode());
        assertEquals(ExitCodes.OK, command.exitCode());
        assertTrue(option.out().startsWith("Usage: nstrace shell"), option.out());
        assertEquals(option.out(), command.out());
    }

    @Test
    void topLevelHelpListsCommandsAndExitStatus() {
        CliRun r = CliRun.run(PROC, null, "--help");
        assertEquals(ExitCodes.OK, r.exitCode());
        assertTrue(r.out().contains("shell") && r.out().contains("completion"), r.out());
        assertTrue(r.out().contains("Exit status:") && r.out().contains("usage error"), r.out());
    }

    @Test
    void noCommandWithoutATerminalIsAUsageError() {
        try (AppContext context = new AppContext(PROC, Optional.empty())) {
            context.shell().stdinIsTerminal(() -> false);
            CliRun r = CliRun.run(context);
            assertEquals(ExitCodes.USAGE, r.exitCode());
            assertTrue(r.err().startsWith("nstrace: missing command"), r.err());
        }
    }

    @Test
    void noCommandInsideTheShellIsAUsageErrorNotANestedShell() {
        try (AppContext context = new AppContext(PROC, Optional.empty())) {
            context.shell().stdinIsTerminal(() -> true);
            context.shell().inShell(true);
            assertEquals(ExitCodes.USAGE, CliRun.run(context, "--verbose").exitCode());
        }
    }

    @Test
    void completionRejectsAnUnknownShell() {
        CliRun r = CliRun.run(PROC, null, "completion", "fish");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().contains("fish"), r.err());
    }

    @Test
    void zshScriptIsTheBashScriptWithACompdefHeader() {
        CliRun bash = CliRun.run(PROC, null, "completion", "bash");
        CliRun zsh = CliRun.run(PROC, null, "completion", "zsh");
        assertTrue(zsh.out().startsWith("#compdef nstrace\n"), zsh.out());
        assertTrue(zsh.out().endsWith(bash.out()));
        assertTrue(bash.out().contains("bashcompinit"), "picocli's script loads bashcompinit under zsh");
    }

    /** The generated script, sourced by a real bash, completes subcommands and their arguments. */
    @Test
    void bashScriptCompletesInBash(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.run(PROC, null, "completion", "bash");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        Path script = Files.writeString(tmp.resolve("nstrace.bash"), r.out());
        assertEquals(List.of("completion"), bashComplete(script, "nstrace", "comp"));
        assertEquals(List.of("bash", "zsh"), bashComplete(script, "nstrace", "completion", ""));
        assertEquals(List.of("--help", "--history"), bashComplete(script, "nstrace", "shell", "--h"));
    }

    private static List<String> bashComplete(Path script, String... words) throws IOException, InterruptedException {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append(" '").append(w).append('\'');
        }
        String body = "source '" + script + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE=\"${COMP_WORDS[*]}\"; _complete_nstrace; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", body).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out.lines().filter(l -> !l.isEmpty()).sorted().toList();
    }
}
