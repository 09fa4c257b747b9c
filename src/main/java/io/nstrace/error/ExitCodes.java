package io.nstrace.error;

/** The process exit codes every nstrace command uses; picocli's usage errors already map to {@link #USAGE}. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The user asked for something that does not exist or is not valid (unknown container, bad event). */
    public static final int USER = 1;
    /** Command-line usage error. */
    public static final int USAGE = 2;
    /** The environment cannot do it: not root, no tracefs, the kernel lacks a feature or refuses it. */
    public static final int ENVIRONMENT = 3;
    /** A bug in nstrace. */
    public static final int INTERNAL = 4;

    /** {@code nstrace run}: the command ran longer than {@code --timeout} and was killed (as timeout(1)). */
    public static final int RUN_TIMEOUT = 124;
    /** {@code nstrace run}: nstrace itself failed, before or while running the command (as docker run). */
    public static final int RUN_FAILED = 125;
    /** {@code nstrace run}: the command was found but cannot be executed (as a shell). */
    public static final int RUN_NOT_EXECUTABLE = 126;
    /** {@code nstrace run}: the command was not found (as a shell). */
    public static final int RUN_NOT_FOUND = 127;

    /** {@code nstrace diff}: a {@code --fail-on} rule fired (the CI gate failed). */
    public static final int GATE_FAILED = 1;

    private ExitCodes() {
    }
}
