package io.nstrace.cli;

import io.nstrace.session.Recordings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code stop [NAME...|--all]}: tracing off, the trace so far drained to the spool and kept for dump. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop tracing (the trace so far is kept for dump); with no name and one session, that one.")
public final class StopCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*", completionCandidates = SessionCandidates.class,
            description = "Sessions to stop (as 'status' names them).")
    List<String> names;

    @Option(names = "--all", description = "Every session.")
    boolean all;

    @Override
    public Integer call() {
        Recordings recordings = Sessions.of(parent.context(), "stop");
        for (String name : recordings.resolve(names, all)) {
            recordings.stop(name);
            spec.commandLine().getOut().println("stopped " + name);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
