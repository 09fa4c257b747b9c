package io.nstrace.discovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parsers for the procfs files discovery reads, working on raw bytes (the scan's reused buffers) without
 * regexes or intermediate strings. Pure: unit-tested on literal file contents.
 */
public final class ProcFileParser {
    private static final byte[] NSPID = "NSpid:".getBytes(StandardCharsets.US_ASCII);

    private ProcFileParser() {
    }

    /** The fields of /proc/PID/stat discovery needs. */
    public record Stat(int pid, String comm, int ppid, int threads, long startTime) {
    }

    /**
     * Parses /proc/PID/stat: {@code pid (comm) state ppid ... num_threads(20) ... starttime(22)}. The comm may
     * hold spaces and parentheses, so fields are counted from the last ')'. Null when malformed.
     */
    public static Stat parseStat(byte[] b, int len) {
        int open = indexOf(b, 0, len, (byte) '(');
        int close = lastIndexOf(b, len, (byte) ')');
        if (open < 1 || close < open) {
            return null;
        }
        int pid = (int) parseLong(b, 0, open - 1);
        String comm = new String(b, open + 1, close - open - 1, StandardCharsets.UTF_8);
        int ppid = -1;
        int threads = 1;
        long start = -1;
        int field = 3; // the state, right after ") "
        int i = close + 2;
        while (i < len && field <= 22) {
            int end = i;
            while (end < len && b[end] != ' ' && b[end] != '\n') {
                end++;
            }
            switch (field) {
                case 4 -> ppid = (int) parseLong(b, i, end);
                case 20 -> threads = (int) parseLong(b, i, end);
                case 22 -> start = parseLong(b, i, end);
                default -> { }
            }
            field++;
            i = end + 1;
        }
        return start < 0 || ppid < 0 ? null : new Stat(pid, comm, ppid, threads, start);
    }

    /** The NSpid chain of /proc/PID/status (host PID first), or an empty list when the line is missing. */
    public static List<Integer> parseNsPid(byte[] b, int len) {
        int at = findLine(b, len, NSPID);
        if (at < 0) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>(3);
        int i = at + NSPID.length;
        while (i < len && b[i] != '\n') {
            while (i < len && (b[i] == '\t' || b[i] == ' ')) {
                i++;
            }
            int start = i;
            while (i < len && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == start) {
                break;
            }
            out.add((int) parseLong(b, start, i));
        }
        return out;
    }

    /** String form of {@link #parseNsPid(byte[], int)}, for callers holding the text. */
    public static List<Integer> parseNsPid(String status) {
        byte[] b = status.getBytes(StandardCharsets.UTF_8);
        return parseNsPid(b, b.length);
    }

    /** String form of {@link #parseStat(byte[], int)}. */
    public static Stat parseStat(String stat) {
        byte[] b = stat.getBytes(StandardCharsets.UTF_8);
        return parseStat(b, b.length);
    }

    /** /proc/PID/cmdline: NUL-separated arguments joined by spaces; empty for kernel threads and zombies. */
    public static String parseCmdline(byte[] b, int len) {
        int end = len;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        if (end == 0) {
            return "";
        }
        byte[] copy = new byte[end];
        for (int i = 0; i < end; i++) {
            copy[i] = b[i] == 0 ? (byte) ' ' : b[i];
        }
        return new String(copy, StandardCharsets.UTF_8);
    }

    /** The inode in an ns link target {@code pid:[4026531836]}, or -1 when it is not one. */
    public static long parseNsLink(byte[] b, int len) {
        int open = indexOf(b, 0, len, (byte) '[');
        if (open < 0 || len < open + 2 || b[len - 1] != ']') {
            return -1;
        }
        return parseLong(b, open + 1, len - 1);
    }

    private static int findLine(byte[] b, int len, byte[] key) {
        int i = 0;
        while (i < len) {
            if (startsWith(b, i, len, key)) {
                return i;
            }
            int nl = indexOf(b, i, len, (byte) '\n');
            if (nl < 0) {
                return -1;
            }
            i = nl + 1;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, int len, byte[] key) {
        if (at + key.length > len) {
            return false;
        }
        for (int k = 0; k < key.length; k++) {
            if (b[at + k] != key[k]) {
                return false;
            }
        }
        return true;
    }

    static long parseLong(byte[] b, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int indexOf(byte[] b, int from, int len, byte c) {
        for (int i = from; i < len; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, int len, byte c) {
        for (int i = len - 1; i >= 0; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
