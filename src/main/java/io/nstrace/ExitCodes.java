package io.nstrace;

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

    private ExitCodes() {
    }
}
