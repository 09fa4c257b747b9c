package io.nstrace.session;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the watcher's trace_pipe lines: the new PID of a sched_process_fork or sched_process_exec. */
final class WatchLine {
    private static final Pattern FORK = Pattern.compile("sched_process_fork: .* child_pid=(\\d+)\\s*$");
    private static final Pattern EXEC = Pattern.compile("sched_process_exec: .* pid=(\\d+) old_pid=\\d+\\s*$");

    private WatchLine() {
    }

    /** The forked child's TID, or the exec'ing PID; empty for any other line. */
    static OptionalInt newPid(String line) {
        Matcher m = FORK.matcher(line);
        if (m.find()) {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        m = EXEC.matcher(line);
        if (m.find()) {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        return OptionalInt.empty();
    }

    static boolean isExec(String line) {
        return line.contains("sched_process_exec: ");
    }
}
