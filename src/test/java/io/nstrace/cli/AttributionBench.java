package io.nstrace.cli;

import io.nstrace.format.output.EventContext;
import io.nstrace.format.EventReader;
import io.nstrace.format.output.JsonWriter;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.format.ringbuffer.TraceEvent;
import io.nstrace.testing.Runtimes;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * scripts/bench-attribution and AttributionDockerTest: real workloads in a Docker container that bind-mounts the
 * host's /proc read-only at /hostproc, so every task prints its own ground truth (its PID or TID in the container
 * and on the host) without nstrace; then {@code nstrace record} (its own JVM, the real entry point) traces the
 * container and each event's {@code container}/{@code containerPid}, as {@code report --format json} gives them, is
 * checked against that truth. A host-side loop prints its PIDs too: any of its events tagged with the container is
 * misattributed.
 */
public final class AttributionBench {
    /**
     * The figures of one workload: {@code truthEvents} are the events of tasks with ground truth; {@code correct}
     * carry the container and the right in-container PID; {@code wrong} a different PID; {@code unknown} the
     * container but no PID; {@code misattributed} another container's name, or the container's for a host task or
     * the idle task; {@code unverified} the container's events of tasks that printed no truth (runc's helpers).
     */
    public record Score(String workload, long truthTasks, long truthEvents, long correct, long wrong, long unknown,
                        long misattributed, long unverified, long hostEvents) {
        public double share() {
            return truthEvents == 0 ? 0 : 100.0 * correct / truthEvents;
        }

        @Override
        public String toString() {
            return String.format("%-30s tasks %6d  events %8d  correct %7.3f%%  wrong %d  unknown %d  "
                            + "misattributed %d  unverified %d  host-loop events %d", workload, truthTasks,
                    truthEvents, share(), wrong, unknown, misattributed, unverified, hostEvents);
        }
    }

    private final Path dir;
    private final Runtimes docker = Runtimes.docker();
    private final String name;

    public AttributionBench(Path dir) {
        this.dir = dir;
        this.name = "attribution-bench-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** (a) a tight loop of /bin/cat processes living ~1 ms each. */
    public Score catLoop(Duration d) throws Exception {
        String script = truthOfShell() + "while :; do /bin/cat /proc/self/stat /hostproc/self/stat >>/out/stat; done";
        return run("(a) 1 ms /bin/cat loop", script, d, null);
    }

    /** (b) a thread-per-request TCP server and a client hammering it, both in the container. */
    public Score threadServer(Duration d) throws Exception {
        Path bin = dir.resolve("attr-threads");
        compile(bin);
        String script = truthOfShell() + "/out/attr-threads server 8080 /out/truth & sleep 0.2; "
                + "exec /out/attr-threads client 8080 /out/truth 100000000 300";
        return run("(b) thread per request", script, d, null);
    }

    /**
     * (c) docker exec joiners: a shell entering the running container that execs /bin/cat after 20 ms and is gone
     * ~1 ms later. A joiner is traced from its admission on (one append, ~30 ms after its fork under load): one
     * that exits sooner is not recorded at all, so the shell waits long enough for its own events to be there.
     */
    public Score execJoiners(Duration d) throws Exception {
        return execJoiners(d, "0.02");
    }

    /** (c) with the joiner's shell waiting {@code pause} seconds before its exec of /bin/cat. */
    public Score execJoiners(Duration d, String pause) throws Exception {
        String script = truthOfShell() + "exec sleep 100000";
        return run("(c) docker exec joiners", script, d, () -> {
            Runtimes.Exec.Result r = Runtimes.Exec.run(Duration.ofSeconds(30), "docker", "exec", name, "sh", "-c",
                    "sleep " + pause + "; exec /bin/cat /proc/self/stat /hostproc/self/stat");
            if (r.exitCode() == 0) {
                Files.writeString(dir.resolve("stat"), r.out(), java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
        });
    }

    /** The container's shell prints its own PID in both namespaces first (the redirect is the shell's own open). */
    private static String truthOfShell() {
        return "read s </hostproc/self/stat; echo \"$$ ${s%% *}\" >>/out/truth; ";
    }

    private interface Step {
        void run() throws Exception;
    }

    private Score run(String workload, String script, Duration d, Step during) throws Exception {
        Files.createDirectories(dir);
        docker.ensureImage();
        Process hostLoop = null;
        Process record = null;
        Path dat = dir.resolve("trace.dat");
        Path err = dir.resolve("record.err");
        try {
            Runtimes.Exec.Result r = Runtimes.Exec.run(Duration.ofMinutes(1), "docker", "run", "-d", "--name", name,
                    "--network", "none", "-v", "/proc:/hostproc:ro", "-v", dir + ":/out", docker.image(), "sh", "-c",
                    script);
            if (r.exitCode() != 0) {
                throw new IllegalStateException("docker run failed: " + r.err());
            }
            hostLoop = new ProcessBuilder("sh", "-c", "while :; do /bin/cat /proc/self/stat >>" + dir.resolve("host")
                    + "; sleep 0.01; done").start();
            Thread.sleep(500);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            record = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp",
                    System.getProperty("java.class.path"), "io.nstrace.Main", "record", name, "-d",
                    d.toMillis() + "ms", "--spool", dir.resolve("spool").toString(), "-o", dat.toString()))
                    .redirectErrorStream(true).redirectOutput(err.toFile()).start();
            long end = System.nanoTime() + d.toNanos() + TimeUnit.SECONDS.toNanos(3);
            while (during != null && record.isAlive() && System.nanoTime() < end) {
                during.run();
            }
            if (!record.waitFor(120, TimeUnit.SECONDS) || record.exitValue() != 0) {
                throw new IllegalStateException("record failed: " + Files.readString(err));
            }
        } finally {
            if (hostLoop != null) {
                hostLoop.destroy();
            }
            if (record != null && record.isAlive()) {
                record.destroyForcibly().waitFor();
            }
            docker.remove(name);
        }
        Map<Integer, Integer> truth = truth();
        return score(workload, dat, name, truth, hostPids());
    }

    /**
     * Host TID to in-container TID, from /out/truth ("inner host" lines) and /out/stat (stat pairs). A host TID
     * the workload reused with another in-container TID (pid_max wrapped) has no single truth: left out.
     */
    private Map<Integer, Integer> truth() throws IOException {
        Map<Integer, Integer> t = new HashMap<>() {
            private final Set<Integer> conflicting = new HashSet<>();

            @Override
            public Integer put(Integer host, Integer inner) {
                if (conflicting.contains(host)) {
                    return null;
                }
                Integer old = super.put(host, inner);
                if (old != null && !old.equals(inner)) {
                    conflicting.add(host);
                    remove(host);
                }
                return old;
            }
        };
        Path truth = dir.resolve("truth");
        if (Files.exists(truth)) {
            for (String l : Files.readAllLines(truth)) {
                String[] p = l.trim().split(" ");
                if (p.length == 2) {
                    t.put(Integer.parseInt(p[1]), Integer.parseInt(p[0]));
                }
            }
        }
        Path stat = dir.resolve("stat");
        if (Files.exists(stat)) {
            List<String> lines = Files.readAllLines(stat);
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                String inner = lines.get(i).split(" ", 2)[0];
                String host = lines.get(i + 1).split(" ", 2)[0];
                if (inner.matches("\\d+") && host.matches("\\d+")) {
                    t.put(Integer.parseInt(host), Integer.parseInt(inner));
                }
            }
        }
        return t;
    }

    private Set<Integer> hostPids() throws IOException {
        Set<Integer> s = new HashSet<>();
        Path host = dir.resolve("host");
        if (Files.exists(host)) {
            for (String l : Files.readAllLines(host)) {
                String f = l.split(" ", 2)[0];
                if (f.matches("\\d+")) {
                    s.add(Integer.parseInt(f));
                }
            }
        }
        return s;
    }

    /** Scores every event of {@code dat} as {@code report --format json} attributes it. */
    public static Score score(String workload, Path dat, String container, Map<Integer, Integer> truth,
                              Set<Integer> hostPids) throws IOException {
        TraceData data = TraceDatReader.read(dat);
        EventContext ctx = EventContext.of(data);
        JsonWriter json = new JsonWriter(new StringWriter(), ctx);
        long events = 0;
        long correct = 0;
        long wrong = 0;
        long unknown = 0;
        long mis = 0;
        long unverified = 0;
        long host = 0;
        try (EventReader reader = new EventReader(data)) {
            while (reader.hasNext()) {
                TraceEvent e = reader.next();
                if (e.isLostMarker()) {
                    continue;
                }
                Map<String, Object> o = json.object(e);
                Object c = o.get("container");
                Object cpid = o.get("containerPid");
                Integer expected = truth.get(e.pid());
                if (expected != null) {
                    events++;
                    if (c != null && !container.equals(c)) {
                        mis++;
                    } else if (cpid == null || c == null) {
                        unknown++;
                    } else if (((Number) cpid).intValue() == expected) {
                        correct++;
                    } else {
                        wrong++;
                    }
                } else if (container.equals(c)) {
                    if (e.pid() == 0 || hostPids.contains(e.pid())) {
                        mis++;
                    } else {
                        unverified++;
                    }
                }
                if (hostPids.contains(e.pid())) {
                    host++;
                }
            }
        }
        return new Score(workload, truth.size(), events, correct, wrong, unknown, mis, unverified, host);
    }

    private static void compile(Path bin) throws IOException {
        Files.createDirectories(bin.getParent());
        Path src = Path.of(System.getProperty("nstrace.home", "."), "scripts", "bench", "attr-threads.c");
        Runtimes.Exec.Result r = Runtimes.Exec.run(Duration.ofMinutes(2), "gcc", "-static", "-O2", "-pthread", "-o",
                bin.toString(), src.toString());
        if (r.exitCode() != 0 || !Files.isExecutable(bin)) {
            throw new IllegalStateException("gcc -static " + src + " failed: " + r.err());
        }
    }

    /** {@code AttributionBench DIR SECONDS [a|b|c]...}: prints one line per workload. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Duration d = Duration.ofSeconds(Long.parseLong(args[1]));
        List<String> which = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("a", "b", "c");
        List<Score> scores = new ArrayList<>();
        for (String w : which) {
            AttributionBench b = new AttributionBench(dir.resolve(w));
            Score s = switch (w) {
                case "a" -> b.catLoop(d);
                case "b" -> b.threadServer(d);
                case "c" -> b.execJoiners(d);
                default -> throw new IllegalArgumentException("unknown workload " + w + " (a, b or c)");
            };
            System.out.println(s);
            scores.add(s);
        }
    }
}
