package io.nstrace.bench;

import io.nstrace.cli.Counts;

import io.nstrace.cli.NstraceCommand;

import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Hidden: times in-process discovery for scripts/bench-discovery. Prints one line of key=value figures:
 * the median, min and max of {@code --runs} scans after {@code --warmup} scans, and what the last scan found.
 */
@Command(name = "bench-discovery", mixinStandardHelpOptions = true, hidden = true, description = "Time discovery scans (for scripts/bench-discovery).")
public final class DiscoveryBenchCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", defaultValue = "15", converter = Counts.Positive.class, description = "Timed scans (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "20", converter = Counts.NonNegative.class, description = "Untimed scans first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--full", description = "Time the full scan (every process in detail) instead of the one ps uses.")
    boolean full;

    @Override
    public Integer call() {
        ContainerDiscovery discovery = parent.services().discovery();
        Snapshot last = null;
        for (int i = 0; i < warmup; i++) {
            last = full ? discovery.scan() : discovery.scanNamespaces();
        }
        double[] ms = new double[Math.max(1, runs)];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            last = full ? discovery.scan() : discovery.scanNamespaces();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        int procs = last.host().processes().size()
                + last.containers().stream().mapToInt(c -> c.processes().size()).sum();
        spec.commandLine().getOut().printf("median_ms=%.2f min_ms=%.2f max_ms=%.2f runs=%d namespaces=%d processes=%d skipped=%d%n",
                ms[ms.length / 2], ms[0], ms[ms.length - 1], ms.length, last.containers().size() + 1, procs,
                last.skipped());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
