package io.nstrace.shell;

import io.nstrace.error.ExitCodes;
import io.nstrace.cli.context.AppContext;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shell on a dumb JLine terminal fed a script, over the real model plus test commands. */
@Timeout(30)
class TraceShellTest {
    @TempDir
    Path tmp;
    private final AppContext context = new AppContext(Path.of("/launched-proc"), Optional.empty());

    @AfterEach
    void close() {
        context.close();
    }

    record Run(int exitCode, String out, String err) {
    }

    private Run run(String script, boolean interactive) throws IOException {
        return run(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), interactive, null);
    }

    private Run run(InputStream in, boolean interactive, Path history) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8)) {
            PrintWriter errWriter = new PrintWriter(err, true);
            int rc = new TraceShell(context, () -> TestCommands.model(context, terminal.writer(), errWriter), terminal,
                    interactive, history).run();
            terminal.flush();
            return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString());
        }
    }

    @Test
    void scriptedLinesRunInOrderWithQuotesAndNoPrompt() throws IOException {
        Run r = run("echo 'web-*' \"a b\"\n\n# a comment\necho two\nexit\n", false);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("words=[web-*, a b] proc=/launched-proc verbose=false\n"
                + "words=[two] proc=/launched-proc verbose=false\n", r.out().replace("\r", ""));
        assertEquals("", r.err());
    }

    @Test
    void aFailingCommandPrintsOneLineAndTheShellGoesOn() throws IOException {
        Run r = run("fail\necho after\n", false);
        assertEquals(List.of("nstrace fail: no container matches 'nope'"), r.err().lines().toList());
        assertTrue(r.out().contains("words=[after]"), r.out());
        assertEquals(ExitCodes.USER, r.exitCode(), "end of input: the last failure's status");
    }

    @Test
    void usageErrorsToo() throws IOException {
        Run r = run("frobnicate\necho after\n", false);
        assertTrue(r.err().startsWith("nstrace: "), r.err());
        assertTrue(r.err().contains("frobnicate"), r.err());
        assertTrue(r.out().contains("words=[after]"), r.out());
        assertEquals(ExitCodes.USAGE, r.exitCode());
    }

    @Test
    void exitStatusRules() throws IOException {
        assertEquals(0, run("echo\n", false).exitCode(), "end of input, nothing failed");
        assertEquals(0, run("", false).exitCode(), "empty script");
        assertEquals(ExitCodes.USER, run("fail\necho ok\nexit\n", false).exitCode(), "exit keeps the last failure");
        assertEquals(7, run("fail\nexit 7\n", false).exitCode());
        assertEquals(0, run("quit\nfail\n", false).exitCode(), "nothing runs after quit");
        Run bad = run("exit soon\necho still here\n", false);
        assertTrue(bad.err().contains("expected no argument or a number, got 'soon'"), bad.err());
        assertTrue(bad.out().contains("words=[still, here]"), bad.out());
        assertEquals(ExitCodes.USAGE, bad.exitCode());
    }

    @Test
    void launchGlobalOptionsStayInForceAndLineOptionsLastOneLine() throws IOException {
        // as 'nstrace --proc /from-launch --verbose shell' does: picocli applies them to the context first
        TestCommands.model(context, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .execute("--proc", "/from-launch", "--verbose", "echo");
        Run r = run("echo a\n--proc /other-proc echo b\necho c\nfail\n", false);
        List<String> lines = r.out().replace("\r", "").lines().toList();
        assertEquals(List.of("words=[a] proc=/from-launch verbose=true",
                "words=[b] proc=/other-proc verbose=true",
                "words=[c] proc=/from-launch verbose=true"), lines);
        assertEquals("nstrace fail: no container matches 'nope'\n", r.err(), "--verbose changes nothing here");
    }

    @Test
    void helpListsCommandsAndHelpCmdAndDashDashHelpWork() throws IOException {
        Run r = run("help\nhelp echo\necho --help\n", false);
        String out = r.out();
        assertTrue(out.contains("Usage: nstrace"), out);
        assertTrue(out.contains("shell") && out.contains("completion") && out.contains("echo"), out);
        assertTrue(out.contains("exit [N] or quit"), out);
        assertEquals(2, out.split("Usage: nstrace echo", -1).length - 1, out);
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void aNestedShellIsRefused() throws IOException {
        Run r = run("shell\n", false);
        assertEquals("nstrace shell: already in the shell\n", r.err());
        assertFalse(context.shell().inShell(), "the flag is cleared when the shell ends");
    }

    @Test
    void interactivePromptAndPersistedHistory() throws IOException {
        Path history = tmp.resolve("history");
        Run r = run(new ByteArrayInputStream("echo one\necho two\nexit\n".getBytes()), true, history);
        assertTrue(r.out().startsWith(TraceShell.PROMPT), r.out());
        List<String> saved = Files.readAllLines(history);
        assertEquals(3, saved.size(), saved.toString());
        assertTrue(saved.get(0).endsWith("echo one") && saved.get(1).endsWith("echo two"), saved.toString());
        assertFalse(Files.exists(tmp.resolve("none")));
        run("echo x\n", false);
        assertEquals(3, Files.readAllLines(history).size(), "a script writes no history");
    }

    @Test
    void exitGuardAsksOnATerminal() throws IOException {
        context.shell().exitGuard(() -> "1 session holds a trace that was not dumped");
        Run no = run(new ByteArrayInputStream("exit\n\necho stayed\nexit\ny\n".getBytes()), true, null);
        assertTrue(no.out().contains("1 session holds a trace that was not dumped; exit anyway? [y/N] "), no.out());
        assertTrue(no.out().contains("words=[stayed]"), "an empty answer means no: " + no.out());
        assertEquals(0, no.exitCode());
        Run eof = run(new ByteArrayInputStream(new byte[0]), true, null);
        assertTrue(eof.out().contains("exit anyway? [y/N]"), "Ctrl-D asks too: " + eof.out());
    }

    @Test
    void exitGuardTellsAScriptAndExits() throws IOException {
        context.shell().exitGuard(() -> "2 sessions hold traces that were not dumped");
        Run r = run("exit\necho never\n", false);
        assertEquals("nstrace shell: 2 sessions hold traces that were not dumped; exiting\n", r.err());
        assertFalse(r.out().contains("never"), r.out());
        context.shell().exitGuard(() -> null);
        assertEquals("", run("exit\n", false).err(), "a null warning means nothing is pending");
    }

    @Test
    void ctrlCInterruptsARunningCommandAndReturnsToThePrompt() throws Exception {
        TestCommands.Block.started = new CountDownLatch(1);
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicInteger rc = new AtomicInteger(-1);
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8)) {
            TraceShell shell = new TraceShell(context,
                    () -> TestCommands.model(context, terminal.writer(), new PrintWriter(new StringWriter())),
                    terminal, true, null);
            Thread t = Thread.ofPlatform().start(() -> rc.set(shell.run()));
            keys.write("block\n".getBytes());
            keys.flush();
            assertTrue(TestCommands.Block.started.await(10, TimeUnit.SECONDS), "block did not start");
            terminal.raise(Terminal.Signal.INT);
            keys.write("echo back\nexit\n".getBytes());
            keys.flush();
            t.join(10_000);
            assertFalse(t.isAlive(), "the shell did not finish");
            terminal.flush();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("block stopped"), text);
        assertTrue(text.contains("words=[back]"), text);
        assertEquals(0, rc.get());
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
