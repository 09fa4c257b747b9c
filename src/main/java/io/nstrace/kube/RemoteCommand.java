package io.nstrace.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines the client runs in an agent pod. The image has no shell, so no {@code /usr/bin/nstrace}
 * script: nstrace there is its entrypoint, the packaged launcher's java command line ({@link #NSTRACE}, the same
 * as packaging/nstrace.sh runs; scripts/package checks those two agree, the Docker agent test that the image's
 * entrypoint is this). A recording writes trace.dat to stdout ({@code -o - --format dat}) and stops at {@code -d},
 * at a line on stdin (the client's stop) or when stdin closes (the client gone).
 */
public final class RemoteCommand {
    private static final String LIB = "/usr/lib/nstrace";
    /** nstrace in the agent image: its entrypoint. */
    public static final List<String> NSTRACE = List.of(LIB + "/runtime/bin/java", "@" + LIB + "/jvm.args",
            "-XX:AOTCache=" + LIB + "/nstrace.aot", "-Xlog:aot=off", "-Xlog:cds=off", "-jar", LIB + "/nstrace.jar");

    private RemoteCommand() {
    }

    public static List<String> record(List<String> containerIds, Duration duration, List<String> events) {
        List<String> cmd = new ArrayList<>(NSTRACE);
        cmd.addAll(List.of("record", "-o", "-", "--format", "dat", "--stop-on-stdin"));
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
        List<String> cmd = new ArrayList<>(NSTRACE);
        cmd.addAll(List.of("reset", "--all"));
        return List.copyOf(cmd);
    }
}
