package io.nstrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls NIO lacks, bound once through FFM. Every call captures errno and every return value is
 * checked: a failure becomes a {@link NativeException} naming the call and its target.
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    private static final Linker LINKER = Downcalls.LINKER;
    private static final StructLayout CALL_STATE = Downcalls.CALL_STATE;
    private static final VarHandle ERRNO = Downcalls.ERRNO;

    private static final MethodHandle OPEN = Downcalls.bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Downcalls.bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = Downcalls.bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MOUNT = Downcalls.bind("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle MKFIFO = Downcalls.bind("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE = Downcalls.bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle RMDIR = Downcalls.bind("rmdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle KILL = Downcalls.bind("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SIGACTION = Downcalls.bind("sigaction",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    /** glibc's struct sigaction: handler, 128-byte mask, flags, restorer (152 bytes on x86_64 and aarch64). */
    private static final long SIGACTION_SIZE = 152;
    private static final long SIG_IGN = 1;
    private static final MethodHandle ISATTY = LINKER.downcallHandle(
            LINKER.defaultLookup().find("isatty").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETUID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("geteuid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }


    /** Opens {@code path} with {@code flags} and returns the descriptor. */
    public static int open(String path, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
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

    /** Closes a descriptor; errors on close are not actionable and are ignored. */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close " + fd, t);
        }
    }

    /** ioctl with a pointer argument; returns the call's non-negative result. */
    public static int ioctl(int fd, long request, MemorySegment arg, String target) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) IOCTL.invokeExact(state, fd, request, arg);
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

    /** mount(2) without data. */
    public static void mount(String source, String target, String fstype, long flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MOUNT.invokeExact(state, arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(fstype), flags, MemorySegment.NULL);
            if (rc < 0) {
                throw new NativeException("mount " + fstype + " on", target, errno(state));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mount " + target, t);
        }
    }

    /**
     * Writes {@code data} to the existing file {@code path} in one write(2) (tracefs parses each write on its
     * own), truncating ({@code >}) or appending ({@code >>}); a short write is continued. errno on failure.
     */
    public static void writeFile(String path, byte[] data, boolean append) throws NativeException {
        int fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buf = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, JAVA_BYTE, 0, data.length);
            long done = 0;
            while (done < data.length) {
                long n = (long) WRITE.invokeExact(state, fd, buf.asSlice(done), (long) data.length - done);
                if (n < 0) {
                    int errno = errno(state);
                    if (errno != Errno.EINTR) {
                        throw new NativeException("write", path, errno);
                    }
                } else {
                    done += n;
                }
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("write " + path, t);
        } finally {
            close(fd);
        }
    }

    /** rmdir(2). */
    public static void rmdir(String path) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) RMDIR.invokeExact(state, arena.allocateFrom(path));
            if (rc < 0) {
                throw new NativeException("rmdir", path, errno(state));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("rmdir " + path, t);
        }
    }

    /** mkfifo(3): creates a named pipe with {@code mode}. */
    public static void mkfifo(String path, int mode) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MKFIFO.invokeExact(state, arena.allocateFrom(path), mode);
            if (rc < 0) {
                throw new NativeException("mkfifo", path, errno(state));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mkfifo " + path, t);
        }
    }

    /** kill(2): sends {@code signal} to {@code pid}. */
    public static void kill(int pid, int signal) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) KILL.invokeExact(state, pid, signal);
            if (rc < 0) {
                throw new NativeException("kill -" + signal, Integer.toString(pid), errno(state));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kill " + pid, t);
        }
    }

    /**
     * When {@code signal}'s disposition is SIG_IGN (inherited: a background job of a script starts with SIGINT
     * ignored), sets it to SIG_DFL and returns true; otherwise changes nothing and returns false. The JVM installs
     * a handler ({@code sun.misc.Signal.handle}) only for a signal that is not ignored.
     */
    public static boolean unignore(int signal) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment old = arena.allocate(SIGACTION_SIZE, 8);
            int rc = (int) SIGACTION.invokeExact(state, signal, MemorySegment.NULL, old);
            if (rc < 0) {
                throw new NativeException("sigaction", "signal " + signal, errno(state));
            }
            if (old.get(JAVA_LONG, 0) != SIG_IGN) {
                return false;
            }
            MemorySegment dfl = arena.allocate(SIGACTION_SIZE, 8); // zeroed: SIG_DFL, empty mask, no flags
            rc = (int) SIGACTION.invokeExact(state, signal, dfl, MemorySegment.NULL);
            if (rc < 0) {
                throw new NativeException("sigaction SIG_DFL", "signal " + signal, errno(state));
            }
            return true;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction " + signal, t);
        }
    }

    /** Whether descriptor {@code fd} (0 stdin, 1 stdout, 2 stderr) is a terminal. */
    public static boolean isatty(int fd) {
        try {
            return (int) ISATTY.invokeExact(fd) == 1;
        } catch (Throwable t) {
            return false;
        }
    }

    /** The effective user id of this process. */
    public static int geteuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("geteuid", t);
        }
    }

    /** The C library's text for an errno value. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
