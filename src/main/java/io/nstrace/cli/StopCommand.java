package io.nstrace.cli;

import io.nstrace.session.SessionTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code stop [NAME...|--all]}: tracing off, the trace so far drained to the spool and kept for dump. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop tracing (the trace so far is kept for dump); with no name and one session, that one.")
public final class StopCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    SessionNamesMixin sessions;

    @Override
    public Integer call() {
        SessionTable recordings = ShellSessions.of(parent.context(), "stop");
        for (String name : sessions.resolve(recordings)) {
            recordings.stop(name);
            spec.commandLine().getOut().println("stopped " + name);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
