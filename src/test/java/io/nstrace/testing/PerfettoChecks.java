package io.nstrace.testing;

import io.nstrace.format.json.Json;
import io.nstrace.testing.PerfettoText.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structure every Perfetto trace nstrace writes must have, checked against nstrace's JSON Lines of the same
 * trace: the same events by type, every task an event mentions named in a process tree, container tasks named
 * with their container (and in-container PID where the JSON has one), timestamps in order on each CPU.
 */
public final class PerfettoChecks {
    /** The FtraceEvent fields of an event that are not its payload. */
    private static final Set<String> HEADER = Set.of("timestamp", "pid", "common_flags");
    /** nstrace's names of the events written as Perfetto's typed messages, by message field name. */
    private static final Map<String, String> TYPED = Map.ofEntries(
            Map.entry("sched:sched_switch", "sched_switch"), Map.entry("sched:sched_wakeup", "sched_wakeup"),
            Map.entry("sched:sched_waking", "sched_waking"), Map.entry("sched:sched_wakeup_new", "sched_wakeup_new"),
            Map.entry("sched:sched_process_exec", "sched_process_exec"),
            Map.entry("sched:sched_process_exit", "sched_process_exit"),
            Map.entry("sched:sched_process_fork", "sched_process_fork"),
            Map.entry("sched:sched_process_free", "sched_process_free"),
            Map.entry("task:task_newtask", "task_newtask"), Map.entry("task:task_rename", "task_rename"),
            Map.entry("raw_syscalls:sys_enter", "sys_enter"), Map.entry("raw_syscalls:sys_exit", "sys_exit"),
            Map.entry("ftrace:print", "print"), Map.entry("ftrace:funcgraph_entry", "funcgraph_entry"),
            Map.entry("ftrace:funcgraph_exit", "funcgraph_exit"));
    /** The fields of typed events that name a task (Perfetto makes threads of them). */
    private static final List<String> PID_FIELDS = List.of("prev_pid", "next_pid", "pid", "parent_pid", "child_pid");

    private PerfettoChecks() {
    }

    public static List<Node> events(Node trace) {
        List<Node> out = new ArrayList<>();
        for (Node p : trace.all("packet")) {
            Node b = p.first("ftrace_events");
            if (b != null) {
                out.addAll(b.all("event"));
            }
        }
        return out;
    }

    /** An event's payload: its typed message or generic event. */
    public static Node payload(Node event) {
        return event.children().stream().filter(n -> !HEADER.contains(n.name())).findFirst().orElseThrow();
    }

    /** The type of a Perfetto event: its message's name, or generic:NAME for a generic event. */
    static String type(Node event) {
        Node p = payload(event);
        return p.name().equals("generic") ? "generic:" + p.get("event_name") : p.name();
    }

    /** The same for an event of nstrace's JSON. */
    static String type(String nstraceName) {
        String typed = TYPED.get(nstraceName);
        return typed != null ? typed : "generic:" + nstraceName.substring(nstraceName.indexOf(':') + 1);
    }

    /** The JSON Lines objects of {@code json}. */
    public static List<Map<String, Object>> jsonLines(String json) {
        return json.lines().filter(l -> !l.isBlank()).map(Json::parseObject).toList();
    }

    /** Every structural check at once; returns the events by type. */
    @SuppressWarnings("unchecked")
    public static Map<String, Long> check(Node trace, List<Map<String, Object>> json) {
        Map<String, Long> expected = new TreeMap<>();
        for (Map<String, Object> o : json) {
            if (o.get("event") != null) {
                expected.merge(type((String) o.get("event")), 1L, Long::sum);
            }
        }
        Map<String, Long> actual = new TreeMap<>();
        events(trace).forEach(e -> actual.merge(type(e), 1L, Long::sum));
        assertEquals(expected, actual, "events by type: nstrace's JSON vs the Perfetto trace");

        Map<Long, List<String>> names = new HashMap<>(); // host TID -> every name given (process cmdline, thread)
        Set<Long> threads = new java.util.HashSet<>();
        for (Node p : trace.all("packet")) {
            Node tree = p.first("process_tree");
            if (tree == null) {
                continue;
            }
            for (Node proc : tree.all("processes")) {
                names.computeIfAbsent(proc.num("pid"), k -> new ArrayList<>()).add(proc.get("cmdline"));
            }
            for (Node t : tree.all("threads")) {
                threads.add(t.num("tid"));
                assertTrue(names.containsKey(t.num("tgid")), "thread " + t.num("tid") + " of unnamed process "
                        + t.num("tgid"));
            }
        }
        for (Node e : events(trace)) {
            long pid = e.num("pid");
            assertTrue(pid == 0 || threads.contains(pid), "no thread entry for event pid " + pid);
            Node payload = payload(e);
            if (!payload.name().equals("generic")) {
                for (String f : PID_FIELDS) {
                    String v = payload.get(f);
                    if (v != null && Long.parseLong(v) > 0) {
                        assertTrue(threads.contains(Long.parseLong(v)), "no thread entry for " + payload.name() + "."
                                + f + " " + v);
                    }
                }
            }
        }
        int containerEvents = 0;
        for (Map<String, Object> o : json) {
            if (o.get("container") instanceof String c) {
                containerEvents++;
                long pid = ((Number) o.get("pid")).longValue();
                String want = o.get("containerPid") instanceof Number cp ? c + ":" + cp + "/" : c;
                assertTrue(names.getOrDefault(pid, List.of()).stream().anyMatch(n -> n.startsWith(want)),
                        "task " + pid + " of " + c + " is named " + names.get(pid) + ", not " + want + "...");
            }
        }
        assertTrue(containerEvents == 0 || !names.isEmpty());

        Map<Long, Long> last = new HashMap<>();
        for (Node p : trace.all("packet")) {
            Node b = p.first("ftrace_events");
            if (b == null) {
                continue;
            }
            long cpu = b.num("cpu");
            for (Node e : b.all("event")) {
                long ts = Long.parseUnsignedLong(e.get("timestamp"));
                Long before = last.put(cpu, ts);
                assertFalse(before != null && Long.compareUnsigned(ts, before) < 0,
                        "cpu " + cpu + ": " + ts + " after " + before);
            }
        }
        return actual;
    }
}
