package io.nstrace.shell;

import io.nstrace.cli.context.AppContext;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * For checking the shell by hand on a real terminal (tmux): the real model plus the test commands
 * (shape with container/event/path completion, block for Ctrl-C), fixed container names and a status line.
 * Run with the test classpath: {@code java -cp target/classes:target/test-classes:<deps> io.nstrace.shell.ManualShell}.
 */
final class ManualShell {
    private ManualShell() {
    }

    public static void main(String[] args) throws IOException {
        try (AppContext context = new AppContext(Path.of("/proc"), Optional.empty());
             Terminal terminal = TerminalBuilder.builder().system(true).nativeSignals(true).build()) {
            context.shell().containerNames(() -> List.of("db-7", "web-1", "web-2"));
            context.shell().statusSource(() -> List.of("web-1  running  " + System.currentTimeMillis() / 1000 % 1000
                    + " ev/s  lost 0"));
            context.shell().exitGuard(() -> "1 session holds a trace that was not dumped");
            Path history = Path.of(args.length > 0 ? args[0] : "/tmp/nstrace-manual-history");
            System.exit(new TraceShell(context, () -> TestCommands.model(context, terminal.writer(),
                    terminal.writer()), terminal, true, history).run());
        }
    }
}
