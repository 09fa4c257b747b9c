package io.nstrace.capture;

import io.nstrace.format.HeaderPage;
import io.nstrace.format.PageDecoder;
import io.nstrace.sys.Libc;
import io.nstrace.sys.RawFile;
import io.nstrace.sys.Splice;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Drains one CPU's {@code trace_pipe_raw} into a spool file. Full pages move with splice(2) through a pipe, as
 * trace-cmd does, so they never cross user space; each spliced chunk is then read back from the page cache to
 * count its events and lost-event flags. The file is non-blocking: when nothing is ready the reader sleeps
 * {@code idleSleepNanos} (trace-cmd's default is 1 ms), doubling while it stays empty up to
 * {@link #MAX_IDLE_SLEEP_NANOS}. After {@link #finish()} it splices what is left, reads
 * the last partial page(s) with read(2), bounded by {@code drainLimitPages}, and returns.
 */
final class CpuReader implements Runnable {
    private static final int PIPE_SIZE = 1 << 20;
    /**
     * Longest sleep of a reader that keeps finding nothing. A reader that finds data goes back to the base sleep
     * at once; 8 ms fills well under a quarter of a default 1408 KiB buffer at this machine's ~1 M events/s/CPU.
     */
    static final long MAX_IDLE_SLEEP_NANOS = 8_000_000L;

    private final int cpu;
    private final Path source;
    private final Path spoolPath;
    private final FileChannel spool;
    private final int pageSize;
    private final HeaderPage header;
    private final long idleSleepNanos;
    private final long drainLimitPages;
    private volatile boolean finishing;
    private volatile Throwable failure;
    private volatile long pages;
    private volatile long events;
    private volatile long lost;
    private volatile long lostUncounted;
    private long written;

    CpuReader(int cpu, Path source, Path spoolPath, FileChannel spool, int pageSize, HeaderPage header,
              long idleSleepNanos, long drainLimitPages) {
        this.cpu = cpu;
        this.source = source;
        this.spoolPath = spoolPath;
        this.spool = spool;
        this.pageSize = pageSize;
        this.header = header;
        this.idleSleepNanos = idleSleepNanos;
        this.drainLimitPages = drainLimitPages;
    }

    void finish() {
        finishing = true;
    }

    @Override
    public void run() {
        try (RawFile in = RawFile.openNonBlocking(source.toString());
             RawFile out = RawFile.open(spoolPath.toString(), Libc.O_WRONLY);
             Splice pipe = new Splice(PIPE_SIZE);
             Arena arena = Arena.ofConfined()) {
            ByteBuffer chunk = arena.allocate(pipe.pipeSize(), 4096).asByteBuffer().order(ByteOrder.nativeOrder());
            long drained = spliceLoop(in, out, pipe, chunk);
            readRest(in, arena, drained);
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    /** Splices full pages until stopped and empty; returns the pages moved after the stop request. */
    private long spliceLoop(RawFile in, RawFile out, Splice pipe, ByteBuffer chunk) throws IOException {
        long drained = 0;
        long sleep = idleSleepNanos;
        while (true) {
            boolean draining = finishing;
            long n = pipe.fill(in.fd(), pipe.pipeSize(), source.toString());
            if (n > 0) {
                sleep = idleSleepNanos;
                pipe.drainTo(out.fd(), n, spoolPath.toString());
                countBack(chunk, n);
                written += n;
                if (draining && (drained += n / pageSize) >= drainLimitPages) {
                    return drained;
                }
            } else if (draining) {
                return drained;
            } else {
                LockSupport.parkNanos(sleep);
                sleep = Math.min(sleep * 2, MAX_IDLE_SLEEP_NANOS); // idle CPU: back off to few wake-ups
            }
        }
    }

    /** Reads back {@code n} freshly spliced bytes at {@link #written} from the page cache and counts them. */
    private void countBack(ByteBuffer chunk, long n) throws IOException {
        chunk.clear().limit((int) n);
        while (chunk.hasRemaining()) {
            if (spool.read(chunk, written + chunk.position()) < 0) {
                break;
            }
        }
        for (int base = 0; base + pageSize <= chunk.position(); base += pageSize) {
            count(chunk, base);
        }
    }

    /** After the splices: the partial pages splice cannot move, read with read(2) and zero-padded. */
    private void readRest(RawFile in, Arena arena, long drained) throws IOException {
        MemorySegment seg = arena.allocate(pageSize, 4096);
        ByteBuffer page = seg.asByteBuffer().order(ByteOrder.nativeOrder());
        for (long i = drained; i < drainLimitPages; i++) {
            long n = in.read(seg);
            if (n <= 0) {
                return;
            }
            for (int b = (int) n; b < pageSize; b++) {
                page.put(b, (byte) 0);
            }
            count(page, 0);
            page.clear();
            while (page.hasRemaining()) {
                written += spool.write(page, written);
            }
            page.clear();
        }
    }

    private void count(ByteBuffer buf, int base) {
        long missed = PageDecoder.lostBefore(buf, base, header);
        pages++;
        events += PageDecoder.countEvents(buf, base, header);
        if (missed > 0) {
            lost += missed;
        } else if (missed < 0) {
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
