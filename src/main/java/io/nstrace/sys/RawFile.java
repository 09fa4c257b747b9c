package io.nstrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A file read with O_NONBLOCK through read(2), for tracefs files NIO would block on forever
 * ({@code trace_pipe_raw}), with poll(2) to wait for it without a busy loop. One instance belongs to one thread: its errno buffer is reused on every call.
 */
public final class RawFile implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle READ = LINKER.downcallHandle(LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Linker.Option.captureCallState("errno"));
    private static final MethodHandle POLL = LINKER.downcallHandle(LINKER.defaultLookup().find("poll").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), Linker.Option.captureCallState("errno"));
    /** pread(2) straight into a Java array: critical (heap access allowed), only for page-cache reads. */
    private static final MethodHandle PREAD = LINKER.downcallHandle(LINKER.defaultLookup().find("pread").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"), Linker.Option.critical(true));
    private static final short POLLIN = 1;

    private final String path;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    /** Two struct pollfd { int fd; short events; short revents; }: the file, then an optional wake-up. */
    private final MemorySegment pollFd = arena.allocate(16, 4);
    private int fd;

    private RawFile(String path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens {@code path} read-only, non-blocking, close-on-exec. */
    public static RawFile openNonBlocking(String path) throws NativeException {
        return new RawFile(path, Libc.open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC));
    }

    /** Opens {@code path} with {@code flags} (O_* from {@link Libc}), e.g. a spool file for splice. */
    public static RawFile open(String path, int flags) throws NativeException {
        return new RawFile(path, Libc.open(path, flags | Libc.O_CLOEXEC));
    }

    public int fd() {
        return fd;
    }

    /**
     * Reads up to {@code buf.byteSize()} bytes into {@code buf} (native memory).
     *
     * @return the byte count, 0 at end of file, -1 when nothing is available now (EAGAIN)
     */
    public long read(MemorySegment buf) throws NativeException {
        while (true) {
            long n;
            try {
                n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
            } catch (Throwable t) {
                throw new IllegalStateException("read " + path, t);
            }
            if (n >= 0) {
                return n;
            }
            int errno = (int) ERRNO.get(state, 0L);
            if (errno == Errno.EAGAIN) {
                return -1;
            }
            if (errno != Errno.EINTR) {
                throw new NativeException("read", path, errno);
            }
        }
    }

    /** {@link #read(MemorySegment)} into {@code buf}. */
    public long read(ReadBuffer buf) throws NativeException {
        return read(buf.segment);
    }

    /** {@link #pread(MemorySegment, long, long)} into {@code buf}. */
    public long pread(ReadBuffer buf, long len, long at) throws NativeException {
        return pread(buf.segment, len, at);
    }

    /**
     * Reads {@code len} bytes at file offset {@code at} into {@code buf}, which may be a heap segment
     * ({@link MemorySegment#ofArray}): the copy lands in the array with no intermediate buffer. For regular
     * files only (the call cannot be interrupted).
     *
     * @return the byte count read, short only at end of file
     */
    public long pread(MemorySegment buf, long len, long at) throws NativeException {
        long done = 0;
        while (done < len) {
            long n;
            MemorySegment into = done == 0 ? buf : buf.asSlice(done);
            try {
                n = (long) PREAD.invokeExact(state, fd, into, len - done, at + done);
            } catch (Throwable t) {
                throw new IllegalStateException("pread " + path, t);
            }
            if (n == 0) {
                return done;
            }
            if (n > 0) {
                done += n;
            } else if ((int) ERRNO.get(state, 0L) != Errno.EINTR) {
                throw new NativeException("pread", path, (int) ERRNO.get(state, 0L));
            }
        }
        return done;
    }

    /**
     * Waits with poll(2) until the file is readable or {@code timeoutMillis} pass. For {@code trace_pipe_raw}
     * "readable" means the CPU's ring buffer is {@code buffer_percent} full (any data when that is 0).
     *
     * @return true when readable, false on time-out or a signal
     */
    public boolean awaitReadable(int timeoutMillis) throws NativeException {
        return awaitReadable(timeoutMillis, null);
    }

    /**
     * As {@link #awaitReadable(int)}, also ending as soon as {@code wake} (if not null) is woken, which then
     * returns false unless this file is readable too.
     */
    public boolean awaitReadable(int timeoutMillis, WakeFd wake) throws NativeException {
        int wakeFd = wake == null ? -1 : wake.fd();
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, 4, POLLIN);
        pollFd.set(JAVA_SHORT, 6, (short) 0);
        pollFd.set(JAVA_INT, 8, wakeFd); // a negative fd is ignored by poll(2)
        pollFd.set(JAVA_SHORT, 12, POLLIN);
        pollFd.set(JAVA_SHORT, 14, (short) 0);
        int n;
        try {
            n = (int) POLL.invokeExact(state, pollFd, wakeFd < 0 ? 1L : 2L, timeoutMillis);
        } catch (Throwable t) {
            throw new IllegalStateException("poll " + path, t);
        }
        if (n < 0) {
            int errno = (int) ERRNO.get(state, 0L);
            if (errno == Errno.EINTR) {
                return false;
            }
            throw new NativeException("poll", path, errno);
        }
        return n > 0 && pollFd.get(JAVA_SHORT, 6) != 0;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
            arena.close();
        }
    }
}
