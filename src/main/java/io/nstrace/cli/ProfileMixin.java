package io.nstrace.cli;

import io.nstrace.error.NstraceException;
import io.nstrace.format.TraceData;
import io.nstrace.format.profile.ProfileOutput;
import io.nstrace.format.profile.ProfileWriter;
import io.nstrace.format.profile.TraceProfile;
import io.nstrace.session.SessionOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code --profile FILE} of record and run: the trace's latency profile (see {@link TraceProfile}) written next
 * to the trace, and the events it needs added to the session's when {@code -e} does not name them.
 */
public final class ProfileMixin {
    @Option(names = "--profile", paramLabel = "FILE", description = {"Write the latency profile here (per container "
            + "and task: syscall and scheduling latency, off-CPU time, CPU time): JSON for a .json name, text for "
            + ".txt, else Markdown appended to the file (e.g. $GITHUB_STEP_SUMMARY).",
            "Adds the events a profile needs (sched_switch, sched_waking/wakeup, raw_syscalls, process events) "
                    + "to -e's and says so."})
    Path file;

    /** Fails with {@code exitCode} naming the file unless it can be written (before tracing). */
    public void check(int exitCode) {
        if (file != null) {
            OutputFiles.require(file, exitCode);
        }
    }

    /**
     * {@code o} with the profile's events added where its specs do not cover them, when --profile is given or
     * the trace itself is written as a profile ({@code formatIsProfile}); one line on {@code err} names what was
     * added ({@code who} is the command, e.g. "nstrace record").
     */
    public SessionOptions withEvents(SessionOptions o, boolean formatIsProfile, PrintWriter err, String who) {
        if (file == null && !formatIsProfile) {
            return o;
        }
        List<String> specs = new ArrayList<>(o.events().isEmpty() ? SessionOptions.DEFAULT_EVENTS : o.events());
        List<String> added = missing(specs);
        if (added.isEmpty()) {
            return o;
        }
        specs.addAll(added);
        err.println(who + ": " + (file != null ? "--profile" : "--format profile") + " adds events: " + String.join(", ", added));
        err.flush();
        return o.withEvents(specs);
    }

    /** The profile's events that no spec covers (a spec is system:event, a system, or a glob of either). */
    static List<String> missing(List<String> specs) {
        List<Pattern> covers = specs.stream().map(ProfileMixin::glob).toList();
        return TraceProfile.EVENTS.stream().filter(ev -> covers.stream().noneMatch(p -> p.matcher(ev).matches()))
                .toList();
    }

    private static Pattern glob(String spec) {
        String full = spec.contains(":") ? spec : spec + ":*";
        StringBuilder re = new StringBuilder();
        for (char c : full.toCharArray()) {
            re.append(switch (c) {
                case '*' -> "[^:]*";
                case '?' -> "[^:]";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(re.toString());
    }

    /** Writes the profile of {@code data}; {@code trace} names the trace file (or is null). */
    public void write(TraceData data, Path trace) {
        if (file == null) {
            return;
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ProfileWriter.Rendering how = n.endsWith(".json") ? ProfileWriter.Rendering.json
                : n.endsWith(".txt") ? ProfileWriter.Rendering.text : ProfileWriter.Rendering.markdown;
        try (OutputStream os = how == ProfileWriter.Rendering.markdown ? OutputFiles.append(file)
                : OutputFiles.open(file)) {
            ProfileOutput.write(data, how, os, null, trace == null ? null : trace.toString());
        } catch (IOException e) {
            throw NstraceException.user("cannot write " + file + ": " + OutputFiles.reason(e));
        }
    }
}
