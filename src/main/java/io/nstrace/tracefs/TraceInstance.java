package io.nstrace.tracefs;

import io.nstrace.error.NstraceException;
import io.nstrace.sys.Errno;
import io.nstrace.sys.Libc;
import io.nstrace.sys.NativeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * One tracefs instance ({@code instances/<name>}). Writes follow tracefs semantics: {@link #write} truncates
 * ({@code >}), {@link #append} appends ({@code >>}); a refused write is reported with the kernel's own words
 * from {@code error_log} when it has any.
 */
public final class TraceInstance {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private final TraceFs traceFs;
    private final String name;
    private final Path dir;

    TraceInstance(TraceFs traceFs, String name) {
        this.traceFs = traceFs;
        this.name = name;
        this.dir = traceFs.instancesDir().resolve(name);
    }

    static boolean isSafeName(String name) {
        return SAFE.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    public TraceFs traceFs() {
        return traceFs;
    }

    public Path file(String relative) {
        return dir.resolve(relative);
    }

    public boolean exists() {
        return Files.isDirectory(dir);
    }

    /**
     * Reads a whole file. Not {@link Files#readString}: tracefs reports size 0, so that reads one byte first,
     * and some files (an event's filter) answer only the first read() of an open file.
     */
    public String read(String relative) {
        Path f = file(relative);
        try (java.io.InputStream in = Files.newInputStream(f)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw NstraceException.environment("cannot read " + f + ": " + reason(e));
        }
    }

    /** Writes {@code value} with O_TRUNC, as the shell's {@code >}. */
    public void write(String relative, String value) {
        put(relative, value, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Writes {@code value} with O_TRUNC from a child process ({@link ChildWrite}), for writes the kernel may take
     * minutes over; {@code running} gets the write while it runs (to {@link ChildWrite#cancel} it from a signal's
     * clean-up), then null. Where no child can be started it writes in-process, uncancellable.
     */
    public void writeCancellable(String relative, String value, java.util.function.Consumer<ChildWrite> running) {
        ChildWrite w;
        try {
            w = ChildWrite.start(file(relative), value);
        } catch (IOException e) {
            write(relative, value);
            return;
        }
        running.accept(w);
        try {
            w.await(this);
        } finally {
            running.accept(null);
        }
    }

    /** Writes {@code value} with O_APPEND, as the shell's {@code >>}: PID lists grow without being rewritten. */
    public void append(String relative, String value) {
        put(relative, value, StandardOpenOption.APPEND);
    }

    private void put(String relative, String value, StandardOpenOption mode) {
        Path f = file(relative);
        try {
            Libc.writeFile(f.toString(), value.getBytes(StandardCharsets.UTF_8), mode == StandardOpenOption.APPEND);
        } catch (NativeException e) {
            throw new TraceFsWriteException(f, value, e.errno(), kernelError());
        }
    }

    /** The last line of this instance's (or the top-level) error_log, or empty. */
    public String kernelError() {
        for (Path log : new Path[] {file("error_log"), traceFs.file("error_log")}) {
            try {
                String text = Files.readString(log).strip();
                if (!text.isEmpty()) {
                    String[] lines = text.split("\n");
                    int last = lines.length - 1;
                    // error_log entries are a header line, the command, and a caret line: report the header
                    for (int i = last; i >= 0; i--) {
                        if (lines[i].startsWith("[")) {
                            return lines[i].strip();
                        }
                    }
                    return lines[last].strip();
                }
            } catch (IOException ignored) {
                // no error_log on this kernel or in this instance
            }
        }
        return "";
    }

    /** Removes the instance directory (tracefs rmdir). */
    public void remove() {
        try {
            Libc.rmdir(dir.toString());
        } catch (NativeException e) {
            if (e.errno() != Errno.ENOENT) {
                throw NstraceException.environment("cannot remove tracefs instance " + dir + ": "
                        + reason(e.errno()), e);
            }
        }
    }

    /** The errno text as {@link #reason(IOException)} words it. */
    static String reason(int errno) {
        return switch (errno) {
            case Errno.EACCES -> "permission denied";
            case Errno.ENOENT -> "no such file";
            default -> Libc.strerror(errno);
        };
    }

    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        String m = e.getMessage();
        int colon = m == null ? -1 : m.lastIndexOf(": ");
        return m == null ? e.getClass().getSimpleName() : colon >= 0 ? m.substring(colon + 2) : m;
    }
}
