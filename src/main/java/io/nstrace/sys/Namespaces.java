package io.nstrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** nsfs ioctls on a namespace link such as {@code /proc/<pid>/ns/pid}. */
public final class Namespaces {
    /** {@code _IOR(0xb7, 13, __u64)}: the 64-bit namespace id, 6.18 and later. */
    static final long NS_GET_ID = 0x8008b70dL;
    /** {@code _IO(0xb7, 0x2)}: a new descriptor for the parent PID or user namespace. */
    static final long NS_GET_PARENT = 0xb702L;

    private Namespaces() {
    }

    /**
     * The kernel's 64-bit id of the namespace behind {@code nsLink}, or empty where the kernel has no
     * NS_GET_ID (ENOTTY/EINVAL: before 6.18). Other failures (the process vanished, EACCES) are thrown.
     */
    public static OptionalLong id(Path nsLink) throws NativeException {
        int fd = NsCalls.open(nsLink.toString());
        try {
            return idOf(fd, nsLink.toString());
        } finally {
            NsCalls.close(fd);
        }
    }

    /**
     * The parent PID namespace of the one behind {@code nsLink} as (inode, id-or-empty), or null where the
     * kernel refuses (EPERM: the parent is outside this process's namespace, as for the host's own).
     */
    public static Parent parent(Path nsLink) throws NativeException {
        int fd = NsCalls.open(nsLink.toString());
        try {
            int parentFd;
            try {
                parentFd = NsCalls.ioctl(fd, NS_GET_PARENT, MemorySegment.NULL, nsLink.toString());
            } catch (NativeException e) {
                if (e.errno() == Errno.EPERM || e.errno() == Errno.ENOTTY || e.errno() == Errno.EINVAL) {
                    return null;
                }
                throw e;
            }
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + parentFd)).toString();
                return new Parent(inodeOf(target), idOf(parentFd, nsLink + " parent"));
            } catch (java.io.IOException e) {
                throw new NativeException("readlink", "/proc/self/fd/" + parentFd, Errno.EBADF);
            } finally {
                NsCalls.close(parentFd);
            }
        } finally {
            NsCalls.close(fd);
        }
    }

    /**
     * Binds the native calls behind {@link #id} and {@link #parent} now, e.g. on a helper thread while other
     * work runs: the first binding costs tens of milliseconds, which a one-shot command feels.
     */
    public static void prepare() {
        NsCalls.prepare();
    }

    /** Parses the inode out of an ns link target such as {@code pid:[4026531836]}. */
    public static long inodeOf(String linkTarget) {
        int open = linkTarget.indexOf('[');
        int close = linkTarget.lastIndexOf(']');
        if (open < 0 || close <= open) {
            throw new IllegalArgumentException("not a namespace link target: '" + linkTarget + "'");
        }
        return Long.parseLong(linkTarget, open + 1, close, 10);
    }

    private static OptionalLong idOf(int fd, String target) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            try {
                NsCalls.ioctl(fd, NS_GET_ID, out, target);
            } catch (NativeException e) {
                if (e.errno() == Errno.ENOTTY || e.errno() == Errno.EINVAL) {
                    return OptionalLong.empty();
                }
                throw e;
            }
            return OptionalLong.of(out.get(JAVA_LONG, 0));
        }
    }

    /** A parent namespace: its inode and, where the kernel has it, its 64-bit id. */
    public record Parent(long inode, OptionalLong id) {
    }
}
