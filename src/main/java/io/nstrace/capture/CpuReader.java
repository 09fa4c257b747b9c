package io.nstrace.capture;

import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.ringbuffer.PageDecoder;
import io.nstrace.sys.Libc;
import io.nstrace.sys.NativeException;
import io.nstrace.sys.RawFile;
import io.nstrace.sys.ReadBuffer;
import io.nstrace.sys.Splice;
import io.nstrace.sys.WakeFd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Drains one CPU's {@code trace_pipe_raw} into a spool file. Full pages move with splice(2) through a pipe, as
 * trace-cmd does, so they never cross user space, and nstrace never looks inside them while recording: the
 * events they hold are counted by the kernel ({@code read events} in the CPU's stats, see {@link CpuCounters}) and
 * decoded when the trace is dumped. Between drains the reader blocks in poll(2), which the kernel answers
 * when the ring buffer is the instance's {@code buffer_percent} full, so a busy CPU costs a wake-up per
 * quarter of its buffer instead of one per millisecond; the poll times out after {@code pollTimeoutMillis} so pages of a
 * slow trace still arrive (and are counted); {@link #finish()} ends the poll at once through an eventfd (tracing_on 0
 * wakes no poller: a stop would otherwise wait out the time-out, 100 ms of every short job). After it, the reader
 * splices what is left, reads the last partial page(s) with read(2), bounded by {@code drainLimitPages}, and
 * returns.
 *
 * <p>When the spool cannot take a chunk (full, quota, I/O error) the reader keeps what is already spooled,
 * truncates the spool file back to its last whole chunk, reports the failure once to {@code onSpoolFailure} (which
 * stops tracing) and from then on drains the ring buffer without keeping it, counting those events as
 * {@link #discarded()} (the only pages it decodes, with their lost-event flags: they never reach the spool
 * file where a scan would find them): the kernel would otherwise overwrite them uncounted.
 */
final class CpuReader implements Runnable {
    private static final int PIPE_SIZE = 1 << 16;
    /** Pause when poll said readable but no full page could be spliced (buffer_percent 0: a partial page). */
    private static final long NOTHING_SPLICED_PAUSE_NANOS = 1_000_000L;
    /** Chunks moved by {@link #warmUp}: past the JIT's compile thresholds for every method on the path. */
    private static final int WARM_UP_PAGES = 400;
    /** Compiled code lives as long as the JVM: later recorders (segment rotations, more sessions) skip the warm-up. */
    private static volatile boolean warmedUp;

    private final int cpu;
    private final Path source;
    private final Path spoolPath;
    private final FileChannel spool;
    private final int pageSize;
    private final HeaderPage header;
    private final int pollTimeoutMillis;
    private final long drainLimitPages;
    private volatile boolean finishing;
    /** Woken by {@link #finish()}: the reader's poll ends at once instead of at its time-out. */
    private volatile WakeFd wake;
    private volatile Throwable failure;
    private volatile long pages;
    private volatile long lost;
    private volatile long lostUncounted;
    private volatile long discarded;
    private volatile IOException spoolFailure;
    private final Runnable onSpoolFailure;
    private long written;
    /** Bytes one splice asks for: 64 KiB, or one sub-buffer when sub-buffers are larger (splice moves whole ones). */
    private final int chunk;
    private final int[] words;
    private final long[] missed = new long[1];
    private final CountDownLatch warm = new CountDownLatch(1);

    CpuReader(int cpu, Path source, Path spoolPath, FileChannel spool, int pageSize, HeaderPage header,
              int pollTimeoutMillis, long drainLimitPages, Runnable onSpoolFailure) {
        this.cpu = cpu;
        this.onSpoolFailure = onSpoolFailure;
        this.source = source;
        this.spoolPath = spoolPath;
        this.spool = spool;
        this.pageSize = pageSize;
        this.header = header;
        this.pollTimeoutMillis = pollTimeoutMillis;
        this.drainLimitPages = drainLimitPages;
        this.chunk = Math.max(PIPE_SIZE, pageSize);
        this.words = new int[chunk / 4];
    }

    void finish() {
        finishing = true;
        WakeFd w = wake;
        if (w != null) {
            w.wake();
        }
    }

    @Override
    public void run() {
        try (WakeFd w = WakeFd.create();
             RawFile in = RawFile.openNonBlocking(source.toString());
             RawFile out = RawFile.open(spoolPath.toString(), Libc.O_WRONLY);
             Splice pipe = new Splice(chunk);
             ReadBuffer scratch = ReadBuffer.aligned(chunk, 4096)) {
            wake = w; // finish() sets the flag before it reads this: one of the two sees the other
            if (!warmedUp) {
                warmedUp = warmUp(pipe);
            }
            warm.countDown();
            long drained = spliceLoop(in, out, pipe, scratch);
            readRest(in, drained);
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            warm.countDown(); // also when the warm-up failed: start() must not wait for it
        }
    }

    /** Waits until the reader has warmed up (or failed); false when it took longer than {@code millis}. */
    boolean awaitWarm(long millis) throws InterruptedException {
        return warm.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs the whole per-wake-up path (poll, splice in, splice out) on synthetic pages in a scratch
     * file until the JIT has compiled it, before tracing starts: otherwise the first burst of a trace is handled
     * by the interpreter while the compiler competes for the CPU, and both count as the recorder's cost. Best
     * effort: a spool too small for the scratch files only means a colder start (false).
     */
    private boolean warmUp(Splice pipe) {
        Path src = spoolPath.resolveSibling(spoolPath.getFileName() + ".warm-in");
        Path dst = spoolPath.resolveSibling(spoolPath.getFileName() + ".warm-out");
        // as many bytes as 400 4-KiB pages, at least 8 sub-buffers, whatever the sub-buffer size
        int count = Math.max(8, WARM_UP_PAGES * 4096 / pageSize);
        try {
            ByteBuffer page = ByteBuffer.allocate(pageSize * count).order(ByteOrder.nativeOrder());
            int[] synthetic = syntheticPage(header, pageSize);
            for (int p = 0; p < count; p++) {
                page.asIntBuffer().put(p * synthetic.length, synthetic);
            }
            Files.write(src, page.array(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.createFile(dst);
            try (RawFile in = RawFile.open(src.toString(), Libc.O_RDONLY);
                 RawFile out = RawFile.open(dst.toString(), Libc.O_WRONLY)) {
                for (long at = 0; at < (long) pageSize * count; at += pageSize) {
                    in.awaitReadable(0); // a regular file: readable at once; compiles poll's path too
                    moveChunk(in, out, pipe, pageSize);
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            deleteQuietly(src);
            deleteQuietly(dst);
            pages = 0;
            lost = 0;
            lostUncounted = 0;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a scratch file of the warm-up; the spool directory is removed with the session anyway
        }
    }

    /** A full page of small (type_len 1) events, the shape of a syscall storm. */
    static int[] syntheticPage(HeaderPage header, int pageSize) {
        int[] page = new int[pageSize / 4];
        int data = header.dataOffset() / 4;
        int len = (page.length - data) & ~1;
        for (int i = 0; i < len; i += 2) {
            page[data + i] = 1;
        }
        page[header.commitOffset() / 4] = len * 4;
        return page;
    }

    /** Splices full pages until stopped and empty; returns the pages moved after the stop request. */
    private long spliceLoop(RawFile in, RawFile out, Splice pipe, ReadBuffer scratch)
            throws IOException {
        long drained = 0;
        boolean polledReadable = false;
        while (true) {
            boolean draining = finishing;
            long len = Math.min(pipe.pipeSize(), chunk);
            long n = spoolFailure == null ? moveOrDiscard(in, out, pipe, len, scratch)
                    : discardChunk(in, pipe, len, scratch);
            if (n > 0) {
                if (draining && (drained += n / pageSize) >= drainLimitPages) {
                    return drained;
                }
            } else if (draining) {
                return drained;
            } else {
                if (polledReadable) {
                    LockSupport.parkNanos(NOTHING_SPLICED_PAUSE_NANOS); // readable yet no full page: no spin
                }
                polledReadable = in.awaitReadable(pollTimeoutMillis, wake);
            }
        }
    }

    /** {@link #moveChunk}; when the spool refuses the chunk, it is counted as discarded and the reader fails over. */
    private long moveOrDiscard(RawFile in, RawFile out, Splice pipe, long len, ReadBuffer scratch)
            throws IOException {
        try {
            long n = moveChunk(in, out, pipe, len);
            if (n > 0) {
                written += n;
                pages += n / pageSize;
            }
            return n;
        } catch (SpoolWriteFailed f) {
            spoolFailed(f, pipe, scratch);
            return f.chunk;
        }
    }

    /**
     * The spool refused part of a chunk: the part it took is read back, the rest comes out of the pipe, all of
     * it is counted as discarded, and the spool file is cut back to the chunks before.
     */
    private void spoolFailed(SpoolWriteFailed f, Splice pipe, ReadBuffer scratch)
            throws IOException {
        long landed = Math.max(0, Math.min(f.chunk, spool.size() - written));
        if (landed > 0) {
            try (RawFile back = RawFile.open(spoolPath.toString(), Libc.O_RDONLY)) {
                back.pread(scratch, landed, written);
            }
        }
        pipe.readInto(scratch, landed, f.chunk - landed, source.toString());
        spool.truncate(written);
        discardCounted(scratch, f.chunk);
        failSpool(f.cause);
    }

    /** After a spool failure: a chunk of the ring buffer read into memory, counted and dropped. */
    private long discardChunk(RawFile in, Splice pipe, long len, ReadBuffer scratch) throws IOException {
        long n = pipe.fill(in.fd(), len, source.toString());
        if (n > 0) {
            pipe.readInto(scratch, 0, n, source.toString());
            discardCounted(scratch, n);
        }
        return n;
    }

    private void discardCounted(ReadBuffer chunk, long n) {
        chunk.copyTo(words, (int) (n / 4));
        for (int base = 0; base + pageSize <= n; base += pageSize) {
            discarded += countPage(base / 4);
        }
    }

    private void failSpool(IOException cause) {
        if (spoolFailure == null) {
            spoolFailure = cause;
            onSpoolFailure.run();
        }
    }

    /** A write to the spool that failed after {@code chunk} bytes were moved into the pipe. */
    private static final class SpoolWriteFailed extends IOException {
        private static final long serialVersionUID = 1L;
        final transient IOException cause;
        final long chunk;

        SpoolWriteFailed(IOException cause, long chunk) {
            super(cause.getMessage(), cause);
            this.cause = cause;
            this.chunk = chunk;
        }
    }

    /**
     * One step of the loop, a method of its own so that the JIT compiles it after a few hundred calls (a loop
     * body inside a long-running method would stay interpreted): splices what is ready (at most {@code len})
     * from {@code in} to {@code out}. The bytes never enter user space.
     *
     * @return the bytes moved, or -1 when nothing was ready
     */
    private long moveChunk(RawFile in, RawFile out, Splice pipe, long len) throws IOException {
        long n = pipe.fill(in.fd(), len, source.toString());
        if (n > 0) {
            try {
                pipe.drainTo(out.fd(), n, spoolPath.toString());
            } catch (NativeException e) {
                throw new SpoolWriteFailed(e, n);
            }
        }
        return n;
    }

    /** After the splices: the partial pages splice cannot move, read with read(2) and zero-padded. */
    private void readRest(RawFile in, long drained) throws IOException {
        try (ReadBuffer seg = ReadBuffer.aligned(pageSize, 4096)) {
            readRest(in, seg, drained);
        }
    }

    private void readRest(RawFile in, ReadBuffer seg, long drained) throws IOException {
        ByteBuffer page = seg.asByteBuffer().order(ByteOrder.nativeOrder());
        for (long i = drained; i < drainLimitPages; i++) {
            long n = in.read(seg);
            if (n <= 0) {
                return;
            }
            for (int b = (int) n; b < pageSize; b++) {
                page.put(b, (byte) 0);
            }
            if (spoolFailure == null) {
                writePage(page);
            } else {
                page.asIntBuffer().get(0, words, 0, pageSize / 4);
                discarded += countPage(0);
            }
            page.clear();
        }
    }

    /** Appends one partial page to the spool; a refusal discards it (counted) and fails the spool. */
    private void writePage(ByteBuffer page) throws IOException {
        long at = written;
        try {
            while (page.hasRemaining()) {
                at += spool.write(page, at);
            }
        } catch (IOException e) {
            spool.truncate(written);
            page.asIntBuffer().get(0, words, 0, pageSize / 4);
            discarded += countPage(0);
            failSpool(e);
            return;
        }
        written = at;
        pages++;
    }

    /**
     * Counts a page nstrace could not keep, at word {@code baseWord} of {@link #words}: returns its events and
     * adds the loss its header reports (kernel overwrites before it) to {@link #lost()} or
     * {@link #lostUncounted()}.
     */
    private long countPage(int baseWord) {
        long n = PageDecoder.countEvents(words, baseWord, header, missed);
        if (missed[0] > 0) {
            lost += missed[0];
        } else if (missed[0] < 0) {
            lostUncounted++;
        }
        return n;
    }

    int cpu() {
        return cpu;
    }

    long pages() {
        return pages;
    }

    /** Losses the headers of the discarded pages reported (the spooled pages are not looked at). */
    long lost() {
        return lost;
    }

    long lostUncounted() {
        return lostUncounted;
    }

    Throwable failure() {
        return failure;
    }

    /** Events read from the ring buffer that the spool could not keep. */
    long discarded() {
        return discarded;
    }

    /** Why the spool refused a write, or null. */
    IOException spoolFailure() {
        return spoolFailure;
    }
}
