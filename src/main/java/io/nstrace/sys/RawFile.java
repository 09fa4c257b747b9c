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

/**
 * A file read with O_NONBLOCK through read(2), for tracefs files NIO would block on forever
 * ({@code trace_pipe_raw}). One instance belongs to one thread: its errno buffer is reused on every call.
 */
public final class RawFile implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle READ = LINKER.downcallHandle(LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Linker.Option.captureCallState("errno"));

    private final String path;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CALL_STATE);
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

    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
            arena.close();
        }
    }
}
