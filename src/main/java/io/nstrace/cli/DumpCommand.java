package io.nstrace.cli;

import io.nstrace.cli.render.FollowPrinter;

import io.nstrace.error.NstraceException;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.session.Session;
import io.nstrace.session.SessionTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dump [NAME] [-o FILE] [--format F] [--follow]}: the trace so far; the sessions go on. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Write the trace recorded so far (a running session keeps running); stdout when no -o.",
                "Without NAME, every session that ran goes into one file, one buffer per container.",
                "--follow prints new events as they come until Ctrl-C, which keeps the session."})
public final class DumpCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", completionCandidates = SessionCandidates.class,
            description = "The session to dump (default: all).")
    String name;

    @Mixin
    OutputMixin output;

    @Option(names = "--follow", description = "Keep printing new events (text or json) until Ctrl-C.")
    boolean follow;

    @Override
    public Integer call() throws InterruptedException {
        SessionTable recordings = ShellSessions.of(parent, "dump");
        output.check(io.nstrace.error.ExitCodes.USAGE);
        List<String> names = ran(recordings);
        List<Session> chosen = names.stream().map(recordings::get).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (follow) {
            new FollowPrinter(chosen, followFormat(), out).run();
        } else {
            long written = output.write(Session.traceData(chosen), out, OutputFormat.text);
            if (output.file() != null) {
                out.printf("wrote %s (%s%s)%n", output.file(), output.format(OutputFormat.text),
                        written < 0 ? "" : ", " + written + " events");
            }
        }
        for (int i = 0; i < names.size(); i++) {
            recordings.dumped(names.get(i), chosen.get(i).events());
        }
        out.flush();
        return 0;
    }

    /** The sessions to dump: the one named, or every session that ran; refuses when none has anything. */
    private List<String> ran(SessionTable recordings) {
        if (name != null) {
            if (!recordings.started(name)) {
                throw NstraceException.user("session '" + name + "' has recorded nothing: 'start " + name + "' first");
            }
            return List.of(name);
        }
        List<String> out = new ArrayList<>();
        for (String n : recordings.resolve(List.of(), true)) {
            if (recordings.started(n)) {
                out.add(n);
            }
        }
        if (out.isEmpty()) {
            throw NstraceException.user("nothing recorded yet: 'start' a session first");
        }
        return out;
    }

    private OutputFormat followFormat() {
        if (output.file() != null) {
            throw NstraceException.user("--follow prints to the terminal; drop -o (dump without --follow writes files)");
        }
        OutputFormat f = output.format(OutputFormat.text);
        if (f != OutputFormat.text && f != OutputFormat.json) {
            throw NstraceException.user("--follow prints text or json, not " + f);
        }
        return f;
    }
}
