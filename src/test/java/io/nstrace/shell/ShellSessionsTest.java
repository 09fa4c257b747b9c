package io.nstrace.shell;

import io.nstrace.Commands;

import io.nstrace.cli.context.AppContext;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.testing.FixtureHost;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session commands in the shell (dumb terminal, scripted) and session-name completion, on a fixture host. */
@Timeout(60)
class ShellSessionsTest {
    @TempDir
    Path tmp;
    FixtureHost host;
    AppContext context;

    @BeforeEach
    void setUp() {
        host = FixtureHost.create(tmp);
        context = host.context();
        context.shell().inShell(false); // the shell sets it
    }

    @AfterEach
    void tearDown() {
        context.close();
    }

    record Run(int exitCode, String out, String err) {
    }

    private Run shell(String script) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8)) {
            PrintWriter errWriter = new PrintWriter(err, true);
            int rc = new TraceShell(context, () -> Commands.create(context, terminal.writer(), errWriter), terminal, false,
                    null).run();
            terminal.flush();
            return new Run(rc, out.toString(StandardCharsets.UTF_8).replace("\r", ""), err.toString());
        }
    }

    @Test
    void aScriptedSessionAttachesStartsStopsDumpsAndExitCleansUp() throws IOException {
        Path web = tmp.resolve("web.dat");
        Run attach = shell("attach --spool " + host.spool() + " web db\n");
        assertEquals(List.of("attached web (2 pids); 'start web' begins tracing",
                "attached db (1 pids); 'start db' begins tracing"), attach.out().lines().toList());
        host.feedPage(context.services().sessionTable().get("web").session().instance());
        host.feedPage(context.services().sessionTable().get("db").session().instance());
        Run r = shell("start --all\nstop db\nstart nope\nstop web\ndump web -o " + web + "\nstatus\nexit\n");
        assertEquals(List.of("nstrace start: no session 'nope'; sessions: web, db",
                "nstrace shell: 1 trace not dumped; exiting"), r.err().lines().toList(), "db's trace was not dumped");
        List<String> out = r.out().lines().toList();
        assertEquals(List.of("started web", "started db", "stopped db", "stopped web", "wrote " + web + " (dat)"), out.subList(0, 5));
        assertTrue(out.get(5).startsWith("NAME "), out.get(5));
        assertTrue(out.get(6).matches("web +web +stopped +26 .*"), out.get(6));
        assertTrue(out.get(7).matches("db +db +stopped\\* +26 .*"), out.get(7));
        assertEquals(1, r.exitCode(), "the failed start");
        assertEquals(2, host.instances().size(), "the shell leaves cleanup to its context, closed by Main");
        context.close();
        assertEquals(List.of(), host.instances(), "closing the context detached everything");
        assertEquals(1, TraceDatReader.read(web).buffers().size());
    }

    private List<String> complete(String line) throws IOException {
        ShellCompleter completer = new ShellCompleter(Commands.create(context, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())).getCommandSpec(), context, tmp, tmp);
        try (Terminal terminal = new DumbTerminal("t", Terminal.TYPE_DUMB, new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), StandardCharsets.UTF_8)) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
            List<Candidate> found = new ArrayList<>();
            completer.complete(reader, new DefaultParser().parse(line, line.length(), Parser.ParseContext.COMPLETE),
                    found);
            String word = line.endsWith(" ") ? "" : line.substring(line.lastIndexOf(' ') + 1);
            return found.stream().map(Candidate::value).filter(v -> v.startsWith(word)).sorted().toList();
        }
    }

    @Test
    void sessionNamesCompleteForStartStopDumpDetach() throws IOException {
        assertEquals(List.of("db", "web"), complete("attach "), "containers from a fresh discovery");
        assertEquals(List.of(), complete("start "));
        context.shell().inShell(true);
        context.services().sessionTable();
        assertEquals(0, Commands.create(context, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .execute("attach", "--spool", host.spool().toString(), "web", "db"));
        assertEquals(List.of("db", "web"), complete("start "));
        assertEquals(List.of("web"), complete("stop w"));
        assertEquals(List.of("db", "web"), complete("dump "));
        assertEquals(List.of("db"), complete("detach d"));
        assertEquals(List.of("db", "web"), complete("start web "), "several names");
        assertTrue(Files.isDirectory(host.spool()));
    }
}
