package io.nstrace.shell;

import io.nstrace.Commands;

import io.nstrace.error.NstraceException;
import io.nstrace.cli.context.AppContext;
import io.nstrace.cli.ContainerCandidates;
import io.nstrace.cli.EventCandidates;
import io.nstrace.cli.NstraceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Test-only commands plugged into the real model exactly as the session commands will be: plain picocli
 * subcommands of NstraceCommand, with no shell-specific code.
 */
final class TestCommands {
    private TestCommands() {
    }

    /** The real model with the test commands added. */
    static CommandLine model(AppContext context, PrintWriter out, PrintWriter err) {
        CommandLine cmd = Commands.create(context, out, err);
        cmd.addSubcommand(new CommandLine(new Echo(), cmd.getFactory()));
        cmd.addSubcommand(new CommandLine(new Fail(), cmd.getFactory()));
        cmd.addSubcommand(new CommandLine(new Block(), cmd.getFactory()));
        cmd.addSubcommand(new CommandLine(new Shape(), cmd.getFactory()));
        cmd.setOut(out); // reach the subcommands added after Cli.create, as the annotated ones are reached
        cmd.setErr(err);
        return cmd;
    }

    /** Prints its words and the roots in force. */
    @Command(name = "echo", mixinStandardHelpOptions = true, description = "Prints its arguments.")
    static final class Echo implements Callable<Integer> {
        @ParentCommand
        NstraceCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "0..*")
        List<String> words = List.of();

        @Override
        public Integer call() {
            AppContext c = parent.context();
            spec.commandLine().getOut().println("words=" + words + " proc=" + c.roots().proc() + " verbose=" + c.roots().verbose());
            return 0;
        }
    }

    @Command(name = "fail", mixinStandardHelpOptions = true, description = "Fails as a user error.")
    static final class Fail implements Callable<Integer> {
        @Override
        public Integer call() {
            throw NstraceException.user("no container matches 'nope'");
        }
    }

    /** Blocks until interrupted, like dump --follow; says so and returns normally. */
    @Command(name = "block", mixinStandardHelpOptions = true, description = "Waits until Ctrl-C.")
    static final class Block implements Callable<Integer> {
        static volatile CountDownLatch started = new CountDownLatch(1);
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return 0;
            } catch (InterruptedException e) {
                spec.commandLine().getOut().println("block stopped");
                return 0;
            }
        }
    }

    /** Every completion shape: positional containers, -e events, -o path, an enum. */
    @Command(name = "shape", mixinStandardHelpOptions = true, description = "Completion test command.")
    static final class Shape implements Callable<Integer> {
        enum Format { dat, text, json }

        @Parameters(arity = "0..*", completionCandidates = ContainerCandidates.class)
        List<String> selectors;
        @Option(names = "-e", completionCandidates = EventCandidates.class)
        List<String> events;
        @Option(names = "-o")
        Path output;
        @Option(names = "--format")
        Format format;

        @Override
        public Integer call() {
            return 0;
        }
    }
}
