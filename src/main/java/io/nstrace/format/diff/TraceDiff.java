package io.nstrace.format.diff;

import io.nstrace.format.json.Json;
import io.nstrace.format.profile.ProfileWriter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What changed from one summary or profile (BASE) to another (NEW), per container: every metric whose value
 * differs, sorted by relative change (largest rise or fall first; from 0 to more counts as infinite), then by
 * absolute change, then by name; and the {@link Gate}s that fire. Renders as text, Markdown or JSON.
 */
public final class TraceDiff {
    /** The name of the group of events of no container; rules without a container skip it. */
    public static final String HOST = "host";
    /** How many changes per container text and Markdown show (JSON shows all). */
    public static final int TOP = 25;

    /** One metric of one container: its value in BASE and in NEW (0 when absent). */
    public record Change(String metric, double base, double now) {
        public double delta() {
            return now - base;
        }

        /** Percent; infinite from 0 to more. */
        public double relative() {
            return Gate.relative(base, now);
        }
    }

    /** A container's changes, sorted. {@code inBase}/{@code inNew}: whether each document has it. */
    public record ContainerDiff(String name, boolean inBase, boolean inNew, List<Change> changes) {
    }

    /** A rule that fired: for which container and metric, with the values it compared. */
    public record Firing(Gate gate, String container, Change change) {
        /** One line: the rule, where, and the values. */
        public String describe() {
            return "rule '" + gate.text() + "' fired: " + container + ": " + change.metric() + " "
                    + value(change.metric(), change.base()) + " -> " + value(change.metric(), change.now()) + " ("
                    + relativeText(change) + ")";
        }
    }

    private final Metrics base;
    private final Metrics now;
    private final List<ContainerDiff> containers = new ArrayList<>();

    public TraceDiff(Metrics base, Metrics now) {
        this.base = base;
        this.now = now;
        TreeSet<String> names = new TreeSet<>(base.containers().keySet());
        names.addAll(now.containers().keySet());
        for (String name : names) {
            Map<String, Double> b = base.containers().getOrDefault(name, Map.of());
            Map<String, Double> n = now.containers().getOrDefault(name, Map.of());
            TreeSet<String> metrics = new TreeSet<>(b.keySet());
            metrics.addAll(n.keySet());
            List<Change> changes = new ArrayList<>();
            for (String m : metrics) {
                Change c = new Change(m, b.getOrDefault(m, 0.0), n.getOrDefault(m, 0.0));
                if (c.delta() != 0) {
                    changes.add(c);
                }
            }
            changes.sort(Comparator.comparingDouble((Change c) -> -Math.abs(c.relative()))
                    .thenComparingDouble(c -> -Math.abs(c.delta())).thenComparing(Change::metric));
            containers.add(new ContainerDiff(name, base.containers().containsKey(name),
                    now.containers().containsKey(name), changes));
        }
        containers.sort(Comparator.comparing((ContainerDiff c) -> c.name().equals(HOST))
                .thenComparing(ContainerDiff::name));
    }

    public List<ContainerDiff> containers() {
        return containers;
    }

    /**
     * Checks every rule against the documents; a rule naming a metric only profiles carry, given a summary, is
     * refused ({@link IllegalArgumentException} naming the rule), and so is a rule naming a container neither
     * document has.
     */
    public List<Firing> check(List<Gate> gates) {
        List<Firing> fired = new ArrayList<>();
        for (Gate g : gates) {
            if (g.needsProfile() && !(base.kind().equals("profile") && now.kind().equals("profile"))) {
                throw new IllegalArgumentException("rule '" + g.text() + "' needs profiles on both sides (BASE is a "
                        + base.kind() + ", NEW a " + now.kind() + ")");
            }
            if (g.container() != null && containers.stream().noneMatch(c -> c.name().equals(g.container()))) {
                throw new IllegalArgumentException("rule '" + g.text() + "' names container '" + g.container()
                        + "', which neither document has (they have: " + String.join(", ",
                        containers.stream().map(ContainerDiff::name).toList()) + ")");
            }
            for (String c : new TreeSet<>(containers.stream().map(ContainerDiff::name).toList())) {
                if (g.container() == null ? c.equals(HOST) : !c.equals(g.container())) {
                    continue;
                }
                Map<String, Double> b = base.containers().getOrDefault(c, Map.of());
                Map<String, Double> n = now.containers().getOrDefault(c, Map.of());
                TreeSet<String> metrics = new TreeSet<>();
                b.keySet().stream().filter(m -> g.metricPattern().matcher(m).matches()).forEach(metrics::add);
                n.keySet().stream().filter(m -> g.metricPattern().matcher(m).matches()).forEach(metrics::add);
                if (metrics.isEmpty() && !g.metric().contains("*")) {
                    metrics.add(g.metric()); // absent on both sides: 0 -> 0
                }
                for (String m : metrics) {
                    Change ch = new Change(m, b.getOrDefault(m, 0.0), n.getOrDefault(m, 0.0));
                    if (g.fires(ch.base(), ch.now())) {
                        fired.add(new Firing(g, c, ch));
                    }
                }
            }
        }
        return fired;
    }

    static String value(String metric, double v) {
        if (Metrics.isDuration(metric)) {
            return ProfileWriter.duration(Math.round(v));
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String relativeText(Change c) {
        double r = c.relative();
        if (Double.isInfinite(r)) {
            return "new";
        }
        return String.format(Locale.ROOT, "%+.1f%%", r);
    }

    private static String deltaText(Change c) {
        String v = value(c.metric(), Math.abs(c.delta()));
        return (c.delta() >= 0 ? "+" : "-") + v;
    }

    /** A syscall whose calls or p99 changed: its counts and p99 latencies (p99 null in summaries). */
    public record SyscallRow(String name, Change calls, Change p99) {
    }

    /**
     * The syscalls of {@code c} whose number of calls or p99 latency changed, by relative change in calls (largest
     * first; from none to some first of all), then absolute change in calls, then relative change in p99
     * (profiles), then name.
     */
    public List<SyscallRow> syscalls(ContainerDiff c) {
        Map<String, Double> b = base.containers().getOrDefault(c.name(), Map.of());
        Map<String, Double> n = now.containers().getOrDefault(c.name(), Map.of());
        TreeSet<String> names = new TreeSet<>();
        for (Change ch : c.changes()) {
            String m = ch.metric();
            if (m.startsWith("syscalls.") && (m.endsWith(".count") || m.endsWith(".p99"))) {
                names.add(m.substring("syscalls.".length(), m.lastIndexOf('.')));
            }
        }
        boolean p99 = base.kind().equals("profile") && now.kind().equals("profile");
        List<SyscallRow> rows = new ArrayList<>();
        for (String name : names) {
            String cm = "syscalls." + name + ".count";
            String pm = "syscalls." + name + ".p99";
            rows.add(new SyscallRow(name, new Change(cm, b.getOrDefault(cm, 0.0), n.getOrDefault(cm, 0.0)),
                    p99 ? new Change(pm, b.getOrDefault(pm, 0.0), n.getOrDefault(pm, 0.0)) : null));
        }
        rows.sort(Comparator.comparingDouble((SyscallRow r) -> -Math.abs(r.calls().relative()))
                .thenComparingDouble(r -> -Math.abs(r.calls().delta()))
                .thenComparingDouble(r -> r.p99() == null ? 0 : -Math.abs(r.p99().relative()))
                .thenComparing(SyscallRow::name));
        return rows;
    }

    /**
     * The other changes of {@code c} text and Markdown show: events per type, execs, lost, scheduling latency
     * (count and p99), switches, preemptions, migrations, off-CPU and CPU time, in their sorted order.
     */
    public static List<Change> others(ContainerDiff c) {
        return c.changes().stream().filter(ch -> !ch.metric().startsWith("syscalls.")
                && (!ch.metric().startsWith("sched.latency.") || ch.metric().endsWith(".count")
                || ch.metric().endsWith(".p99"))).toList();
    }

    /** Text for a terminal. */
    public String text(List<Firing> fired) {
        StringBuilder b = new StringBuilder("diff of ").append(base.kind()).append(" and ").append(now.kind())
                .append('\n');
        for (ContainerDiff c : containers) {
            b.append('\n').append("container ").append(c.name()).append(presence(c)).append(": ")
                    .append(c.changes().size()).append(" metrics changed\n");
            List<SyscallRow> rows = syscalls(c);
            if (!rows.isEmpty()) {
                b.append(String.format(Locale.ROOT, "  %-24s %21s %9s%s%n", "syscall", "calls", "",
                        rows.getFirst().p99() == null ? "" : String.format(Locale.ROOT, " %27s %9s", "p99", "")));
                for (SyscallRow r : rows.subList(0, Math.min(TOP, rows.size()))) {
                    b.append(String.format(Locale.ROOT, "  %-24s %21s %9s%s%n", r.name(), arrow(r.calls()),
                            relativeText(r.calls()), r.p99() == null ? ""
                                    : String.format(Locale.ROOT, " %27s %9s", arrow(r.p99()), relativeText(r.p99()))));
                }
            }
            for (Change ch : others(c).subList(0, Math.min(TOP, others(c).size()))) {
                b.append(String.format(Locale.ROOT, "  %-40s %14s -> %-14s %12s %9s%n", ch.metric(),
                        value(ch.metric(), ch.base()), value(ch.metric(), ch.now()), deltaText(ch), relativeText(ch)));
            }
        }
        firings(b, fired, "");
        return b.toString();
    }

    private static String arrow(Change c) {
        return value(c.metric(), c.base()) + " -> " + value(c.metric(), c.now());
    }

    private static String presence(ContainerDiff c) {
        return c.inBase() && c.inNew() ? "" : c.inBase() ? " (only in BASE)" : " (only in NEW)";
    }

    private static void firings(StringBuilder b, List<Firing> fired, String bullet) {
        if (!fired.isEmpty()) {
            b.append('\n');
            fired.forEach(f -> b.append(bullet).append(f.describe()).append('\n'));
        }
    }

    /** Markdown fit for $GITHUB_STEP_SUMMARY: per container a table of syscalls, then one of the rest. */
    public String markdown(List<Firing> fired) {
        StringBuilder b = new StringBuilder("### nstrace diff\n\n");
        if (!fired.isEmpty()) {
            b.append("> **Gate failed**\n");
            fired.forEach(f -> b.append("> - ").append(cell(f.describe())).append('\n'));
            b.append('\n');
        }
        for (ContainerDiff c : containers) {
            b.append("#### ").append(cell(c.name())).append(presence(c)).append("\n\n");
            if (c.changes().isEmpty()) {
                b.append("no change\n\n");
                continue;
            }
            List<SyscallRow> rows = syscalls(c);
            if (!rows.isEmpty()) {
                boolean p99 = rows.getFirst().p99() != null;
                b.append("| syscall | calls | change |").append(p99 ? " p99 | change |" : "").append("\n|---|---:|---:|")
                        .append(p99 ? "---:|---:|" : "").append('\n');
                for (SyscallRow r : rows.subList(0, Math.min(TOP, rows.size()))) {
                    b.append("| ").append(cell(r.name())).append(" | ").append(arrow(r.calls()).replace("->", "→"))
                            .append(" | ").append(relativeText(r.calls())).append(" |");
                    if (p99) {
                        b.append(' ').append(arrow(r.p99()).replace("->", "→")).append(" | ")
                                .append(relativeText(r.p99())).append(" |");
                    }
                    b.append('\n');
                }
                if (rows.size() > TOP) {
                    b.append("\n(").append(rows.size() - TOP).append(" more syscalls in the JSON diff)\n");
                }
                b.append('\n');
            }
            List<Change> others = others(c);
            if (!others.isEmpty()) {
                b.append("| metric | base | new | change | relative |\n|---|---:|---:|---:|---:|\n");
                for (Change ch : others.subList(0, Math.min(TOP, others.size()))) {
                    b.append("| ").append(cell(ch.metric())).append(" | ").append(value(ch.metric(), ch.base()))
                            .append(" | ").append(value(ch.metric(), ch.now())).append(" | ").append(deltaText(ch))
                            .append(" | ").append(relativeText(ch)).append(" |\n");
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    /** One JSON object: the containers' changes and the rules that fired. */
    public String json(List<Firing> fired) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("base", base.kind());
        root.put("new", now.kind());
        List<Object> cs = new ArrayList<>();
        for (ContainerDiff c : containers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("in_base", c.inBase());
            m.put("in_new", c.inNew());
            List<Object> changes = new ArrayList<>();
            for (Change ch : c.changes()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("metric", ch.metric());
                x.put("base", ch.base());
                x.put("new", ch.now());
                x.put("delta", ch.delta());
                x.put("relative_pct", Double.isInfinite(ch.relative()) ? null : ch.relative());
                changes.add(x);
            }
            m.put("changes", changes);
            cs.add(m);
        }
        root.put("containers", cs);
        List<Object> f = new ArrayList<>();
        for (Firing x : fired) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", x.gate().text());
            m.put("container", x.container());
            m.put("metric", x.change().metric());
            m.put("base", x.change().base());
            m.put("new", x.change().now());
            f.add(m);
        }
        root.put("fired", f);
        return Json.write(root) + "\n";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
