package io.nstrace.cli;

import io.nstrace.Commands;
import io.nstrace.cli.context.AppContext;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Build step (exec-maven-plugin, process-test-classes, so the jar holds its output): writes picocli's rendering
 * of {@code nstrace --help} without colours, from the model the command line builds for it, to the file given
 * (target/classes/io/nstrace/cli/root-help.txt); {@link Cli#rootHelpOnly} prints it. {@code RootHelpTest}
 * checks the two stay equal.
 */
public final class RootHelpText {
    private RootHelpText() {
    }

    /** picocli's live rendering of {@code nstrace ARGS} (a root --help or -h) without colours, and its exit code. */
    static String live(String... args) {
        try (AppContext context = new AppContext(Path.of("/proc"), Optional.empty())) {
            StringWriter text = new StringWriter();
            PrintWriter out = new PrintWriter(text, true);
            PrintWriter err = new PrintWriter(new StringWriter(), true);
            CommandLine cmd = Commands.forArgs(context, out, err, args);
            cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
            int rc = cmd.execute(args);
            if (rc != 0) {
                throw new IllegalStateException("nstrace " + String.join(" ", args) + " exited " + rc);
            }
            out.flush();
            return text.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Files.createDirectories(file.getParent());
        Files.writeString(file, live("--help"), StandardCharsets.UTF_8);
    }
}
