package io.nstrace.cli.render;

import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcessInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders {@code nstrace ps} tables: left-aligned columns sized to their widest cell, the last one free. */
public final class PsTable {
    private static final int COMMAND_WIDTH = 80;

    private PsTable() {
    }

    /** The container table; {@code depths} (for --tree) indents names, null for a flat list. */
    public static String containers(List<Container> list, Map<Container, Integer> depths) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "RUNTIME", "ID", "PIDNS", "PIDS", "INIT", "COMMAND"});
        for (Container c : list) {
            String indent = depths == null ? "" : "  ".repeat(depths.getOrDefault(c, 0));
            ProcessInfo init = c.processes().stream().filter(p -> p.pid() == c.initPid()).findFirst().orElse(null);
            rows.add(new String[] {indent + c.name(), c.runtime(), c.shortId() == null ? "-" : c.shortId(),
                    Long.toString(c.pidnsInode()), Integer.toString(c.processes().size()),
                    Integer.toString(c.initPid()), init == null ? "-" : command(init)});
        }
        return render(rows);
    }

    /** One container's processes. */
    public static String processes(Container c) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PID", "CPID", "PPID", "THREADS", "COMM", "COMMAND"});
        for (ProcessInfo p : c.processes()) {
            rows.add(new String[] {Integer.toString(p.pid()), Integer.toString(p.containerPid()),
                    Integer.toString(p.ppid()), Integer.toString(p.tids().size()), p.comm(), command(p)});
        }
        return render(rows);
    }

    private static String command(ProcessInfo p) {
        String cmd = p.cmdline().isEmpty() ? "[" + p.comm() + "]" : p.cmdline();
        return cmd.length() > COMMAND_WIDTH ? cmd.substring(0, COMMAND_WIDTH - 3) + "..." : cmd;
    }

    private static String render(List<String[]> rows) {
        int cols = rows.getFirst().length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                out.append(r[i]);
                if (i < cols - 1) {
                    out.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
