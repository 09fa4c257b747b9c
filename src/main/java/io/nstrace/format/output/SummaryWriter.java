package io.nstrace.format.output;

import io.nstrace.format.LostEvents;

import io.nstrace.format.json.Json;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link TraceSummary} as CI artifacts: Markdown fit for {@code $GITHUB_STEP_SUMMARY} and the same figures as
 * JSON. Lost events are flagged in both; a run's command and exit status come first when there is one.
 */
public final class SummaryWriter {
    /** How many processes and syscalls each container lists. */
    public static final int TOP = 10;

    /**
     * What ended a traced run.
     *
     * @param command the command and its arguments
     * @param status  nstrace's exit status for it (the command's; 128+N for signal N; 124 for a timeout)
     * @param reason  "exited", "killed by signal N" or "timed out after ..."
     */
    public record RunOutcome(List<String> command, int status, String reason) {
    }

    private SummaryWriter() {
    }

    /** The Markdown summary; {@code run} may be null (record), {@code trace} names the trace file or is null. */
    public static void markdown(TraceSummary s, RunOutcome run, String trace, Writer out) throws IOException {
        StringBuilder md = new StringBuilder();
        if (run != null) {
            md.append("### nstrace run: `").append(code(String.join(" ", run.command()))).append("` ")
                    .append(run.reason()).append(", status ").append(run.status()).append("\n\n");
        } else {
            md.append("### nstrace record\n\n");
        }
        LostEvents lost = s.lostEvents();
        md.append(String.format("%s%,d events, %s, %.3f s%n%n", trace == null ? "" : "trace `" + code(trace)
                + "`: ", s.events(), lost.text(), s.seconds()));
        if (lost.any()) {
            md.append("> **Warning: events were lost** (").append(lost.text())
                    .append("): the ring buffer overflowed or the spool failed; raise `-b KB`, trace fewer events "
                            + "or give the spool more room.\n\n");
        }
        for (TraceSummary.ContainerStats c : s.containers(TOP)) {
            container(md, c);
        }
        out.write(md.toString());
        out.flush();
    }

    private static void container(StringBuilder md, TraceSummary.ContainerStats c) {
        md.append(String.format("#### %s: %,d events in %.3f s%s%s%n%n", cell(c.name()), c.events(), c.seconds(),
                c.name().equals(TraceSummary.HOST) ? ""
                        : String.format(", %,d without an in-container PID", c.withoutContainerPid()),
                lostOf(c).any() ? " (**" + lostOf(c).text() + "**)" : ""));
        md.append("| event | count |\n|---|---:|\n");
        new TreeMap<>(c.eventsByType()).forEach((k, v) -> md.append("| ").append(cell(k)).append(" | ")
                .append(v).append(" |\n"));
        md.append("\n**Top processes**\n\n| pid | pid in container | comm | events |\n|---:|---:|---|---:|\n");
        for (TraceSummary.ProcessCount p : c.topProcesses()) {
            md.append("| ").append(p.pid()).append(" | ").append(p.containerPid() == null ? "" : p.containerPid())
                    .append(" | ").append(cell(p.comm())).append(" | ").append(p.events()).append(" |\n");
        }
        if (!c.topSyscalls().isEmpty()) {
            md.append("\n**Top syscalls**\n\n| syscall | calls |\n|---|---:|\n");
            c.topSyscalls().forEach(x -> md.append("| ").append(cell(x.name())).append(" | ").append(x.count())
                    .append(" |\n"));
        }
        md.append('\n');
    }

    /** The same figures as one JSON object (and a newline). */
    public static void json(TraceSummary s, RunOutcome run, String trace, Writer out) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        if (run != null) {
            root.put("command", run.command());
            root.put("exit_status", run.status());
            root.put("exit_reason", run.reason());
        }
        root.put("trace", trace);
        root.put("events", s.events());
        root.put("events_without_container_pid", s.withoutContainerPid());
        root.put("lost", s.lost());
        root.put("lost_uncounted_pages", s.lostUnknown());
        root.put("lost_events_flag", s.lost() > 0 || s.lostUnknown() > 0);
        root.put("seconds", s.seconds());
        List<Object> containers = new ArrayList<>();
        Map<String, List<TraceSummary.Count>> allSyscalls = new java.util.HashMap<>();
        s.containers(Integer.MAX_VALUE).forEach(c -> allSyscalls.put(c.name(), c.topSyscalls()));
        for (TraceSummary.ContainerStats c : s.containers(TOP)) {
            Map<String, Object> m = containerJson(c);
            // every syscall's count (top_syscalls has the first ten): what nstrace diff compares
            Map<String, Object> calls = new TreeMap<>();
            allSyscalls.getOrDefault(c.name(), List.of()).forEach(x -> calls.put(x.name(), x.count()));
            m.put("syscalls", calls);
            containers.add(m);
        }
        root.put("containers", containers);
        out.write(Json.write(root));
        out.write('\n');
        out.flush();
    }

    private static Map<String, Object> containerJson(TraceSummary.ContainerStats c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("events", c.events());
        m.put("events_without_container_pid", c.withoutContainerPid());
        m.put("lost", c.lost());
        m.put("lost_uncounted_pages", c.lostUnknown());
        m.put("lost_events_flag", c.lost() > 0 || c.lostUnknown() > 0);
        m.put("seconds", c.seconds());
        m.put("events_by_type", new TreeMap<>(c.eventsByType()));
        List<Object> procs = new ArrayList<>();
        for (TraceSummary.ProcessCount p : c.topProcesses()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("pid", p.pid());
            pm.put("container_pid", p.containerPid());
            pm.put("comm", p.comm());
            pm.put("events", p.events());
            procs.add(pm);
        }
        m.put("top_processes", procs);
        List<Object> calls = new ArrayList<>();
        c.topSyscalls().forEach(x -> calls.add(Map.of("name", x.name(), "count", x.count())));
        m.put("top_syscalls", calls);
        return m;
    }

    private static LostEvents lostOf(TraceSummary.ContainerStats c) {
        return new LostEvents(c.lost(), c.lostUnknown());
    }

    /** Text safe inside a Markdown table cell. */
    static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    /** Text safe inside a Markdown code span. */
    static String code(String s) {
        return s.replace("`", "'").replace("\n", " ");
    }
}
