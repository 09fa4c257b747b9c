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

    private static final Pattern STAMP = Pattern.compile("\\s(\\d+)\\.(\\d{6,9}): sched_process_");

    /** The event's timestamp in nanoseconds (with trace_clock mono: CLOCK_MONOTONIC, as System.nanoTime). */
    static java.util.OptionalLong timestampNanos(String line) {
        Matcher m = STAMP.matcher(line);
        if (!m.find()) {
            return java.util.OptionalLong.empty();
        }
        String frac = (m.group(2) + "000000000").substring(0, 9);
        return java.util.OptionalLong.of(Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong(frac));
    }

    static boolean isExec(String line) {
        return line.contains("sched_process_exec: ");
    }
}
