package io.nstrace.cli;

import io.nstrace.format.json.Json;
import io.nstrace.session.SessionTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code status [--json]}: one line per session. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show each session: container, state, events, lost events, bytes spooled, time traced, joiners.")
public final class StatusCommand implements Callable<Integer> {
    static final String FORMAT = "%-16s %-16s %-8s %12s %10s %12s %9s %7s%n";

    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One JSON array, an object per session.")
    boolean json;

    @Override
    public Integer call() {
        SessionTable recordings = ShellSessions.of(parent, "status");
        PrintWriter out = spec.commandLine().getOut();
        List<SessionTable.Status> all = recordings.status();
        if (json) {
            out.println(Json.write(all.stream().map(StatusCommand::toJson).toList()));
        } else if (all.isEmpty()) {
            out.println("no sessions; 'attach CONTAINER' starts one");
        } else {
            out.printf(FORMAT, "NAME", "CONTAINER", "STATE", "EVENTS", "LOST", "BYTES", "DURATION", "JOINERS");
            for (SessionTable.Status s : all) {
                out.printf(FORMAT, s.name(), s.container(), state(s), String.format("%,d", s.events()),
                        String.format("%,d", s.lost()), String.format("%,d", s.bytes()),
                        String.format("%.1fs", s.duration().toMillis() / 1000.0), s.joiners());
            }
            all.stream().filter(s -> s.failure() != null)
                    .forEach(s -> out.println(s.name() + " failed: " + s.failure()));
        }
        out.flush();
        return 0;
    }

    private static String state(SessionTable.Status s) {
        return stateName(s) + (s.dumped() ? "" : "*");
    }

    /** The session's state, {@code failed} once its spool stopped it. */
    private static String stateName(SessionTable.Status s) {
        return s.failure() != null ? "failed" : s.state().name().toLowerCase();
    }

    static Map<String, Object> toJson(SessionTable.Status s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("container", s.container());
        m.put("state", stateName(s));
        m.put("events", s.events());
        m.put("lost", s.lost());
        m.put("bytes", s.bytes());
        m.put("durationMs", s.duration().toMillis());
        m.put("joiners", s.joiners());
        m.put("dumped", s.dumped());
        m.put("failure", s.failure());
        return m;
    }
}
