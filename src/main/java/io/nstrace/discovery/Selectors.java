package io.nstrace.discovery;

import io.nstrace.error.NstraceException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks containers out of a snapshot, the way every command does. A selector is one of: an exact name; a full
 * id or a unique id prefix (at least 4 characters); {@code pid:<host pid>} (the container holding that PID);
 * {@code ns:<inode or namespace id>}; {@code <k8s-namespace>/<pod>[/<container>]}; or, where several containers
 * may be chosen, a shell glob ({@code web-*}, {@code db-?}, {@code [ab]*}). Unknown or ambiguous selectors are
 * user errors (exit 1) that list the candidates.
 */
public final class Selectors {
    private static final int MIN_PREFIX = 4;

    private Selectors() {
    }

    /** The containers chosen by {@code selectors}, in snapshot order, without duplicates. */
    public static List<Container> select(Snapshot snapshot, List<String> selectors, boolean many) {
        if (!many && selectors.size() != 1) {
            throw NstraceException.user("expected exactly one container, got " + selectors.size() + " selectors");
        }
        Set<Container> chosen = new LinkedHashSet<>();
        for (String s : selectors) {
            chosen.addAll(one(snapshot, s, many));
        }
        return List.copyOf(chosen);
    }

    /**
     * The containers of {@code all} that any selector matches (names, globs, id prefixes, pid:, ns:, pods), in
     * order, without duplicates; never fails for a selector that matches nothing (used while waiting for them).
     */
    public static List<Container> matching(List<Container> all, List<String> selectors) {
        Set<Container> chosen = new LinkedHashSet<>();
        for (String s : selectors) {
            chosen.addAll(match(all, s, true));
        }
        return all.stream().filter(chosen::contains).toList();
    }

    /** The one container {@code selector} names. */
    public static Container selectOne(Snapshot snapshot, String selector) {
        return select(snapshot, List.of(selector), false).getFirst();
    }

    private static List<Container> one(Snapshot snapshot, String s, boolean many) {
        List<Container> all = snapshot.containers();
        List<Container> hit = match(all, s, many);
        if (hit.isEmpty()) {
            throw NstraceException.user("no container matches '" + s + "'; containers: " + names(all));
        }
        if (hit.size() > 1 && !(many && isGlob(s))) {
            throw NstraceException.user("'" + s + "' is ambiguous: it matches " + names(hit));
        }
        return hit;
    }

    private static List<Container> match(List<Container> all, String s, boolean many) {
        if (s.startsWith("pid:")) {
            int pid = (int) number(s, 4);
            return all.stream().filter(c -> c.pids().contains(pid)).toList();
        }
        if (s.startsWith("ns:")) {
            long n = number(s, 3);
            return all.stream().filter(c -> c.pidnsInode() == n || (c.pidnsId() != null && c.pidnsId() == n)).toList();
        }
        List<Container> byName = all.stream().filter(c -> c.name().equals(s)).toList();
        if (!byName.isEmpty()) {
            return byName;
        }
        if (s.indexOf('/') > 0) {
            return byPod(all, s);
        }
        if (many && isGlob(s)) {
            return all.stream().filter(c -> glob(s, 0, c.name(), 0)).toList();
        }
        if (s.length() >= MIN_PREFIX) {
            return all.stream().filter(c -> c.id() != null && c.id().startsWith(s.toLowerCase())).toList();
        }
        return List.of();
    }

    private static List<Container> byPod(List<Container> all, String s) {
        String[] parts = s.split("/", -1);
        if (parts.length > 3) {
            return List.of();
        }
        List<Container> out = new ArrayList<>();
        for (Container c : all) {
            if (parts[0].equals(c.k8sNamespace()) && parts[1].equals(c.pod())
                    && (parts.length == 2 || c.name().equals(parts[2]) || c.name().startsWith(parts[2] + "-"))) {
                out.add(c);
            }
        }
        return out.size() > 1 && parts.length == 2
                ? out.stream().filter(c -> !c.name().endsWith("-sandbox")).toList() : out;
    }

    private static long number(String s, int from) {
        try {
            return Long.parseLong(s.substring(from));
        } catch (NumberFormatException e) {
            throw NstraceException.user("not a number in selector '" + s + "'");
        }
    }

    static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    /** Shell-style matching of {@code *}, {@code ?} and {@code [...]} classes (with {@code !} negation). */
    static boolean glob(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (glob(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length()) {
                return false;
            }
            if (c == '[') {
                int end = p.indexOf(']', pi + 2);
                if (end < 0) {
                    return false;
                }
                if (!inClass(p.substring(pi + 1, end), s.charAt(si))) {
                    return false;
                }
                pi = end + 1;
            } else if (c == '?' || c == s.charAt(si)) {
                pi++;
            } else {
                return false;
            }
            si++;
        }
        return si == s.length();
    }

    private static boolean inClass(String cls, char ch) {
        boolean negate = cls.startsWith("!") || cls.startsWith("^");
        String body = negate ? cls.substring(1) : cls;
        boolean in = false;
        for (int i = 0; i < body.length(); i++) {
            if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
                in |= ch >= body.charAt(i) && ch <= body.charAt(i + 2);
                i += 2;
            } else {
                in |= ch == body.charAt(i);
            }
        }
        return in != negate;
    }

    private static String names(List<Container> cs) {
        if (cs.isEmpty()) {
            return "(none)";
        }
        List<String> n = cs.stream().map(Container::name).limit(20).toList();
        return String.join(", ", n) + (cs.size() > 20 ? ", ... (" + cs.size() + " in all)" : "");
    }
}
