package io.nstrace.session;

import io.nstrace.error.NstraceException;

import java.util.regex.Pattern;

/**
 * One function_graph option of a tracefs instance ({@code options/funcgraph-NAME}) and the value to give it,
 * written as trace-cmd's {@code -O} takes trace options: {@code retval} (or {@code funcgraph-retval}) sets it,
 * {@code noirqs} (or {@code nofuncgraph-irqs}) clears it.
 *
 * @param name the option without its {@code funcgraph-} prefix ({@code retval}, {@code irqs})
 * @param on   the value written: 1 or 0
 */
public record GraphOption(String name, boolean on) {
    public static final String PREFIX = "funcgraph-";
    private static final Pattern NAME = Pattern.compile("[a-z0-9_][a-z0-9_-]{0,63}");

    public GraphOption {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad graph option name: " + name);
        }
    }

    /** Parses {@code --graph-opt} words; a malformed one is a user error naming it. */
    public static GraphOption parse(String word) {
        String w = word.strip();
        boolean on = true;
        if (w.startsWith("no" + PREFIX)) {
            w = w.substring(2);
            on = false;
        }
        if (w.startsWith(PREFIX)) {
            w = w.substring(PREFIX.length());
        } else if (on && w.startsWith("no")) {
            w = w.substring(2);
            on = false;
        }
        if (!NAME.matcher(w).matches()) {
            throw NstraceException.user("bad graph option '" + word + "': give a funcgraph option's name, e.g. "
                    + "retval, or no<name> to clear it, e.g. noirqs");
        }
        return new GraphOption(w, on);
    }

    /** The instance file this option lives in. */
    public String file() {
        return "options/" + PREFIX + name;
    }

    @Override
    public String toString() {
        return (on ? "" : "no") + PREFIX + name;
    }
}
