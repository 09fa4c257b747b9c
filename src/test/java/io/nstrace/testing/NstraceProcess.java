package io.nstrace.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * nstrace (or another main class of the test classpath) as a process of its own, on this JVM's java and class
 * path, with native access enabled: for what only a real process shows (signals, exit status, stdin, stderr).
 */
public final class NstraceProcess {
    private NstraceProcess() {
    }

    /** The command line of {@code nstrace ARGS}. */
    public static List<String> command(String... args) {
        return java("io.nstrace.Main", args);
    }

    /** The command line running {@code mainClass} with {@code args}. */
    public static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
