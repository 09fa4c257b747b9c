package io.nstrace.capture;

import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.ringbuffer.PageDecoder;
import io.nstrace.sys.Libc;
import io.nstrace.sys.RawFile;
import io.nstrace.sys.ReadBuffer;
import io.nstrace.sys.Splice;

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
 * trace-cmd does, so they never cross user space; each spliced chunk is then read back from the page cache to
 * count its events and lost-event flags. Between drains the reader blocks in poll(2), which the kernel answers
 * when the ring buffer is the instance's {@code buffer_percent} full, so a busy CPU costs a wake-up per
 * quarter of its buffer instead of one per millisecond; the poll times out after {@code pollTimeoutMillis} so pages of a
 * slow trace still arrive (and are counted) and {@link #finish()} is seen promptly. After {@link #finish()} it
 * splices what is left, reads the last partial page(s) with read(2), bounded by {@code drainLimitPages}, and
 * returns.
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
    private volatile Throwable failure;
    private volatile long pages;
    private volatile long events;
    private volatile long lost;
    private volatile long lostUncounted;
    private long written;
    private final int[] words;
    private final long[] missed = new long[1];
    private final ReadBuffer wordsSegment;
    private final CountDownLatch warm = new CountDownLatch(1);

    CpuReader(int cpu, Path source, Path spoolPath, FileChannel spool, int pageSize, HeaderPage header,
              int pollTimeoutMillis, long drainLimitPages) {
        this.cpu = cpu;
        this.source = source;
        this.spoolPath = spoolPath;
        this.spool = spool;
        this.pageSize = pageSize;
        this.header = header;
        this.pollTimeoutMillis = pollTimeoutMillis;
        this.drainLimitPages = drainLimitPages;
        this.words = new int[PIPE_SIZE / 4];
        this.wordsSegment = ReadBuffer.of(words);
    }

    void finish() {
        finishing = true;
    }

    @Override
    public void run() {
        try (RawFile in = RawFile.openNonBlocking(source.toString());
             RawFile out = RawFile.open(spoolPath.toString(), Libc.O_WRONLY);
             RawFile back = RawFile.open(spoolPath.toString(), Libc.O_RDONLY);
             Splice pipe = new Splice(PIPE_SIZE)) {
            if (!warmedUp) {
                warmUp(pipe);
                warmedUp = true;
            }
            warm.countDown();
            long drained = spliceLoop(in, out, back, pipe);
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
     * Runs the whole per-chunk path (splice in, splice out, read back, count) on synthetic pages in a scratch
     * file until the JIT has compiled it, before tracing starts: otherwise the first burst of a trace is handled
     * by the interpreter while the compiler competes for the CPU, and both count as the recorder's cost.
     */
    private void warmUp(Splice pipe) throws IOException {
        Path src = spoolPath.resolveSibling(spoolPath.getFileName() + ".warm-in");
        Path dst = spoolPath.resolveSibling(spoolPath.getFileName() + ".warm-out");
        try {
            ByteBuffer page = ByteBuffer.allocate(pageSize * WARM_UP_PAGES).order(ByteOrder.nativeOrder());
            int[] synthetic = syntheticPage(header, pageSize);
            for (int p = 0; p < WARM_UP_PAGES; p++) {
                page.asIntBuffer().put(p * synthetic.length, synthetic);
            }
            Files.write(src, page.array(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.createFile(dst);
            try (RawFile in = RawFile.open(src.toString(), Libc.O_RDONLY);
                 RawFile out = RawFile.open(dst.toString(), Libc.O_WRONLY);
                 RawFile back = RawFile.open(dst.toString(), Libc.O_RDONLY)) {
                for (long at = 0; at < (long) pageSize * WARM_UP_PAGES; at += pageSize) {
                    moveChunk(in, out, back, pipe, pageSize, at);
                }
            }
        } finally {
            Files.deleteIfExists(src);
            Files.deleteIfExists(dst);
        }
        pages = 0;
        events = 0;
        lost = 0;
        lostUncounted = 0;
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
    private long spliceLoop(RawFile in, RawFile out, RawFile back, Splice pipe) throws IOException {
        long drained = 0;
        boolean polledReadable = false;
        while (true) {
            boolean draining = finishing;
            long n = moveChunk(in, out, back, pipe, Math.min(pipe.pipeSize(), PIPE_SIZE), written);
            if (n > 0) {
                written += n;
                if (draining && (drained += n / pageSize) >= drainLimitPages) {
                    return drained;
                }
            } else if (draining) {
                return drained;
            } else {
                if (polledReadable) {
                    LockSupport.parkNanos(NOTHING_SPLICED_PAUSE_NANOS); // readable yet no full page: no spin
                }
                polledReadable = in.awaitReadable(pollTimeoutMillis);
            }
        }
    }

    /**
     * One step of the loop, a method of its own so that the JIT compiles it after a few hundred calls (a loop
     * body inside a long-running method would stay interpreted): splices what is ready (at most {@code len})
     * from {@code in} to {@code out}, whose end is at offset {@code at}, then reads it back and counts it.
     *
     * @return the bytes moved, or -1 when nothing was ready
     */
    private long moveChunk(RawFile in, RawFile out, RawFile back, Splice pipe, long len, long at)
            throws IOException {
        long n = pipe.fill(in.fd(), len, source.toString());
        if (n > 0) {
            pipe.drainTo(out.fd(), n, spoolPath.toString());
            countBack(back, at, n);
        }
        return n;
    }

    /**
     * Reads back {@code n} freshly spliced bytes at {@code at} of {@code file} from the page cache straight into
     * {@link #words} and counts their pages.
     */
    private void countBack(RawFile file, long at, long n) throws IOException {
        long got = file.pread(wordsSegment, n, at);
        for (int base = 0; base + pageSize <= got; base += pageSize) {
            count(base / 4);
        }
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
            page.asIntBuffer().get(0, words, 0, pageSize / 4);
            count(0);
            page.clear();
            while (page.hasRemaining()) {
                written += spool.write(page, written);
            }
            page.clear();
        }
    }

    /** Counts the page at word {@code baseWord} of {@link #words}. */
    private void count(int baseWord) {
        pages++;
        events += PageDecoder.countEvents(words, baseWord, header, missed);
        if (missed[0] > 0) {
            lost += missed[0];
        } else if (missed[0] < 0) {
            lostUncounted++;
        }
    }

    int cpu() {
        return cpu;
    }

    long pages() {
        return pages;
    }

    long events() {
        return events;
    }

    long lost() {
        return lost;
    }

    long lostUncounted() {
        return lostUncounted;
    }

    Throwable failure() {
        return failure;
    }
}
