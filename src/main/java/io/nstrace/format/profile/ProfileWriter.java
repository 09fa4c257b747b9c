package io.nstrace.format.profile;

import io.nstrace.format.LostEvents;
import io.nstrace.format.json.Json;
import io.nstrace.format.output.TraceSummary;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link TraceProfile} as text (a terminal), JSON (one object: what {@code nstrace diff} compares) or Markdown
 * fit for {@code $GITHUB_STEP_SUMMARY} (tables, and a Mermaid bar chart of the latency distribution of each
 * container's top syscalls). Durations are nanoseconds in JSON, human units elsewhere.
 */
public final class ProfileWriter {
    /** How many tasks text and Markdown list per container (JSON lists every one). */
    public static final int TOP_PROCESSES = 10;
    /** How many syscalls each task lists in text and Markdown. */
    public static final int TOP_SYSCALLS = 15;
    /** How many syscalls get a histogram in Markdown. */
    public static final int HISTOGRAMS = 3;
    /** The version of the JSON layout, under the key "profile". */
    public static final int JSON_VERSION = 1;

    /** Text, JSON or Markdown. */
    public enum Rendering {
        text, json, markdown;

        /** From a file name: .json → json, .md → markdown, anything else text. */
        public static Rendering forFileName(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return n.endsWith(".json") ? json : n.endsWith(".md") ? markdown : text;
        }
    }

    private ProfileWriter() {
    }

    /** Writes {@code p} (only {@code container} when not null) as {@code how}; {@code trace} names the file or is null. */
    public static void write(TraceProfile p, Rendering how, String container, String trace, Writer out)
            throws IOException {
        List<TraceProfile.ContainerProfile> cs = p.containers().stream()
                .filter(c -> container == null || c.name().equals(container)).toList();
        String s = switch (how) {
            case text -> text(p, cs);
            case json -> Json.write(json(p, cs, trace)) + "\n";
            case markdown -> markdown(p, cs, trace);
        };
        out.write(s);
        out.flush();
    }

    /** A duration for people: ns, us, ms or s with three significant digits or so. */
    public static String duration(long ns) {
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        }
        if (ns < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }

    private static String header(TraceProfile p) {
        TraceSummary s = p.summary();
        LostEvents lost = s.lostEvents();
        return String.format(Locale.ROOT, "%,d events, %s, %.3f s", s.events(), lost.text(), s.seconds());
    }

    private static String text(TraceProfile p, List<TraceProfile.ContainerProfile> cs) {
        StringBuilder b = new StringBuilder("profile: ").append(header(p)).append('\n');
        if (p.droppedPairs() > 0) {
            b.append("warning: events were lost; ").append(p.droppedPairs())
                    .append(" pairings in flight there were dropped, not guessed\n");
        }
        for (TraceProfile.ContainerProfile c : cs) {
            b.append('\n').append("container ").append(c.name()).append(": ").append(usageLine(c.usage()))
                    .append('\n');
            usageText(b, c.usage(), "  ", TOP_SYSCALLS);
            List<TraceProfile.ProcessProfile> procs = c.processes();
            b.append("  tasks (").append(procs.size()).append(procs.size() > TOP_PROCESSES ? ", busiest "
                    + TOP_PROCESSES : "").append("):\n");
            for (TraceProfile.ProcessProfile t : procs.subList(0, Math.min(TOP_PROCESSES, procs.size()))) {
                b.append("    ").append(t.pid()).append(" (").append(t.containerPid() == null ? "?" : t.containerPid())
                        .append(") ").append(t.comm()).append(": ").append(usageLine(t.usage())).append('\n');
                usageText(b, t.usage(), "      ", TOP_SYSCALLS);
            }
        }
        return b.toString();
    }

    private static String usageLine(Usage u) {
        StringBuilder cpus = new StringBuilder();
        u.cpuNs().forEach((cpu, ns) -> cpus.append(cpus.isEmpty() ? "" : ", ").append("cpu").append(cpu).append(' ')
                .append(duration(ns)));
        return String.format(Locale.ROOT, "%,d events, %d execs, on CPU %s%s, %,d switches (%,d preempted), "
                        + "%,d migrations", u.events(), u.execs(), duration(u.cpuTotalNs()),
                cpus.isEmpty() ? "" : " (" + cpus + ")", u.switches(), u.preempted(), u.migrations());
    }

    private static void usageText(StringBuilder b, Usage u, String indent, int topSyscalls) {
        if (!u.syscalls().isEmpty()) {
            b.append(indent).append(String.format(Locale.ROOT, "%-22s %9s %11s %11s %11s %11s %11s%n", "syscall",
                    "count", "total", "p50", "p90", "p99", "max"));
            for (Map.Entry<String, Latency> e : byTotal(u.syscalls(), topSyscalls)) {
                Latency.Figures f = e.getValue().figures();
                b.append(indent).append(String.format(Locale.ROOT, "%-22s %,9d %11s %11s %11s %11s %11s%n",
                        e.getKey(), f.count(), duration(f.total()), duration(f.p50()), duration(f.p90()),
                        duration(f.p99()), duration(f.max())));
            }
        }
        Latency.Figures s = u.schedLatency().figures();
        if (s.count() > 0) {
            b.append(indent).append(String.format(Locale.ROOT,
                    "scheduling latency: %,d wakeups, p50 %s, p90 %s, p99 %s, max %s%n", s.count(), duration(s.p50()),
                    duration(s.p90()), duration(s.p99()), duration(s.max())));
        }
        if (!u.offCpu().isEmpty()) {
            b.append(indent).append("off CPU:");
            u.offCpu().forEach((state, o) -> b.append(' ').append(stateName(state)).append(' ')
                    .append(duration(o.ns())).append(" (").append(o.count()).append("x").append(topIn(o, 3))
                    .append(");"));
            b.setLength(b.length() - 1);
            b.append('\n');
        }
    }

    private static String topIn(Usage.OffCpu o, int n) {
        StringBuilder b = new StringBuilder();
        o.bySyscall().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .forEach(e -> b.append(", ").append(e.getKey().equals(Usage.NO_SYSCALL) ? "no syscall"
                        : "in " + e.getKey()).append(' ').append(duration(e.getValue())));
        return b.toString();
    }

    /** R → "R (preempted)", S → "S (sleeping)", D → "D (uninterruptible)", others as they are. */
    public static String stateName(String state) {
        return switch (state) {
            case "R" -> "R (preempted)";
            case "S" -> "S (sleeping)";
            case "D" -> "D (uninterruptible)";
            case "I" -> "I (idle)";
            default -> state;
        };
    }

    private static List<Map.Entry<String, Latency>> byTotal(Map<String, Latency> m, int n) {
        return m.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, Latency> e) ->
                e.getValue().total()).reversed().thenComparing(Map.Entry::getKey)).limit(n).toList();
    }

    private static Map<String, Object> json(TraceProfile p, List<TraceProfile.ContainerProfile> cs, String trace) {
        TraceSummary s = p.summary();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("profile", JSON_VERSION);
        root.put("trace", trace);
        root.put("events", s.events());
        root.put("lost", s.lost());
        root.put("lost_uncounted_pages", s.lostUnknown());
        root.put("dropped_pairs", p.droppedPairs());
        root.put("inferred_switch_ins", p.inferredSwitchIns());
        root.put("seconds", s.seconds());
        List<Object> list = new ArrayList<>();
        for (TraceProfile.ContainerProfile c : cs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            if (c.stats() != null) {
                m.put("events", c.stats().events());
                m.put("lost", c.stats().lost());
                m.put("events_by_type", new TreeMap<>(c.stats().eventsByType()));
            }
            usageJson(m, c.usage());
            List<Object> procs = new ArrayList<>();
            for (TraceProfile.ProcessProfile t : c.processes()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("pid", t.pid());
                pm.put("container_pid", t.containerPid());
                pm.put("comm", t.comm());
                pm.put("events", t.usage().events());
                usageJson(pm, t.usage());
                procs.add(pm);
            }
            m.put("processes", procs);
            list.add(m);
        }
        root.put("containers", list);
        return root;
    }

    private static void usageJson(Map<String, Object> m, Usage u) {
        m.put("execs", u.execs());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("total", u.cpuTotalNs());
        u.cpuNs().forEach((k, v) -> cpu.put(String.valueOf(k), v));
        m.put("cpu_ns", cpu);
        m.put("switches", u.switches());
        m.put("preempted", u.preempted());
        m.put("migrations", u.migrations());
        m.put("sched_latency", figures(u.schedLatency()));
        Map<String, Object> calls = new TreeMap<>();
        u.syscalls().forEach((k, v) -> calls.put(k, figures(v)));
        m.put("syscalls", calls);
        Map<String, Object> off = new TreeMap<>();
        u.offCpu().forEach((k, v) -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("count", v.count());
            o.put("total_ns", v.ns());
            o.put("by_syscall", new TreeMap<>(v.bySyscall()));
            off.put(k, o);
        });
        m.put("off_cpu", off);
    }

    private static Map<String, Object> figures(Latency l) {
        Latency.Figures f = l.figures();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", f.count());
        m.put("total_ns", f.total());
        m.put("p50_ns", f.p50());
        m.put("p90_ns", f.p90());
        m.put("p99_ns", f.p99());
        m.put("max_ns", f.max());
        return m;
    }

    private static String markdown(TraceProfile p, List<TraceProfile.ContainerProfile> cs, String trace) {
        StringBuilder b = new StringBuilder("### nstrace profile").append(trace == null ? "" : ": `" + code(trace) + "`")
                .append("\n\n").append(header(p)).append("\n\n");
        if (p.droppedPairs() > 0) {
            b.append("> **Warning: events were lost**: ").append(p.droppedPairs())
                    .append(" pairings in flight there were dropped, not guessed.\n\n");
        }
        for (TraceProfile.ContainerProfile c : cs) {
            Usage u = c.usage();
            b.append("#### ").append(cell(c.name())).append("\n\n").append(cell(usageLine(u))).append("\n\n");
            if (!u.syscalls().isEmpty()) {
                b.append("| syscall | count | total | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
                for (Map.Entry<String, Latency> e : byTotal(u.syscalls(), TOP_SYSCALLS)) {
                    Latency.Figures f = e.getValue().figures();
                    b.append("| ").append(cell(e.getKey())).append(" | ").append(f.count()).append(" | ")
                            .append(duration(f.total())).append(" | ").append(duration(f.p50())).append(" | ")
                            .append(duration(f.p90())).append(" | ").append(duration(f.p99())).append(" | ")
                            .append(duration(f.max())).append(" |\n");
                }
                b.append('\n');
                for (Map.Entry<String, Latency> e : byTotal(u.syscalls(), HISTOGRAMS)) {
                    histogram(b, c.name() + ": " + e.getKey(), e.getValue());
                }
            }
            Latency.Figures s = u.schedLatency().figures();
            if (s.count() > 0 || !u.offCpu().isEmpty()) {
                b.append("| waiting | count | total | p50 | p99 | max | in syscalls |\n|---|---:|---:|---:|---:|---:|---|\n");
                if (s.count() > 0) {
                    b.append("| scheduling latency (woken → on CPU) | ").append(s.count()).append(" | ")
                            .append(duration(s.total())).append(" | ").append(duration(s.p50())).append(" | ")
                            .append(duration(s.p99())).append(" | ").append(duration(s.max())).append(" | |\n");
                }
                u.offCpu().forEach((state, o) -> b.append("| off CPU ").append(stateName(state)).append(" | ")
                        .append(o.count()).append(" | ").append(duration(o.ns())).append(" | | | | ")
                        .append(cell(topIn(o, 3).replaceFirst("^, ", ""))).append(" |\n"));
                b.append('\n');
            }
            List<TraceProfile.ProcessProfile> procs = c.processes();
            b.append("| pid | pid in container | comm | on CPU | syscalls | syscall time | sched p99 | off CPU | "
                    + "switches | migrations |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (TraceProfile.ProcessProfile t : procs.subList(0, Math.min(TOP_PROCESSES, procs.size()))) {
                Usage tu = t.usage();
                b.append("| ").append(t.pid()).append(" | ").append(t.containerPid() == null ? "" : t.containerPid())
                        .append(" | ").append(cell(t.comm())).append(" | ").append(duration(tu.cpuTotalNs()))
                        .append(" | ").append(tu.syscalls().values().stream().mapToLong(Latency::count).sum())
                        .append(" | ").append(duration(tu.syscallTotalNs())).append(" | ")
                        .append(duration(tu.schedLatency().percentile(99))).append(" | ")
                        .append(duration(tu.offCpuTotalNs())).append(" | ").append(tu.switches()).append(" | ")
                        .append(tu.migrations()).append(" |\n");
            }
            if (procs.size() > TOP_PROCESSES) {
                b.append("\n(").append(procs.size() - TOP_PROCESSES).append(" more tasks in the JSON profile)\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * A Mermaid xychart (bar chart) of how many calls took each power of two of microseconds. GitHub renders
     * Mermaid code blocks in Markdown, job summaries included; elsewhere the block shows as text.
     */
    private static void histogram(StringBuilder b, String title, Latency l) {
        long[] buckets = l.log2Buckets();
        List<String> labels = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        int from = 0;
        while (from < buckets.length - 1 && buckets[from] == 0) {
            from++;
        }
        for (int i = from; i < buckets.length; i++) {
            labels.add("\"" + (i == 0 ? "<1us" : duration((1L << (i - 1)) * 1000).replace(" ", "")) + "\"");
            counts.add(String.valueOf(buckets[i]));
        }
        b.append("```mermaid\nxychart-beta\n    title \"").append(title.replace("\"", "'"))
                .append(" latency (calls per bucket, from)\"\n    x-axis [").append(String.join(", ", labels))
                .append("]\n    y-axis \"calls\"\n    bar [").append(String.join(", ", counts)).append("]\n```\n\n");
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    private static String code(String s) {
        return s.replace("`", "'");
    }
}
