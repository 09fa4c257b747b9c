package io.nstrace.cli;

import io.nstrace.cli.render.PsTable;

import io.nstrace.discovery.Container;
import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.ProcessInfo;
import io.nstrace.discovery.Selectors;
import io.nstrace.discovery.Snapshot;
import io.nstrace.format.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nstrace ps}: lists the containers (PID namespaces) on this host, or one container's processes. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"List every container (PID namespace other than the host's), or the processes of one.",
                "SELECTOR: name, id prefix (>= 4 chars), pid:<host pid>, ns:<inode or id>, <k8s-ns>/<pod>[/<container>]."})
public final class PsCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--tree", description = "Show nesting: containers inside containers are indented under them.")
    boolean tree;

    @Option(names = "--all", description = "Include the host's own PID namespace.")
    boolean all;

    @Parameters(arity = "0..1", paramLabel = "SELECTOR", description = "Show this container's processes.")
    String selector;

    @Override
    public Integer call() {
        Privileges.requireDiscovery(parent.services());
        ContainerDiscovery discovery = parent.services().discovery();
        Snapshot snapshot = parent.services().namespaces();
        PrintWriter out = spec.commandLine().getOut();
        if (selector != null) {
            Container c = discovery.detailed(Selectors.selectOne(snapshot, selector));
            out.print(json ? Json.write(processesJson(c)) + "\n" : PsTable.processes(c));
        } else {
            List<Container> list = ordered(snapshot);
            out.print(json ? Json.write(list.stream().map(PsCommand::containerJson).toList()) + "\n"
                    : PsTable.containers(list, tree ? depths(list, snapshot) : null));
        }
        out.flush();
        return 0;
    }

    private List<Container> ordered(Snapshot snapshot) {
        List<Container> base = new ArrayList<>();
        if (all) {
            base.add(snapshot.host());
        }
        base.addAll(snapshot.containers());
        if (!tree) {
            return base;
        }
        List<Container> out = new ArrayList<>();
        for (Container c : base) {
            if (base.stream().noneMatch(p -> p.pidnsInode() == c.parentPidnsInode() && p != c)) {
                addSubtree(c, base, out);
            }
        }
        return out;
    }

    private static void addSubtree(Container c, List<Container> all, List<Container> out) {
        out.add(c);
        for (Container child : all) {
            if (child.parentPidnsInode() == c.pidnsInode() && child != c) {
                addSubtree(child, all, out);
            }
        }
    }

    private static Map<Container, Integer> depths(List<Container> ordered, Snapshot snapshot) {
        Map<Long, Container> byInode = new LinkedHashMap<>();
        ordered.forEach(c -> byInode.put(c.pidnsInode(), c));
        Map<Container, Integer> depth = new LinkedHashMap<>();
        for (Container c : ordered) {
            Container p = byInode.get(c.parentPidnsInode());
            depth.put(c, p == null || p == c ? 0 : depth.getOrDefault(p, 0) + 1);
        }
        return depth;
    }

    static Map<String, Object> containerJson(Container c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("runtime", c.runtime());
        m.put("id", c.id());
        m.put("pidnsInode", c.pidnsInode());
        m.put("pidnsId", c.pidnsId());
        m.put("parentPidnsInode", c.parentPidnsInode());
        m.put("level", c.level());
        m.put("initPid", c.initPid());
        m.put("pids", c.pids());
        m.put("image", c.image());
        m.put("pod", c.pod());
        m.put("k8sNamespace", c.k8sNamespace());
        m.put("hostname", c.hostname());
        return m;
    }

    static List<Map<String, Object>> processesJson(Container c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProcessInfo p : c.processes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", p.pid());
            m.put("containerPid", p.containerPid());
            m.put("nspid", p.nspid());
            m.put("ppid", p.ppid());
            m.put("tids", p.tids());
            m.put("comm", p.comm());
            m.put("cmdline", p.cmdline());
            out.add(m);
        }
        return out;
    }
}
