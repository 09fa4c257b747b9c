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
 * The libc calls discovery makes on namespace links (open, ioctl, close for {@link Namespaces}; setns and uname
 * for {@link UtsNamespace}), each bound on its first use. {@code nstrace ps} needs only these: binding them apart
 * from {@link Libc} (whose dozen handles are bound together, ~100 ms of CPU on a cold JVM) keeps its start-up
 * free of the calls it never makes. Every call captures errno and every return value is checked.
 */
final class NsCalls {
    private static final StructLayout CALL_STATE = Downcalls.CALL_STATE;
    private static final VarHandle ERRNO = Downcalls.ERRNO;

    private NsCalls() {
    }


    // one holder class per call: the JVM binds a handle when its holder is first initialised
    private static final class Open {
        static final MethodHandle H = Downcalls.bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }

    private static final class Close {
        static final MethodHandle H = Downcalls.bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class Ioctl {
        static final MethodHandle H = Downcalls.bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                Linker.Option.firstVariadicArg(2));
    }

    private static final class Setns {
        static final MethodHandle H = Downcalls.bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Uname {
        static final MethodHandle H = Downcalls.bind("uname", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** Binds open, ioctl and close now (e.g. on a helper thread while /proc is read). */
    static void prepare() {
        if (Open.H == null || Ioctl.H == null || Close.H == null) {
            throw new IllegalStateException("open, ioctl or close not bound");
        }
    }

    /** open(2) read-only, close-on-exec: the descriptor. */
    static int open(String path) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) Open.H.invokeExact(state, arena.allocateFrom(path), Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new NativeException("open", path, errno(state));
            }
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open " + path, t);
        }
    }

    /** close(2); an error on close is not actionable and is ignored. */
    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) Close.H.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close " + fd, t);
        }
    }

    /** ioctl(2) with a pointer argument: its non-negative result. */
    static int ioctl(int fd, long request, MemorySegment arg, String target) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Ioctl.H.invokeExact(state, fd, request, arg);
            if (rc < 0) {
                throw new NativeException("ioctl 0x" + Long.toHexString(request), target, errno(state));
            }
            return rc;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl " + target, t);
        }
    }

    /** setns(2) of the calling thread into the namespace {@code fd} refers to. */
    static void setns(int fd, int type, String target) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) Setns.H.invokeExact(state, fd, type) < 0) {
                throw new NativeException("setns", target, errno(state));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setns " + target, t);
        }
    }

    /** uname(2) into {@code utsname} (six fields of {@code fieldSize} bytes). */
    static void uname(MemorySegment utsname, String target) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) Uname.H.invokeExact(state, utsname) < 0) {
                throw new NativeException("uname", target, errno(state));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("uname " + target, t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
