package io.nstrace.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a recording's per-CPU pages wait until they are written ({@code --spool}). */
public final class SpoolMixin {
    @Option(names = "--spool", paramLabel = "DIR", defaultValue = "/var/tmp/nstrace",
            description = "Where per-CPU pages are spooled while recording (0700; default: ${DEFAULT-VALUE}).")
    Path spool;

    public Path spool() {
        return spool;
    }
}
