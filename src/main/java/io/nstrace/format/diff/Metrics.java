package io.nstrace.format.diff;

import io.nstrace.format.json.Json;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one summary or profile JSON document (what {@code run}, {@code record} and {@code report} write)
 * as flat metrics per container: {@code events}, {@code events.TYPE}, {@code execs}, {@code lost},
 * {@code syscalls.NAME.count}, and from profiles also {@code syscalls.NAME.(total|p50|p90|p99|max)},
 * {@code sched.latency.(count|total|p50|p90|p99|max)}, {@code sched.(switches|preempted|migrations)},
 * {@code offcpu.STATE}, {@code offcpu.total} and {@code cpu}. Durations are nanoseconds.
 *
 * @param kind       "summary" or "profile"
 * @param containers metric name to value, per container name
 */
public record Metrics(String kind, Map<String, Map<String, Double>> containers) {
    private static final List<String> FIGURES = List.of("count", "total", "p50", "p90", "p99", "max");

    /** Reads {@code text} (one JSON object); {@code name} names it in errors. */
    public static Metrics parse(String text, String name) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a JSON summary or profile (" + e.getMessage() + ")");
        }
        if (!(root.get("containers") instanceof List<?> list)) {
            throw new IllegalArgumentException(name + " is not a summary or profile: no \"containers\" list "
                    + "(write one with --summary-json, --profile FILE.json or report --format profile -o FILE.json)");
        }
        boolean profile = root.containsKey("profile");
        Map<String, Map<String, Double>> out = new TreeMap<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> c && c.get("name") instanceof String cname) {
                Map<String, Double> m = new TreeMap<>();
                container(c, m);
                if (profile) {
                    profile(c, m);
                }
                out.put(cname, m);
            }
        }
        return new Metrics(profile ? "profile" : "summary", out);
    }

    private static void container(Map<?, ?> c, Map<String, Double> m) {
        put(m, "events", c.get("events"));
        put(m, "lost", c.get("lost"));
        if (c.get("events_by_type") instanceof Map<?, ?> types) {
            types.forEach((k, v) -> put(m, "events." + k, v));
            m.put("execs", num(types.get("sched:sched_process_exec")));
        }
        if (c.get("syscalls") instanceof Map<?, ?> calls) {
            calls.forEach((k, v) -> put(m, "syscalls." + k + ".count", v instanceof Map<?, ?> f ? f.get("count") : v));
        } else if (c.get("top_syscalls") instanceof List<?> top) { // summaries written before "syscalls"
            for (Object t : top) {
                if (t instanceof Map<?, ?> x) {
                    put(m, "syscalls." + x.get("name") + ".count", x.get("count"));
                }
            }
        }
    }

    private static void profile(Map<?, ?> c, Map<String, Double> m) {
        put(m, "execs", c.get("execs"));
        put(m, "cpu", Json.at(c, "cpu_ns", "total"));
        put(m, "sched.switches", c.get("switches"));
        put(m, "sched.preempted", c.get("preempted"));
        put(m, "sched.migrations", c.get("migrations"));
        if (c.get("sched_latency") instanceof Map<?, ?> f) {
            figures(m, "sched.latency", f);
        }
        if (c.get("syscalls") instanceof Map<?, ?> calls) {
            calls.forEach((k, v) -> {
                if (v instanceof Map<?, ?> f) {
                    figures(m, "syscalls." + k, f);
                }
            });
        }
        double off = 0;
        if (c.get("off_cpu") instanceof Map<?, ?> states) {
            for (Map.Entry<?, ?> e : states.entrySet()) {
                double ns = num(Json.at(e.getValue(), "total_ns"));
                m.put("offcpu." + e.getKey(), ns);
                off += ns;
            }
        }
        m.put("offcpu.total", off);
    }

    private static void figures(Map<String, Double> m, String prefix, Map<?, ?> f) {
        for (String k : FIGURES) {
            Object v = f.get(k.equals("count") ? "count" : k + "_ns");
            if (v != null) {
                m.put(prefix + "." + k, num(v));
            }
        }
    }

    private static void put(Map<String, Double> m, String key, Object v) {
        if (v instanceof Number) {
            m.put(key, num(v));
        }
    }

    private static double num(Object v) {
        return v instanceof Number n ? n.doubleValue() : 0;
    }

    /** True for metrics measured in nanoseconds (latencies, CPU and off-CPU time), false for counts. */
    public static boolean isDuration(String metric) {
        if (metric.equals("cpu") || metric.startsWith("offcpu.")) {
            return true;
        }
        if (metric.startsWith("syscalls.") || metric.startsWith("sched.latency.")) {
            return !metric.endsWith(".count");
        }
        return false;
    }
}
