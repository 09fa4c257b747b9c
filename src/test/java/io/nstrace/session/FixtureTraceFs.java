package io.nstrace.session;

import io.nstrace.tracefs.TraceFs;
import io.nstrace.tracefs.TraceInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A copy of tracefs-fixtures/KERNEL in a temp dir, where plain files stand in for tracefs. New instances are
 * copies of the captured instance-template; removal deletes the tree.
 */
public final class FixtureTraceFs implements FencedInstances.InstanceStore {
    static final Path FIXTURES = Path.of("tracefs-fixtures");

    private final TraceFs traceFs;

    private FixtureTraceFs(TraceFs traceFs) {
        this.traceFs = traceFs;
    }

    /** The fixture whose directory name starts with {@code kernelPrefix} (e.g. "6.18", "6.1.0"). */
    public static FixtureTraceFs copy(String kernelPrefix, Path tmp) {
        try (Stream<Path> s = Files.list(FIXTURES)) {
            Path src = s.filter(p -> p.getFileName().toString().startsWith(kernelPrefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no fixture " + kernelPrefix));
            Path dst = tmp.resolve("tracefs");
            copyTree(src, dst);
            Files.createDirectories(dst.resolve("instances"));
            return new FixtureTraceFs(new TraceFs(dst));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TraceFs traceFs() {
        return traceFs;
    }

    @Override
    public TraceInstance create(String name) {
        TraceInstance i = traceFs.createInstance(name);
        try {
            copyTree(traceFs.root().resolve("instance-template"), i.dir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return i;
    }

    @Override
    public void remove(TraceInstance instance) {
        try (Stream<Path> s = Files.walk(instance.dir())) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of an instance file. */
    static String read(TraceInstance i, String file) {
        try {
            return Files.readString(i.file(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
