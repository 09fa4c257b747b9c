package io.nstrace.format;

import java.util.Map;

/**
 * The events trace-cmd does not print with their print fmt but with libtraceevent plugins: sched_switch and
 * sched_wakeup(_new) as {@code comm:pid [prio]}, and the ftrace function/funcgraph entries.
 */
final class Plugins {
    private static final String STATES = "SDTtZXxW";

    private Plugins() {
    }

    static String render(EventFormat f, Map<String, Object> v) {
        String key = f.system() + ":" + f.name();
        try {
            return switch (key) {
                case "sched:sched_switch" -> task(v, "prev_") + " " + state(FmtExpr.num(v.get("prev_state")))
                        + " ==> " + task(v, "next_");
                case "sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_waking" -> task(v, "")
                        + (v.containsKey("success") ? " success=" + FmtExpr.num(v.get("success")) : "")
                        + String.format(" CPU:%03d", FmtExpr.num(v.get("target_cpu")));
                case "ftrace:function" -> "0x" + Long.toHexString(FmtExpr.num(v.get("ip")))
                        + " <-- 0x" + Long.toHexString(FmtExpr.num(v.get("parent_ip")));
                case "ftrace:funcgraph_entry" -> "func=0x" + Long.toHexString(FmtExpr.num(v.get("func")))
                        + " depth=" + FmtExpr.num(v.get("depth"));
                case "ftrace:funcgraph_exit" -> "func=0x" + Long.toHexString(FmtExpr.num(v.get("func")))
                        + " depth=" + FmtExpr.num(v.get("depth"));
                default -> null;
            };
        } catch (FmtExpr.Unsupported e) {
            return null;
        }
    }

    private static String task(Map<String, Object> v, String prefix) {
        return v.get(prefix + "comm") + ":" + FmtExpr.num(v.get(prefix + "pid")) + " ["
                + FmtExpr.num(v.get(prefix + "prio")) + "]";
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
