package io.nstrace.shell;

import io.nstrace.cli.context.AppContext;
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
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The completer called directly, as JLine calls it on TAB, over the real model plus test commands. */
class ShellCompleterTest {
    @TempDir
    Path tmp;
    private AppContext context;
    private ShellCompleter completer;
    private LineReader reader;
    private Terminal terminal;
    private final AtomicReference<List<String>> containers = new AtomicReference<>(List.of());

    @BeforeEach
    void setUp() throws IOException {
        Path tracefs = tmp.resolve("tracefs");
        Files.createDirectories(tracefs.resolve("events"));
        Files.writeString(tracefs.resolve("available_events"),
                "sched:sched_switch\nsched:sched_wakeup\nsyscalls:sys_enter_openat\nsignal:signal_generate\n");
        context = new AppContext(Path.of("/proc"), Optional.of(tracefs));
        context.shell().containerNames(containers::get);
        CommandLine cmd = TestCommands.model(context, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.createDirectories(work.resolve("traces"));
        Files.writeString(work.resolve("trace.dat"), "");
        Files.writeString(work.resolve("traces/web.dat"), "");
        completer = new ShellCompleter(cmd.getCommandSpec(), context, work, tmp);
        terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), StandardCharsets.UTF_8);
        reader = LineReaderBuilder.builder().terminal(terminal).build();
    }

    @AfterEach
    void tearDown() throws IOException {
        terminal.close();
        context.close();
    }

    private List<String> complete(String line) {
        Parser parser = new DefaultParser();
        List<Candidate> out = new ArrayList<>();
        completer.complete(reader, parser.parse(line, line.length(), Parser.ParseContext.COMPLETE), out);
        return out.stream().map(Candidate::value).toList();
    }

    /** What JLine would offer: the candidates that start with the word being completed. */
    private List<String> offered(String line) {
        String word = line.endsWith(" ") ? "" : line.substring(line.lastIndexOf(' ') + 1);
        return complete(line).stream().filter(v -> v.startsWith(word)).sorted().toList();
    }

    @Test
    void commandNamesAndShellWords() {
        List<String> all = complete("");
        assertTrue(all.containsAll(List.of("help", "shell", "completion", "attach", "exit", "quit")), all.toString());
        assertEquals(List.of("completion"), offered("comp"));
    }

    @Test
    void optionNamesOfTheSubcommand() {
        List<String> options = offered("shape -");
        assertTrue(options.containsAll(List.of("-e", "-o", "--format", "--help", "--proc", "--tracefs")),
                options.toString());
    }

    @Test
    void optionsOnlyOnceADashIsTyped() {
        assertEquals(List.of("bash", "zsh"), offered("completion "));
    }

    @Test
    void enumOptionValues() {
        assertEquals(List.of("dat", "json", "text"), offered("shape --format "));
    }

    @Test
    void containerNamesComeFreshFromTheSupplierOnEveryTab() {
        containers.set(List.of("web-1", "web-2", "db-7"));
        assertEquals(List.of("db-7"), offered("shape d"));
        assertEquals(List.of("web-1", "web-2"), offered("shape db-7 w"));
        containers.set(List.of("db-7", "cache"));
        assertEquals(List.of("cache"), offered("shape c"));
        assertEquals(List.of(), offered("shape w"));
    }

    @Test
    void eventSystemsAndNamesFromAvailableEvents() {
        assertEquals(List.of("sched:", "sched:sched_switch", "sched:sched_wakeup"), offered("shape -e sch"));
        assertEquals(List.of("sched:sched_switch", "sched:sched_wakeup"), offered("shape -e sched:"));
        List<Candidate> raw = new ArrayList<>();
        completer.complete(reader, new DefaultParser().parse("shape -e sig", 12, Parser.ParseContext.COMPLETE), raw);
        Candidate system = raw.stream().filter(c -> c.value().equals("signal:")).findFirst().orElseThrow();
        assertFalse(system.complete(), "a system gets no trailing space so TAB goes on to its events");
    }

    @Test
    void eventsAreEmptyWithoutTracefsRatherThanFailing() throws IOException {
        Files.delete(tmp.resolve("tracefs/available_events"));
        assertEquals(List.of(), offered("shape -e sch"));
    }

    @Test
    void filePathsForPathOptions() {
        assertEquals(List.of("trace.dat", "traces/"), offered("shape -o t"));
        assertEquals(List.of("traces/web.dat"), offered("shape -o traces/"));
        assertTrue(offered("--proc ").contains("traces/"), "a global Path option completes paths too");
    }

    @Test
    void completingALineWithGlobalOptionsLeavesTheContextAlone() {
        Path before = context.roots().proc();
        assertTrue(offered("--proc /elsewhere --verbose shape --f").contains("--format"));
        assertEquals(before, context.roots().proc(), "completion parses the line, which must not change the roots");
        assertFalse(context.roots().verbose());
    }

    @Test
    void subcommandsOfHelp() {
        assertTrue(offered("help a").contains("attach") && offered("help s").contains("shape"), offered("help a").toString());
    }

    @Test
    void theRealSessionCommandsCompleteContainersEventsPathsAndFormats() {
        containers.set(List.of("web-1", "web-2", "db-7"));
        assertEquals(List.of("db-7"), offered("attach d"));
        assertEquals(List.of("web-1", "web-2"), offered("attach --wait w"));
        assertEquals(List.of("sched:", "sched:sched_switch", "sched:sched_wakeup"), offered("attach web-1 -e sch"));
        assertEquals(List.of("sched:sched_switch", "sched:sched_wakeup"), offered("events sched:"));
        assertEquals(List.of("trace.dat", "traces/"), offered("dump -o t"));
        assertEquals(List.of("dat", "json", "perfetto", "profile", "summary", "text"), offered("dump --format "));
        assertTrue(offered("dump --f").containsAll(List.of("--follow", "--format")), offered("dump --f").toString());
        assertEquals(List.of(), offered("start "), "no sessions yet: nothing to offer");
    }
}
