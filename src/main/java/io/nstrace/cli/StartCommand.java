package io.nstrace.cli;

import io.nstrace.session.SessionTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code start [NAME...|--all]}: tracing on; with no name and one session, that one. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start (or resume) tracing in attached sessions; with no name and one session, that one.")
public final class StartCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    SessionNamesMixin sessions;

    @Override
    public Integer call() {
        SessionTable recordings = ShellSessions.of(parent.context(), "start");
        for (String name : sessions.resolve(recordings)) {
            recordings.start(name);
            spec.commandLine().getOut().println("started " + name);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
