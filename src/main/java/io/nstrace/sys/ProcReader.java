package io.nstrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Fast reads of many small procfs files: the discovery scan's hot loop. One reader per thread (its native
 * buffers live in a confined arena). A process directory is opened once ({@code O_PATH}) and its files are
 * read relative to it with {@code openat}/{@code readlinkat}, into a reused buffer, without building Paths or
 * throwing. Failures are returned as negative errno values: processes vanish mid-scan and that is normal.
 */
public final class ProcReader implements AutoCloseable {
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_PATH = 0x200000;
    private static final int AT_FDCWD = -100;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPENAT = bind("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE, Linker.Option.firstVariadicArg(3));
    private static final MethodHandle READLINKAT = bind("readlinkat",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), CAPTURE);
    private static final MethodHandle READ = bind("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment path = arena.allocate(4096);
    private final MemorySegment data;
    private final byte[] rootBytes;
    /** The path being built, on the Java heap: one bulk copy to native memory per call. */
    private final byte[] scratch = new byte[4096];

    /** A reader for process directories under {@code procRoot}, with a buffer of {@code bufferSize} bytes. */
    public ProcReader(String procRoot, int bufferSize) {
        this.data = arena.allocate(bufferSize);
        String r = procRoot.endsWith("/") ? procRoot : procRoot + "/";
        this.rootBytes = r.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(rootBytes, 0, path, JAVA_BYTE, 0, rootBytes.length);
        System.arraycopy(rootBytes, 0, scratch, 0, rootBytes.length);
    }

    /** Binds the native calls now (class initialisation); the first binding costs tens of milliseconds. */
    public static void prepare() {
        // initialising the class has bound every handle
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    /** A NUL-terminated file name relative to a process directory, e.g. {@code "ns/pid"}; make once, reuse. */
    public Name name(String relative) {
        return new Name(arena.allocateFrom(relative));
    }

    /** A file name made by {@link #name}, opaque outside sys. */
    public static final class Name {
        private final MemorySegment segment;

        private Name(MemorySegment segment) {
            this.segment = segment;
        }
    }

    /** Opens {@code <root>/<pid>} as an O_PATH directory descriptor; negative errno on failure. */
    public int openPid(int pid) {
        int at = writeInt(pid, rootBytes.length);
        scratch[at] = 0;
        MemorySegment.copy(scratch, rootBytes.length, path, JAVA_BYTE, rootBytes.length, at + 1 - rootBytes.length);
        try {
            int fd = (int) OPENAT.invokeExact(state, AT_FDCWD, path, O_PATH | O_DIRECTORY | Libc.O_CLOEXEC);
            return fd < 0 ? -errno() : fd;
        } catch (Throwable t) {
            throw new IllegalStateException("openat " + pid, t);
        }
    }

    /**
     * readlink of {@code <root>/<pid>/<name>} with one system call (no directory descriptor), into {@code out};
     * the length, or negative errno. {@code name} is plain text such as {@code "ns/pid"}.
     */
    public int readlink(int pid, byte[] name, byte[] out) {
        int at = writeInt(pid, rootBytes.length);
        scratch[at++] = '/';
        System.arraycopy(name, 0, scratch, at, name.length);
        scratch[at + name.length] = 0;
        MemorySegment.copy(scratch, rootBytes.length, path, JAVA_BYTE, rootBytes.length, at + name.length + 1 - rootBytes.length);
        return readlinkAt(AT_FDCWD, path, out);
    }

    /** readlink of {@code name} under {@code dirFd} into {@code out}; the length, or negative errno. */
    public int readlink(int dirFd, Name name, byte[] out) {
        return readlinkAt(dirFd, name.segment, out);
    }

    private int readlinkAt(int dirFd, MemorySegment name, byte[] out) {
        try {
            long n = (long) READLINKAT.invokeExact(state, dirFd, name, data, (long) Math.min(out.length, data.byteSize()));
            if (n < 0) {
                return -errno();
            }
            MemorySegment.copy(data, JAVA_BYTE, 0, out, 0, (int) n);
            return (int) n;
        } catch (Throwable t) {
            throw new IllegalStateException("readlinkat", t);
        }
    }

    /**
     * Reads file {@code name} under {@code dirFd} into {@code out}: the number of bytes, or negative errno.
     * With {@code single} one read(2) is made, which is enough for files the kernel renders whole on the first
     * read (status, stat); else it reads to end of file or until {@code out} is full.
     */
    public int read(int dirFd, Name name, byte[] out, boolean single) {
        int fd = openAt(dirFd, name.segment);
        if (fd < 0) {
            return fd;
        }
        try {
            int total = 0;
            long cap = Math.min(out.length, data.byteSize());
            while (total < cap) {
                long n = (long) READ.invokeExact(state, fd, data.asSlice(total), cap - total);
                if (n < 0) {
                    return -errno();
                }
                if (n == 0) {
                    break;
                }
                total += (int) n;
                if (single) {
                    break;
                }
            }
            MemorySegment.copy(data, JAVA_BYTE, 0, out, 0, total);
            return total;
        } catch (Throwable t) {
            throw new IllegalStateException("read", t);
        } finally {
            close(fd);
        }
    }

    private int openAt(int dirFd, MemorySegment name) {
        try {
            int fd = (int) OPENAT.invokeExact(state, dirFd, name, Libc.O_RDONLY | Libc.O_CLOEXEC);
            return fd < 0 ? -errno() : fd;
        } catch (Throwable t) {
            throw new IllegalStateException("openat", t);
        }
    }

    /** Closes a descriptor this reader returned. */
    public void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Writes the decimal digits of {@code value} into {@link #scratch} at {@code at}; returns the end. */
    private int writeInt(int value, int at) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = at + digits;
        for (int i = end - 1, v = value; i >= at; i--, v /= 10) {
            scratch[i] = (byte) ('0' + v % 10);
        }
        return end;
    }

    private int errno() {
        return (int) ERRNO.get(state, 0L);
    }
}
