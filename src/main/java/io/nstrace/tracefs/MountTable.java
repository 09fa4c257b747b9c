package io.nstrace.tracefs;

import java.nio.file.Path;
import java.util.Optional;

/** Parses {@code /proc/mounts} text for a tracefs (preferred) or a debugfs mount. */
final class MountTable {
    private MountTable() {
    }

    static Optional<Path> findTracing(String mounts) {
        Path debugfs = null;
        for (String line : mounts.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            String dir = unescape(f[1]);
            if (f[2].equals("tracefs")) {
                return Optional.of(Path.of(dir));
            }
            if (f[2].equals("debugfs") && debugfs == null) {
                debugfs = Path.of(dir, "tracing");
            }
        }
        return Optional.ofNullable(debugfs);
    }

    /** The kernel writes space, tab, newline and backslash in mount points as octal escapes. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
