package io.nstrace.capture;

import io.nstrace.format.HeaderPage;
import io.nstrace.format.PageDecoder;
import io.nstrace.sys.RawFile;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Drains one CPU's {@code trace_pipe_raw} page by page into a spool file. The file is opened O_NONBLOCK: when it
 * is empty the reader sleeps {@code idleSleepNanos} (trace-cmd's default is 1 ms) and tries again. After
 * {@link #finish()} it reads until the buffer is empty (bounded by {@code drainLimitPages}) and returns.
 */
final class CpuReader implements Runnable {
    private final int cpu;
    private final Path source;
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

    CpuReader(int cpu, Path source, FileChannel spool, int pageSize, HeaderPage header, long idleSleepNanos,
              long drainLimitPages) {
        this.cpu = cpu;
        this.source = source;
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
        try (RawFile in = RawFile.openNonBlocking(source.toString()); Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(pageSize, 4096);
            ByteBuffer page = seg.asByteBuffer().order(ByteOrder.nativeOrder());
            long drained = 0;
            while (true) {
                boolean draining = finishing;
                long n = in.read(seg);
                if (n > 0) {
                    store(page, (int) n);
                    if (draining && ++drained >= drainLimitPages) {
                        return;
                    }
                } else if (draining) {
                    return; // empty (or EOF) after stop was asked: done
                } else {
                    LockSupport.parkNanos(idleSleepNanos); // EAGAIN (or EOF): nothing to read yet
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    private void store(ByteBuffer page, int n) throws IOException {
        if (n < pageSize) {
            page.limit(pageSize);
            for (int i = n; i < pageSize; i++) {
                page.put(i, (byte) 0);
            }
        }
        page.clear();
        PageDecoder.PageInfo info = PageDecoder.decode(page, 0, header, null);
        while (page.hasRemaining()) {
            spool.write(page);
        }
        page.clear();
        pages++;
        events += info.events();
        if (info.lost() > 0) {
            lost += info.lost();
        } else if (info.lost() < 0) {
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
