package io.nstrace.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which buffer holds which container and, for every traced host TID, its PID chain through the nested PID
 * namespaces (the {@code NSpid:} line: host first, innermost last) and comm. Kept in trace.dat as a private
 * option so reports can show container names and in-container PIDs.
 */
public record ContainerMap(List<ContainerInfo> containers, Map<Integer, TaskInfo> tasks) {
    public static final String MAGIC = "nstrace-containers 1";

    public record ContainerInfo(String buffer, String name, String id, String runtime) {
    }

    public record TaskInfo(int tid, String container, List<Integer> nspid, String comm) {
        /** The PID as seen inside the innermost namespace (the host TID when not namespaced). */
        public int containerPid() {
            return nspid.isEmpty() ? tid : nspid.getLast();
        }

        /** The in-container PID when the map holds the task's NSpid chain; null when it does not. */
        public Integer knownContainerPid() {
            return nspid.isEmpty() ? null : nspid.getLast();
        }
    }

    public ContainerMap {
        containers = List.copyOf(containers);
        tasks = Map.copyOf(tasks);
    }

    public static ContainerMap empty() {
        return new ContainerMap(List.of(), Map.of());
    }

    public Optional<TaskInfo> task(int tid) {
        return Optional.ofNullable(tasks.get(tid));
    }

    public Optional<ContainerInfo> containerOfBuffer(String buffer) {
        return containers.stream().filter(c -> c.buffer().equals(buffer)).findFirst();
    }

    public ContainerMap withContainer(ContainerInfo c) {
        List<ContainerInfo> list = new ArrayList<>(containers);
        list.removeIf(x -> x.buffer().equals(c.buffer()));
        list.add(c);
        return new ContainerMap(list, tasks);
    }

    public ContainerMap withTask(TaskInfo t) {
        Map<Integer, TaskInfo> m = new LinkedHashMap<>(tasks);
        m.put(t.tid(), t);
        return new ContainerMap(containers, m);
    }

    /** Tab-separated lines: a magic line, {@code c buffer name id runtime}, {@code t tid container nspid comm}. */
    public String serialise() {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        for (ContainerInfo c : containers) {
            sb.append("c\t").append(clean(c.buffer())).append('\t').append(clean(c.name())).append('\t')
                    .append(clean(c.id())).append('\t').append(clean(c.runtime())).append('\n');
        }
        tasks.values().stream().sorted((a, b) -> Integer.compare(a.tid(), b.tid())).forEach(t -> {
            StringBuilder chain = new StringBuilder();
            t.nspid().forEach(p -> chain.append(chain.isEmpty() ? "" : ",").append(p));
            sb.append("t\t").append(t.tid()).append('\t').append(clean(t.container())).append('\t').append(chain)
                    .append('\t').append(clean(t.comm())).append('\n');
        });
        return sb.toString();
    }

    public static ContainerMap parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(MAGIC)) {
            throw new IllegalArgumentException("not an nstrace container map");
        }
        List<ContainerInfo> cs = new ArrayList<>();
        Map<Integer, TaskInfo> ts = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] p = lines[i].split("\t", -1);
            if (p[0].equals("c") && p.length >= 5) {
                cs.add(new ContainerInfo(p[1], p[2], p[3], p[4]));
            } else if (p[0].equals("t") && p.length >= 5) {
                List<Integer> chain = p[3].isEmpty() ? List.of()
                        : Arrays.stream(p[3].split(",")).map(Integer::parseInt).toList();
                int tid = Integer.parseInt(p[1]);
                ts.put(tid, new TaskInfo(tid, p[2], chain, p[4]));
            }
        }
        return new ContainerMap(cs, ts);
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\0', ' ');
    }
}
