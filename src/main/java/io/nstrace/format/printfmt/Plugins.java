package io.nstrace.format.printfmt;

import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.Kallsyms;

import java.util.Map;

/**
 * The events trace-cmd does not print with their print fmt but with libtraceevent plugins: sched_switch and
 * sched_wakeup(_new) as {@code comm:pid [prio]}, and the ftrace function/funcgraph entries with kernel symbol names
 * ({@code vfs_read <-- ksys_read}; a graph entry as {@code vfs_read() {}, its exit as a closing brace with the
 * name in a C comment and the duration, both indented two spaces per depth).
 */
final class Plugins {
    private static final String STATES = "SDTtZXxW";

    private Plugins() {
    }

    static String render(EventFormat f, Map<String, Object> v, Kallsyms syms) {
        String key = f.system() + ":" + f.name();
        try {
            return switch (key) {
                case "sched:sched_switch" -> task(v, "prev_") + " " + state(PrintArgExpr.num(v.get("prev_state")))
                        + " ==> " + task(v, "next_");
                case "sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_waking" -> task(v, "")
                        + (v.containsKey("success") ? " success=" + PrintArgExpr.num(v.get("success")) : "")
                        + String.format(" CPU:%03d", PrintArgExpr.num(v.get("target_cpu")));
                case "ftrace:function" -> syms.nameOrHex(PrintArgExpr.num(v.get("ip"))) + " <-- "
                        + syms.nameOrHex(PrintArgExpr.num(v.get("parent_ip")));
                case "ftrace:funcgraph_entry" -> indent(v) + syms.nameOrHex(PrintArgExpr.num(v.get("func"))) + "() {";
                case "ftrace:funcgraph_exit" -> indent(v) + "} /* " + syms.nameOrHex(PrintArgExpr.num(v.get("func")))
                        + " */" + duration(v);
                default -> null;
            };
        } catch (PrintArgExpr.Unsupported e) {
            return null;
        }
    }

    /** Two spaces per call level, as the kernel's function_graph output indents. */
    private static String indent(Map<String, Object> v) {
        return "  ".repeat((int) Math.min(64, Math.max(0, PrintArgExpr.num(v.get("depth")))));
    }

    private static String duration(Map<String, Object> v) {
        if (!v.containsKey("calltime") || !v.containsKey("rettime")) {
            return "";
        }
        long ns = PrintArgExpr.num(v.get("rettime")) - PrintArgExpr.num(v.get("calltime"));
        return String.format(" %d.%03d us", ns / 1000, Math.abs(ns % 1000));
    }

    private static String task(Map<String, Object> v, String prefix) {
        return v.get(prefix + "comm") + ":" + PrintArgExpr.num(v.get(prefix + "pid")) + " ["
                + PrintArgExpr.num(v.get(prefix + "prio")) + "]";
    }

    static String state(long val) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < STATES.length(); i++) {
            if ((val & (1L << i)) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(STATES.charAt(i));
            }
        }
        return sb.isEmpty() ? "R" : sb.toString();
    }
}
