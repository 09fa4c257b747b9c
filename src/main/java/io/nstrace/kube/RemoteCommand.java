package io.nstrace.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines the client runs in an agent pod (its image's nstrace, found on PATH). A recording writes
 * trace.dat to stdout ({@code -o - --format dat}) and stops at {@code -d}, at a line on stdin (the client's stop)
 * or when stdin closes (the client gone).
 */
public final class RemoteCommand {
    private RemoteCommand() {
    }

    public static List<String> record(List<String> containerIds, Duration duration, List<String> events) {
        List<String> cmd = new ArrayList<>(List.of("nstrace", "record", "-o", "-", "--format", "dat",
                "--stop-on-stdin"));
        if (duration != null) {
            cmd.add("-d");
            cmd.add(duration.toMillis() + "ms");
        }
        for (String e : events) {
            cmd.add("-e");
            cmd.add(e);
        }
        cmd.addAll(containerIds);
        return List.copyOf(cmd);
    }

    /** What {@code nstrace kube uninstall} runs on each node before removing the agents. */
    public static List<String> resetAll() {
        return List.of("nstrace", "reset", "--all");
    }
}
