package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.sys.Libc;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The directories nstrace writes into as root (the spool root, {@code /var/tmp/nstrace} by default, and the
 * state directory, {@code /run/nstrace}), created and checked so that no other user can redirect or swap them:
 * a root is used only when it is a real directory (a symbolic link is never followed), owned by nstrace's
 * effective user, and writable by nobody else unless it has the sticky bit (as {@code /tmp}: then others can
 * neither rename nor remove what nstrace makes in it); every directory above it must pass the same ownership
 * and write test (owned by root or that user). A missing root is made with mode 0700. A session's own
 * directories inside a root are made with mkdir, 0700, and never reused. Any other case is refused with one
 * line naming the path and the cause (exit 3).
 */
public final class PrivateDir {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final int STICKY = 01000;
    private static final int GROUP_OTHER_WRITE = 0022;

    private PrivateDir() {
    }

    /**
     * Makes sure {@code root} is a safe directory (see the class comment), creating it 0700 (and missing parents)
     * when absent. {@code what} names it in errors ("spool root"); {@code hint} ends them ("give --spool DIR").
     * Returns the root with its parents' symbolic links resolved.
     */
    public static Path ensureRoot(Path root, String what, String hint) {
        Path abs = root.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) {
            throw refuse(what, abs, "is the file system root", hint);
        }
        try {
            Files.createDirectories(parent);
            parent = parent.toRealPath();
        } catch (IOException e) {
            throw refuse(what, abs, "cannot be created (" + reason(e) + ")", hint);
        }
        int euid = Libc.geteuid();
        for (Path p = parent; p != null; p = p.getParent()) {
            checkAncestor(p, euid, what, abs, hint);
        }
        Path dir = parent.resolve(abs.getFileName());
        try {
            Files.createDirectory(dir, OWNER_ONLY);
        } catch (FileAlreadyExistsException e) {
            // checked below: whoever made it, it must be ours and private
        } catch (IOException e) {
            throw refuse(what, dir, "cannot be created (" + reason(e) + ")", hint);
        }
        checkRoot(dir, euid, what, hint);
        return dir;
    }

    /** Creates {@code dir} (0700) inside a checked root; an existing entry of that name is refused, never reused. */
    public static void createChild(Path dir, String what) {
        try {
            Files.createDirectory(dir, OWNER_ONLY);
        } catch (FileAlreadyExistsException e) {
            throw NstraceException.environment(what + " " + dir + " already exists; refusing to reuse it");
        } catch (IOException e) {
            throw NstraceException.environment("cannot create " + what + " " + dir + ": " + reason(e));
        }
    }

    private static void checkRoot(Path dir, int euid, String what, String hint) {
        if (Files.isSymbolicLink(dir)) {
            throw refuse(what, dir, "is a symbolic link" + target(dir), hint);
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw refuse(what, dir, "is not a directory", hint);
        }
        int uid = attr(dir, "unix:uid", what, hint);
        int mode = attr(dir, "unix:mode", what, hint);
        if (uid != euid) {
            throw refuse(what, dir, "is owned by uid " + uid + ", not by uid " + euid, hint);
        }
        if ((mode & GROUP_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
            throw refuse(what, dir, "is writable by other users (mode " + String.format("%04o", mode & 07777) + ")",
                    hint);
        }
    }

    private static void checkAncestor(Path p, int euid, String what, Path root, String hint) {
        int uid = attr(p, "unix:uid", what, hint);
        int mode = attr(p, "unix:mode", what, hint);
        if (uid != 0 && uid != euid) {
            throw refuse(what, root, "lies in " + p + ", owned by uid " + uid, hint);
        }
        if ((mode & GROUP_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
            throw refuse(what, root, "lies in " + p + ", writable by other users (mode "
                    + String.format("%04o", mode & 07777) + ")", hint);
        }
    }

    private static int attr(Path p, String name, String what, String hint) {
        try {
            return (Integer) Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw refuse(what, p, "cannot be checked (" + reason(e) + ")", hint);
        }
    }

    private static String target(Path link) {
        try {
            return " to " + Files.readSymbolicLink(link);
        } catch (IOException e) {
            return "";
        }
    }

    private static NstraceException refuse(String what, Path p, String why, String hint) {
        return NstraceException.environment(what + " " + p + " " + why + "; refusing to use it" + (hint == null
                || hint.isEmpty() ? "" : " (" + hint + ")"));
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            m = f.getReason();
        }
        return m == null ? e.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT);
    }
}
