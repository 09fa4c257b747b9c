package io.nstrace.cli;

import io.nstrace.session.SessionTable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code detach NAME...|--all}: removes sessions, their instances and spooled traces. */
@Command(name = "detach", mixinStandardHelpOptions = true,
        description = "End sessions: tracing off, their tracefs instances and spooled traces removed (dump first).")
public final class DetachCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(paramLabel = "NAME", arity = "1..*", completionCandidates = SessionCandidates.class,
                description = "Sessions to detach.")
        List<String> names;

        @Option(names = "--all", required = true, description = "Every session.")
        boolean all;
    }

    @Override
    public Integer call() {
        SessionTable recordings = ShellSessions.of(parent, "detach");
        for (String name : recordings.resolve(target.names, target.all)) {
            recordings.detach(name);
            spec.commandLine().getOut().println("detached " + name);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
