package io.nstrace.format.printfmt;

import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.Kallsyms;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders an event the way {@code trace-cmd report} does: by evaluating the format's print fmt (C printf format
 * plus argument expressions), with trace-cmd's own layout for the events its plugins format (sched_switch,
 * sched_wakeup). When the fmt cannot be evaluated the fields are printed as {@code name=value} pairs.
 */
public final class PrintFmtRenderer {
    private PrintFmtRenderer() {
    }

    public static String render(EventFormat format, Map<String, Object> values) {
        return render(format, values, Kallsyms.EMPTY);
    }

    /** As {@link #render(EventFormat, Map)}, naming function-tracer addresses with {@code symbols}. */
    public static String render(EventFormat format, Map<String, Object> values, Kallsyms symbols) {
        String special = Plugins.render(format, values, symbols);
        if (special != null) {
            return special;
        }
        try {
            return evaluate(format.printFmt(), values);
        } catch (PrintArgExpr.Unsupported | IllegalArgumentException | ClassCastException e) {
            return pairs(values);
        }
    }

    /** {@code name=value} for every non-common field, in format order. */
    public static String pairs(Map<String, Object> values) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getKey().startsWith("common_")) {
                continue;
            }
            sb.append(sb.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(plain(e.getValue()));
        }
        return sb.toString();
    }

    static String plain(Object v) {
        if (v instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : list) {
                sb.append(sb.length() == 1 ? "" : ",").append(o);
            }
            return sb.append(']').toString();
        }
        return String.valueOf(v);
    }

    static String evaluate(String printFmt, Map<String, Object> values) {
        String s = printFmt.strip();
        if (!s.startsWith("\"")) {
            throw new PrintArgExpr.Unsupported("no format string");
        }
        int end = 1;
        while (end < s.length() && s.charAt(end) != '"') {
            end += s.charAt(end) == '\\' ? 2 : 1;
        }
        String fmt = unescape(s.substring(1, end));
        List<String> args = splitArgs(s.substring(Math.min(end + 1, s.length())));
        List<Object> evaluated = new ArrayList<>();
        for (String a : args) {
            evaluated.add(PrintArgExpr.eval(a, values));
        }
        return CPrintf.format(fmt, evaluated);
    }

    static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** The comma-separated arguments after the format string (leading comma included in {@code rest}). */
    static List<String> splitArgs(String rest) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (quoted) {
                cur.append(c);
                if (c == '\\' && i + 1 < rest.length()) {
                    cur.append(rest.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    cur.append(c);
                }
                case '(', '{', '[' -> {
                    depth++;
                    cur.append(c);
                }
                case ')', '}', ']' -> {
                    depth--;
                    cur.append(c);
                }
                case ',' -> {
                    if (depth == 0) {
                        if (!cur.toString().isBlank()) {
                            out.add(cur.toString().strip());
                        }
                        cur.setLength(0);
                    } else {
                        cur.append(c);
                    }
                }
                default -> cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }

    static long toLong(Object v) {
        return v instanceof BigInteger b ? b.longValue() : PrintArgExpr.num(v);
    }
}
