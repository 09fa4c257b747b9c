package io.nstrace.capture;

import io.nstrace.error.NstraceException;
import io.nstrace.tracefs.TraceInstance;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Records one tracefs instance: a reader thread per CPU drains {@code per_cpu/cpuN/trace_pipe_raw} into
 * {@code <spool>/<instance>.cpuN} (directory 0700, files 0600) while the session runs, so memory stays flat.
 * {@link #stop()} drains what is left, closes the files and returns the {@link Spool} with per-CPU counts.
 * The readers only move pages; the counts come from the kernel's per-CPU counters ({@link CpuCounters}: events
 * read, overrun, dropped) taken at start, on demand while it runs, and at stop, and from a scan of the spool files
 * when those counters cannot say ({@link SpoolScan}).
 * When the spool refuses a write, the readers keep what was spooled and count the rest as discarded
 * ({@link CpuReader}); {@link #onSpoolFailure} hears of it once, so the owner can stop tracing at once.
 */
public final class SpoolDrain implements AutoCloseable {
    /** Longest a reader blocks in poll(2) before it drains complete pages anyway and checks for stop. */
    public static final int DEFAULT_POLL_TIMEOUT_MILLIS = 100;
    /**
     * The instance's {@code buffer_percent}: poll(2) on trace_pipe_raw wakes the reader when a CPU's buffer is
     * this full. trace-cmd keeps the kernel's 50; a quarter leaves three quarters of the buffer to absorb the
     * reader's scheduling delay. Measured: 5, 25 and 50 lost alike on a loaded machine (load 7), and 25 and 50
     * used the same CPU on a quiet one (0.29 s mean over four 5 M-event storms each).
     */
    static final int BUFFER_PERCENT = 25;
    private static final long WARM_UP_WAIT_MILLIS = 5_000;

    private final TraceInstance instance;
    private final Path spoolDir;
    private final TraceMeta meta;
    private final List<CpuReader> readers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<FileChannel> files = new ArrayList<>();
    private final List<Path> paths = new ArrayList<>();
    /** Each reader's CPU counters before it read anything. */
    private final List<CpuCounters> startCounters = new ArrayList<>();
    /** For a CPU without counters: its spool file's pages walked so far (live counts), guarded by itself. */
    private final List<SpoolScan[]> scanned = new ArrayList<>();
    private volatile Spool result;
    private final java.util.concurrent.atomic.AtomicBoolean spoolFailed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile java.util.function.Consumer<IOException> spoolFailureListener;

    private SpoolDrain(TraceInstance instance, Path spoolDir, TraceMeta meta) {
        this.instance = instance;
        this.spoolDir = spoolDir;
        this.meta = meta;
    }

    /** Starts a reader per CPU of {@code instance}; {@code procRoot} gives kallsyms and uname. */
    public static SpoolDrain start(TraceInstance instance, Path procRoot, Path spoolDir) {
        return start(instance, procRoot, spoolDir, DEFAULT_POLL_TIMEOUT_MILLIS);
    }

    /** As {@link #start(TraceInstance, Path, Path)}, with the readers' poll time-out (stop latency) given. */
    public static SpoolDrain start(TraceInstance instance, Path procRoot, Path spoolDir, int pollTimeoutMillis) {
        List<Integer> cpus = cpus(instance);
        TraceMeta meta = TraceMeta.collect(instance, procRoot, cpus.isEmpty() ? 0 : cpus.getLast() + 1);
        return start(instance, meta, cpus, spoolDir, pollTimeoutMillis);
    }

    /**
     * Starts a reader per CPU reusing {@code meta} from an earlier recorder of the same instance (its formats,
     * symbols and clock do not change while the session lives): collecting it reads every event's enable file
     * and kallsyms, a few hundred ms, which a recording that rotates segments (dump of a running session,
     * dump --follow) should not pay each time.
     */
    public static SpoolDrain resume(TraceInstance instance, TraceMeta meta, Path spoolDir) {
        return start(instance, meta, cpus(instance), spoolDir, DEFAULT_POLL_TIMEOUT_MILLIS);
    }

    private static SpoolDrain start(TraceInstance instance, TraceMeta meta, List<Integer> cpus, Path spoolDir,
                                  int pollTimeoutMillis) {
        SpoolDrain r = new SpoolDrain(instance, spoolDir, meta);
        createSpoolDir(spoolDir);
        setBufferPercent(instance);
        long drainLimit = bufferPages(instance, meta.pageSize()) * 2 + 16;
        try {
            for (int cpu : cpus) {
                Path file = spoolDir.resolve(instance.name() + ".cpu" + cpu);
                FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                r.files.add(ch);
                r.paths.add(file);
                CpuReader reader = new CpuReader(cpu, instance.file("per_cpu/cpu" + cpu + "/trace_pipe_raw"), file, ch,
                        meta.pageSize(), meta.headerPage(), pollTimeoutMillis, drainLimit, r::spoolFailed);
                r.readers.add(reader);
                r.startCounters.add(r.counters(cpu));
                r.scanned.add(new SpoolScan[] {SpoolScan.NONE});
            }
        } catch (FileAlreadyExistsException e) {
            r.closeFiles();
            throw NstraceException.user("spool file already exists: " + e.getFile() + "; use an empty spool directory");
        } catch (IOException e) {
            r.closeFiles();
            throw NstraceException.user("cannot create spool file in " + spoolDir + ": " + e.getMessage());
        }
        for (CpuReader reader : r.readers) {
            Thread t = Thread.ofPlatform().daemon().name("nstrace-rec-" + instance.name() + "-cpu" + reader.cpu())
                    .start(reader);
            r.threads.add(t);
        }
        r.awaitWarmReaders();
        return r;
    }

    /** Returns once every reader has warmed up its hot path (bounded: a slow machine only records less warm). */
    private void awaitWarmReaders() {
        long deadline = System.nanoTime() + WARM_UP_WAIT_MILLIS * 1_000_000L;
        try {
            for (CpuReader reader : readers) {
                reader.awaitWarm(Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The CPUs the instance has a buffer for (per_cpu/cpuN), ascending. */
    public static List<Integer> cpus(TraceInstance instance) {
        List<Integer> out = new ArrayList<>();
        try (var s = Files.list(instance.file("per_cpu"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("cpu\\d+"))
                    .map(n -> Integer.parseInt(n.substring(3))).sorted().forEach(out::add);
        } catch (IOException e) {
            throw NstraceException.environment("cannot list " + instance.file("per_cpu") + ": " + e.getMessage());
        }
        return out;
    }

    /** Without buffer_percent (kernels before 5.1) poll reports any data; the reader then pauses 1 ms per try. */
    private static void setBufferPercent(TraceInstance instance) {
        if (Files.exists(instance.file("buffer_percent"))) {
            instance.write("buffer_percent", String.valueOf(BUFFER_PERCENT));
        }
    }

    private static long bufferPages(TraceInstance instance, int pageSize) {
        try {
            String kb = instance.read("buffer_size_kb").strip().replaceAll("\\D.*", "");
            return Long.parseLong(kb) * 1024 / pageSize;
        } catch (RuntimeException e) {
            return 1024;
        }
    }

    static void createSpoolDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw NstraceException.user("cannot create spool directory " + dir + ": " + e.getMessage());
        }
    }

    /** A reader's spool write failed: tell the listener once (now, or when it is set). */
    private void spoolFailed() {
        java.util.function.Consumer<IOException> l = spoolFailureListener;
        IOException cause = spoolFailure();
        if (l != null && cause != null && spoolFailed.compareAndSet(false, true)) {
            l.accept(cause);
        }
    }

    /**
     * Gives {@code listener} the first write the spool refused, once, on a reader's thread (at once if that
     * happened already). It must be quick, must not wait for a lock and must not call {@link #stop()}.
     */
    public void onSpoolFailure(java.util.function.Consumer<IOException> listener) {
        spoolFailureListener = listener;
        if (spoolFailure() != null) {
            spoolFailed();
        }
    }

    /** The first write the spool refused (its errno in a {@link io.nstrace.sys.NativeException}), or null. */
    public IOException spoolFailure() {
        return readers.stream().map(CpuReader::spoolFailure).filter(java.util.Objects::nonNull).findFirst()
                .orElse(null);
    }

    /** Bytes spooled so far (live). */
    public long bytes() {
        return readers.stream().mapToLong(CpuReader::pages).sum() * meta.pageSize();
    }

    /**
     * Events kept so far (live; the final count after {@link #stop()}): events the kernel handed the readers since
     * they started, less those the spool could not keep. Reads each CPU's stats file; 0 for a CPU without one.
     */
    public long events() {
        Spool done = result;
        if (done != null) {
            return done.events();
        }
        long n = 0;
        for (int i = 0; i < readers.size(); i++) {
            CpuReader r = readers.get(i);
            long read = counters(r.cpu()).readSince(startCounters.get(i));
            n += read >= 0 ? Math.max(0, read - r.discarded()) : scannedSoFar(i).events();
        }
        return n;
    }

    /**
     * Where the kernel keeps no counters (no stats file: old kernels, fixtures): the pages spooled since the
     * previous call are walked, so a live count costs only the new pages and only when asked for.
     */
    private SpoolScan scannedSoFar(int i) {
        SpoolScan[] done = scanned.get(i);
        synchronized (done) {
            long from = done[0].pages() * meta.pageSize();
            long to = readers.get(i).pages() * meta.pageSize();
            if (to > from) {
                try {
                    done[0] = done[0].plus(SpoolScan.of(paths.get(i), from, to, meta.pageSize(), meta.headerPage()));
                } catch (IOException e) {
                    return done[0]; // the file went with the session: the last count stands
                }
            }
            return done[0];
        }
    }

    /**
     * Events lost so far (live; the final count after {@link #stop()}): what the kernel overwrote or refused since
     * the readers started, what the headers of pages the readers could not keep reported, and those pages' events.
     */
    public long lost() {
        Spool done = result;
        if (done != null) {
            return done.lost();
        }
        long n = 0;
        for (int i = 0; i < readers.size(); i++) {
            CpuReader r = readers.get(i);
            n += Math.max(counters(r.cpu()).lostSince(startCounters.get(i)), r.lost()) + r.discarded();
        }
        return n;
    }

    private CpuCounters counters(int cpu) {
        return CpuCounters.parse(TraceMeta.readString(statsFile(cpu)).orElse(""));
    }

    private Path statsFile(int cpu) {
        return instance.file("per_cpu/cpu" + cpu + "/stats");
    }

    /** Drains what is left (never blocking), closes the spool files and returns the result. Idempotent. */
    public synchronized Spool stop() {
        if (result != null) {
            return result;
        }
        readers.forEach(CpuReader::finish);
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeFiles();
        List<CpuSpool> spools = new ArrayList<>();
        for (int i = 0; i < readers.size(); i++) {
            CpuReader r = readers.get(i);
            if (r.failure() != null) {
                throw NstraceException.environment("reading " + instance.file("per_cpu/cpu" + r.cpu()
                        + "/trace_pipe_raw") + " failed: " + r.failure().getMessage());
            }
            String stats = TraceMeta.readString(statsFile(r.cpu())).orElse("");
            spools.add(cpuSpool(r, paths.get(i), startCounters.get(i), stats));
        }
        String cmdlines = TraceMeta.readString(instance.traceFs().root().resolve("saved_cmdlines")).orElse("");
        result = new Spool(instance.name(), spoolDir, meta, List.copyOf(spools), cmdlines);
        return result;
    }

    /**
     * One reader's result. Its events are the kernel's {@code read events} since the start less what was
     * discarded; its page-header losses are covered by the overrun in {@code stats} (the stored counts are
     * differences of it). When the counters cannot say, the spool file's pages are walked instead.
     */
    private CpuSpool cpuSpool(CpuReader r, Path file, CpuCounters start, String stats) {
        long bytes = r.pages() * meta.pageSize();
        long read = CpuCounters.parse(stats).readSince(start);
        long events = read - r.discarded();
        long inPages = r.lost();
        long uncounted = r.lostUncounted();
        if (read < 0 || events < 0 || !stats.contains("overrun:")) {
            try {
                SpoolScan scan = SpoolScan.of(file, bytes, meta.pageSize(), meta.headerPage());
                events = scan.events();
                inPages += scan.lostInPages();
                uncounted += scan.uncountedPages();
            } catch (IOException e) {
                throw NstraceException.environment("cannot read spool file " + file + ": " + e.getMessage());
            }
        }
        return new CpuSpool(r.cpu(), file, r.pages(), bytes, events, inPages, uncounted, r.discarded(), stats);
    }

    private void closeFiles() {
        for (FileChannel ch : files) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
