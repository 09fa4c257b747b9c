package io.nstrace.cli;

import io.nstrace.error.NstraceException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The files nstrace writes (-o, --summary, --summary-json), handled as trace-cmd handles its output: checked
 * before any tracing starts, then opened for writing in place, so a symlink is written through (its target gets
 * the data) and an existing file keeps its inode, owner and mode; a new file is created 0644 (less the umask).
 * The check does not touch an existing file, and the file is truncated only when the trace is ready to be
 * written: a recording that fails before that leaves the old file as it was.
 */
final class OutputFiles {
    static final Set<PosixFilePermission> NEW_FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final FileAttribute<Set<PosixFilePermission>> NEW_FILE = PosixFilePermissions.asFileAttribute(
            NEW_FILE_MODE);
    private static final int MAX_LINKS = 40;

    private OutputFiles() {
    }

    /** Throws {@code exitCode} with {@code cannot write FILE: reason} unless {@code file} can be written now. */
    static void require(Path file, int exitCode) {
        problem(file).ifPresent(why -> {
            throw new NstraceException(exitCode, "cannot write " + file + ": " + why);
        });
    }

    /** Why {@code file} cannot be written (created, or opened for writing), or empty when it can. */
    static Optional<String> problem(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of("is a directory");
        }
        if (Files.exists(file)) {
            // opening for writing without O_TRUNC changes nothing and gives the kernel's own answer
            try (FileChannel ignored = FileChannel.open(file, StandardOpenOption.WRITE)) {
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of(reason(e));
            }
        }
        Path target = file; // new, or a dangling symlink: its target's directory must take a new file
        for (int i = 0; Files.isSymbolicLink(target); i++) {
            if (i == MAX_LINKS) {
                return Optional.of("too many levels of symbolic links");
            }
            try {
                target = target.toAbsolutePath().getParent().resolve(Files.readSymbolicLink(target));
            } catch (IOException e) {
                return Optional.of(reason(e));
            }
        }
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.exists(dir)) {
            return Optional.of("no such directory " + dir);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.of(dir + " is not a directory");
        }
        if (!Files.isWritable(dir)) {
            return Optional.of(readOnly(dir) ? "read-only file system" : "directory " + dir + " is not writable");
        }
        return Optional.empty();
    }

    /** Opens {@code file} for writing from its start: through symlinks, truncating in place, 0644 when new. */
    static OutputStream open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING), NEW_FILE);
        return new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
    }

    /** Opens {@code file} to append to it (a step summary), created 0644 when new. */
    static OutputStream append(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), NEW_FILE);
        return new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
    }

    /** The lower-case reason of a failed file operation, without the path NIO puts in front of it. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        String r = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return r == null ? e.getClass().getSimpleName() : ErrorHandler.lowerFirst(r);
    }

    private static boolean readOnly(Path dir) {
        try {
            return Files.getFileStore(dir).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }
}
