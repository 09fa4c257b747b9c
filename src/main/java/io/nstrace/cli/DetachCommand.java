package io.nstrace.cli;

import io.nstrace.error.NstraceException;
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
        description = {"End sessions: tracing off, their tracefs instances and spooled traces removed (dump first).",
                "A session whose trace was not dumped is kept unless you confirm (on a terminal) or give --force."})
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

    @Option(names = {"-f", "--force"}, description = "Detach even a session whose trace was not dumped, without asking.")
    boolean force;

    @Override
    public Integer call() {
        SessionTable recordings = ShellSessions.of(parent, "detach");
        List<String> names = recordings.resolve(target.names, target.all);
        String warning = force ? null : recordings.pendingWarning(names);
        if (warning != null) {
            var ask = parent.shell().confirm();
            if (ask.isEmpty()) {
                throw NstraceException.user(warning + "; dump it first, or detach --force to drop it");
            }
            if (!ask.get().test(warning + "; detach anyway? [y/N] ")) {
                throw NstraceException.user("nothing detached (" + warning + ")");
            }
        }
        for (String name : names) {
            recordings.detach(name);
            spec.commandLine().getOut().println("detached " + name);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
