package io.nstrace.session;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Names of the tracefs instances nstrace creates: {@code nstrace-<sanitised container>-<unique>}. Only
 * [A-Za-z0-9_.-] survive, the container part is bounded, and the name never starts with a dot, so a hostile
 * container name can never reach another path.
 */
public final class InstanceNames {
    public static final String PREFIX = "nstrace-";
    public static final String WATCH_PREFIX = "nstrace-watch-";
    static final int MAX_CONTAINER_PART = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private InstanceNames() {
    }

    /** Keeps [A-Za-z0-9_.-], maps everything else to '_', bounds the length; never empty, never dot-led. */
    public static String sanitise(String containerName) {
        StringBuilder out = new StringBuilder();
        String name = containerName == null ? "" : containerName;
        for (int i = 0; i < name.length() && out.length() < MAX_CONTAINER_PART; i++) {
            char c = name.charAt(i);
            boolean safe = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-');
            out.append(safe ? c : '_');
        }
        while (!out.isEmpty() && out.charAt(0) == '.') {
            out.setCharAt(0, '_');
        }
        return out.isEmpty() ? "container" : out.toString();
    }

    public static String forContainer(String containerName) {
        return PREFIX + sanitise(containerName) + "-" + unique();
    }

    public static String forWatcher() {
        return WATCH_PREFIX + unique();
    }

    /** The owner's PID and 8 random hex digits: unique across concurrent nstrace processes. */
    static String unique() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(b);
    }

    public static boolean isNstrace(String instanceName) {
        return instanceName.startsWith(PREFIX);
    }
}
