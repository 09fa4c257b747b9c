package io.nstrace.cli;

import io.nstrace.session.SessionTable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code [NAME...|--all]} of start and stop: with no name and one session, that one. */
public final class SessionNamesMixin {
    @Parameters(paramLabel = "NAME", arity = "0..*", completionCandidates = SessionCandidates.class,
            description = "Sessions (as 'status' names them).")
    List<String> names;

    @Option(names = "--all", description = "Every session.")
    boolean all;

    /** The sessions these words name (errors list the candidates). */
    List<String> resolve(SessionTable recordings) {
        return recordings.resolve(names, all);
    }
}
