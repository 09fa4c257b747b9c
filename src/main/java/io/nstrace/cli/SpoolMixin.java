package io.nstrace.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Where a recording's per-CPU pages wait until they are written ({@code --spool}). The root is created and
 * checked by {@link io.nstrace.session.PrivateDir}: never through a symbolic link, owned by nstrace's user and
 * writable by no one else (unless sticky), else refused (exit 3).
 */
public final class SpoolMixin {
    /** The default spool root: on disk (not in RAM as /run would be), large, and created 0700 by nstrace. */
    public static final Path DEFAULT = Path.of("/var/tmp/nstrace");

    @Option(names = "--spool", paramLabel = "DIR", defaultValue = "/var/tmp/nstrace",
            description = "Where per-CPU pages are spooled while recording (default: ${DEFAULT-VALUE}; made 0700; "
                    + "refused when it is a symbolic link, another user's or writable by others).")
    Path spool;

    public Path spool() {
        return spool;
    }

    /** The spool root, created or checked now (before anything is traced); exit 3 when it is not safe. */
    public Path checked() {
        return io.nstrace.session.PrivateDir.ensureRoot(spool, "spool root", "give --spool DIR");
    }
}
