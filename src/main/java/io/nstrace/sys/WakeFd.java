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
 * An eventfd(2) that another thread makes readable to end a {@link RawFile#awaitReadable(int, WakeFd)} at once:
 * a reader blocked in poll(2) on {@code trace_pipe_raw} (which tracing_on 0 does not wake) hears of a stop
 * without waiting for its poll time-out. Once woken it stays readable. {@link #wake()} after {@link #close()} does
 * nothing (the descriptor number may belong to another file by then).
 */
public final class WakeFd implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle EVENTFD = LINKER.downcallHandle(
            LINKER.defaultLookup().find("eventfd").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle WRITE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Linker.Option.captureCallState("errno"));
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment one = arena.allocate(JAVA_LONG);
    private int fd;

    private WakeFd(int fd) {
        this.fd = fd;
        one.set(JAVA_LONG, 0, 1L);
    }

    /** A new eventfd, non-blocking and close-on-exec. */
    public static WakeFd create() throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            int fd;
            try {
                fd = (int) EVENTFD.invokeExact(st, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            } catch (Throwable t) {
                throw new IllegalStateException("eventfd", t);
            }
            if (fd < 0) {
                throw new NativeException("eventfd", "(wake-up)", (int) ERRNO.get(st, 0L));
            }
            return new WakeFd(fd);
        }
    }

    /** The descriptor, -1 once closed. */
    synchronized int fd() {
        return fd;
    }

    /**
     * Makes the descriptor readable. Never fails: EAGAIN means it is readable already, and any other error
     * leaves the waiter to its poll time-out, as without a wake-up.
     */
    public synchronized void wake() {
        if (fd < 0) {
            return;
        }
        try {
            long n = (long) WRITE.invokeExact(state, fd, one, 8L);
            if (n < 0 && (int) ERRNO.get(state, 0L) != Errno.EAGAIN) {
                return; // the poll time-out still ends the wait
            }
        } catch (Throwable t) {
            throw new IllegalStateException("write eventfd", t);
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
            arena.close();
        }
    }
}
