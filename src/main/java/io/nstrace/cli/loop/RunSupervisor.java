package io.nstrace.cli.loop;

import io.nstrace.error.ExitCodes;
import io.nstrace.session.TracedRun;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Waits for a traced run's command: until it ends, or {@code --timeout} (SIGTERM, then SIGKILL after the grace
 * period; exit 124). An interrupt (Ctrl-C in the shell) is forwarded to the command as SIGINT.
 */
public final class RunSupervisor {
    private static final int SIGINT = 2;
    private static final int SIGTERM = 15;

    /** How the command ended: nstrace's exit status and the words for it. */
    public record Outcome(int status, String reason, boolean timedOut) {
    }

    private final TracedRun run;
    private final Duration timeout;
    private final Duration killAfter;

    public RunSupervisor(TracedRun run, Duration timeout, Duration killAfter) {
        this.run = run;
        this.timeout = timeout;
        this.killAfter = killAfter;
    }

    public Outcome await() {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        OptionalInt status = waitUntil(deadline);
        if (status.isPresent()) {
            return ended(status.getAsInt());
        }
        run.command().signal(SIGTERM);
        status = waitUntil(System.nanoTime() + killAfter.toNanos());
        if (status.isEmpty()) {
            run.command().kill();
            waitUntil(System.nanoTime() + Duration.ofSeconds(10).toNanos());
        }
        return new Outcome(ExitCodes.RUN_TIMEOUT, "timed out after " + format(timeout)
                + (status.isEmpty() ? " (killed with SIGKILL)" : " (stopped with SIGTERM)"), true);
    }

    private OptionalInt waitUntil(long deadline) {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return OptionalInt.empty();
            }
            try {
                return run.waitFor(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                run.command().signal(SIGINT);
            }
        }
    }

    public static Outcome ended(int status) {
        return status > 128 && status < 128 + 65
                ? new Outcome(status, "was killed by signal " + (status - 128), false)
                : new Outcome(status, "exited", false);
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
