package io.nstrace.cli;

import io.nstrace.session.SessionTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code start|stop [NAME...|--all]}: tracing on or off in attached sessions; with no name and one session, that
 * one. One command body, two verbs.
 */
public abstract sealed class TracingCommand implements Callable<Integer> permits TracingCommand.Start, TracingCommand.Stop {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    SessionNamesMixin sessions;

    private final String verb;
    private final String done;

    private TracingCommand(String verb, String done) {
        this.verb = verb;
        this.done = done;
    }

    abstract void apply(SessionTable table, String name);

    @Override
    public Integer call() {
        SessionTable table = ShellSessions.of(parent, verb);
        for (String name : sessions.resolve(table)) {
            apply(table, name);
            spec.commandLine().getOut().println(done + " " + name);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code start}: tracing on (or resumed). */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start (or resume) tracing in attached sessions; with no name and one session, that one.")
    public static final class Start extends TracingCommand {
        public Start() {
            super("start", "started");
        }

        @Override
        void apply(SessionTable table, String name) {
            table.start(name);
        }
    }

    /** {@code stop}: tracing off, the trace so far drained to the spool and kept for dump. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop tracing (the trace so far is kept for dump); with no name and one session, that one.")
    public static final class Stop extends TracingCommand {
        public Stop() {
            super("stop", "stopped");
        }

        @Override
        void apply(SessionTable table, String name) {
            table.stop(name);
        }
    }
}
