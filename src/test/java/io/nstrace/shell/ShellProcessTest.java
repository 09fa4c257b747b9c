package io.nstrace.shell;

import io.nstrace.testing.NstraceProcess;
import io.nstrace.error.ExitCodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real entry point in a child JVM with stdin piped: the scripted shell, as `printf ... | nstrace shell`. */
class ShellProcessTest {
    record Result(int exitCode, String out, String err) {
    }

    private static Result nstrace(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = NstraceProcess.command(args);
        Path err = Files.createTempFile("nstrace-shell-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "nstrace did not finish");
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void pipedScriptRunsWithoutPromptsErrorsOnStderr() throws Exception {
        Result r = nstrace("help completion\nfrobnicate\ncompletion bash\nexit\n", "shell");
        assertFalse(r.out().contains(TraceShell.PROMPT), r.out());
        assertTrue(r.out().startsWith("Usage: nstrace completion"), r.out());
        assertTrue(r.out().contains("complete -F _complete_nstrace"), "the command after the error ran");
        assertTrue(r.err().startsWith("nstrace: unmatched argument at index 0: 'frobnicate'"), r.err());
        assertFalse(r.out().contains("Unmatched"), "errors stay off stdout");
        assertEquals(ExitCodes.USAGE, r.exitCode(), "the last failure's status");
    }

    @Test
    void pipedScriptWithoutFailuresExitsZeroAtEndOfInput() throws Exception {
        Result r = nstrace("--proc /tmp help shell\n", "--verbose", "shell");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: nstrace shell"), r.out());
    }

    @Test
    void plainNstraceWithPipedStdinIsStillAUsageError() throws Exception {
        Result r = nstrace("help\n");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("nstrace: missing command"), r.err());
    }
}
