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
 * splice(2) between a file and a pipe, as trace-cmd moves ring-buffer pages to disk without copying them
 * through user space. One instance per thread: it owns a pipe and reuses its errno buffer.
 */
public final class Splice implements AutoCloseable {
    public static final int SPLICE_F_MOVE = 1;
    public static final int SPLICE_F_NONBLOCK = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_SETPIPE_SZ = 1031;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle SPLICE = LINKER.downcallHandle(LINKER.defaultLookup().find("splice").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE);
    private static final MethodHandle PIPE2 = LINKER.downcallHandle(LINKER.defaultLookup().find("pipe2").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    private static final MethodHandle READ = LINKER.downcallHandle(LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE);
    private static final MethodHandle FCNTL = LINKER.downcallHandle(LINKER.defaultLookup().find("fcntl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE, Linker.Option.firstVariadicArg(2));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final int readEnd;
    private final int writeEnd;
    private final int pipeSize;

    /** Creates the pipe and grows it to {@code wantedSize} bytes when the system allows (else keeps the default). */
    public Splice(int wantedSize) throws NativeException {
        MemorySegment fds = arena.allocate(JAVA_INT, 2);
        try {
            if ((int) PIPE2.invokeExact(state, fds, O_CLOEXEC) < 0) {
                throw new NativeException("pipe2", "splice pipe", errno());
            }
            readEnd = fds.getAtIndex(JAVA_INT, 0);
            writeEnd = fds.getAtIndex(JAVA_INT, 1);
            int size = (int) FCNTL.invokeExact(state, writeEnd, F_SETPIPE_SZ, wantedSize);
            pipeSize = size > 0 ? size : 65536;
        } catch (NativeException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("pipe2", t);
        }
    }

    public int pipeSize() {
        return pipeSize;
    }

    /** Moves up to {@code len} bytes from {@code in} into the pipe; -1 when nothing is available (EAGAIN). */
    public long fill(int in, long len, String what) throws NativeException {
        return splice(in, writeEnd, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK, what);
    }

    /** Moves exactly {@code len} bytes from the pipe to {@code out}. */
    public void drainTo(int out, long len, String what) throws NativeException {
        long left = len;
        while (left > 0) {
            long n = splice(readEnd, out, left, SPLICE_F_MOVE, what);
            if (n <= 0) {
                throw new NativeException("splice", what, Errno.EINVAL);
            }
            left -= n;
        }
    }

    /**
     * Takes exactly {@code len} bytes out of the pipe into {@code buf} (native memory, at least {@code len}
     * bytes) with read(2): what {@link #drainTo} could not move, so the pipe is empty again.
     */
    public void readInto(ReadBuffer buf, long offset, long len, String what) throws NativeException {
        readInto(buf.segment.asSlice(offset), len, what);
    }

    private void readInto(MemorySegment buf, long len, String what) throws NativeException {
        long done = 0;
        while (done < len) {
            long n;
            try {
                n = (long) READ.invokeExact(state, readEnd, buf.asSlice(done), len - done);
            } catch (Throwable t) {
                throw new IllegalStateException("read " + what, t);
            }
            if (n > 0) {
                done += n;
            } else if (n == 0) {
                throw new NativeException("read", what, Errno.EINVAL);
            } else if (errno() != Errno.EINTR) {
                throw new NativeException("read", what, errno());
            }
        }
    }

    private long splice(int in, int out, long len, int flags, String what) throws NativeException {
        while (true) {
            long n;
            try {
                n = (long) SPLICE.invokeExact(state, in, MemorySegment.NULL, out, MemorySegment.NULL, len, flags);
            } catch (Throwable t) {
                throw new IllegalStateException("splice " + what, t);
            }
            if (n >= 0) {
                return n;
            }
            int errno = errno();
            if (errno == Errno.EAGAIN) {
                return -1;
            }
            if (errno != Errno.EINTR) {
                throw new NativeException("splice", what, errno);
            }
        }
    }

    private int errno() {
        return (int) ERRNO.get(state, 0L);
    }

    @Override
    public void close() {
        Libc.close(readEnd);
        Libc.close(writeEnd);
        arena.close();
    }
}
