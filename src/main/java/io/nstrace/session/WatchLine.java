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

    private static final Pattern FORK_PAIR = Pattern.compile("sched_process_fork: .* pid=(\\d+) child_comm=.* child_pid=(\\d+)\\s*$");
    /** syscalls:sys_exit_{clone,clone3,fork,vfork} as trace_pipe prints them: {@code sys_clone -> 0x691a}. */
    private static final Pattern CLONE_EXIT = Pattern.compile("-(\\d+)\\s+(?:\\(.{7}\\)\\s+)?\\[\\d+\\][^:]*: sys_(?:clone3?|v?fork) -> 0x([0-9a-f]+)\\s*$");
    private static final Pattern EXEC_PAIR = Pattern.compile("sched_process_exec: .* pid=(\\d+) old_pid=(\\d+)\\s*$");

    /** A fork: {@code [parent, child]} (host TIDs); null for any other line. */
    static int[] fork(String line) {
        Matcher m = FORK_PAIR.matcher(line);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    /**
     * A return from clone/clone3/fork/vfork: {@code [task, value]}, the value being the new task's PID in the
     * caller's namespace (0 in the child, negative on failure); null for any other line.
     */
    static long[] cloneReturn(String line) {
        if (!line.contains(" -> 0x")) {
            return null;
        }
        Matcher m = CLONE_EXIT.matcher(line);
        // the return value is printed as an unsigned hex word: an error (-ERRNO) comes out negative again
        return m.find() ? new long[] {Long.parseLong(m.group(1)), Long.parseUnsignedLong(m.group(2), 16)} : null;
    }

    /** An exec: {@code [pid, old_pid]} (they differ when a thread other than the leader exec'd); null otherwise. */
    static int[] exec(String line) {
        Matcher m = EXEC_PAIR.matcher(line);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    static boolean isExec(String line) {
        return line.contains("sched_process_exec: ");
    }
}
