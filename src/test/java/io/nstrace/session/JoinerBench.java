package io.nstrace.session;

import io.nstrace.testing.Workloads;
import io.nstrace.discovery.ProcessInfo;
import io.nstrace.tracefs.TraceFs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Joiner admission latency (spawn of an nsenter joiner to pidsAdded) with few and with many extra host
 * processes: the watcher's cost per new PID must not grow with the host's process count. Run by
 * scripts/bench-joiners; prints figures, asserts nothing.
 */
public final class JoinerBench {
    private JoinerBench() {
    }

    public static void main(String[] args) throws Exception {
        int joiners = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int extra = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        Path state = Files.createTempDirectory("nstrace-bench");
        TraceFs traceFs = TraceFs.locate(Path.of("/proc"), Optional.empty());
        Process ns = Workloads.unshare("sleep 600");
        List<Process> idle = new ArrayList<>();
        try (FencedInstances m = FencedInstances.live(traceFs, LiveContainers.PROC, new StateDir(state))) {
            int init = Workloads.initOf(ns);
            CopyOnWriteArrayList<Long> added = new CopyOnWriteArrayList<>();
            FencedInstance s = m.attach(LiveContainers.of("bench", init), SessionOptions.events("sched:sched_process_exec"),
                    new SessionListener() {
                        @Override
                        public void pidsAdded(FencedInstance t, List<ProcessInfo> p) {
                            added.add(System.nanoTime());
                        }
                    });
            s.start();
            List<Long> few = measure(init, joiners, added);
            for (int i = 0; i < extra; i++) {
                idle.add(new ProcessBuilder("sleep", "600").start());
            }
            List<Long> fewLag = m.joinerLags().stream().map(n -> n / 1_000_000).toList();
            List<Long> many = measure(init, joiners, added);
            List<Long> all = m.joinerLags().stream().map(n -> n / 1_000_000).toList();
            List<Long> manyLag = all.subList(Math.min(fewLag.size(), all.size()), all.size());
            System.out.printf("host processes: %d, then %d more%n", LiveContainers.PROC.pids().size() - extra, extra);
            report("few host processes ", few);
            report("+" + extra + " host processes", many);
            System.out.printf("median ratio many/few: %.2f%n", (double) median(many) / Math.max(1, median(few)));
            if (!fewLag.isEmpty() && !manyLag.isEmpty()) {
                System.out.printf("kernel fork/exec event -> admitted, few: median %d ms max %d; many: median %d ms"
                        + " max %d (n=%d/%d)%n", median(fewLag), fewLag.stream().max(Long::compare).orElse(0L),
                        median(manyLag), manyLag.stream().max(Long::compare).orElse(0L), fewLag.size(), manyLag.size());
            }
            System.out.println("load: " + Files.readString(Path.of("/proc/loadavg")).strip());
        } finally {
            idle.forEach(Process::destroyForcibly);
            Workloads.kill(ns);
        }
    }

    static List<Long> measure(int init, int n, List<Long> added) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int before = added.size();
            long t0 = System.nanoTime();
            Process j = new ProcessBuilder("nsenter", "-t", Integer.toString(init), "-p", "--", "sleep", "1").start();
            while (added.size() == before && System.nanoTime() - t0 < 3_000_000_000L) {
                Thread.sleep(1);
            }
            out.add(added.size() > before ? (added.get(before) - t0) / 1_000_000 : -1);
            j.waitFor();
        }
        return out;
    }

    static long median(List<Long> v) {
        List<Long> s = v.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    static void report(String label, List<Long> v) {
        List<Long> s = v.stream().sorted().toList();
        System.out.printf("%s: spawn->admitted ms median %d, p90 %d, max %d (n=%d)%n", label, median(v),
                s.get((int) (s.size() * 0.9)), s.getLast(), s.size());
    }
}
