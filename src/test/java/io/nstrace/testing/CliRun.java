package io.nstrace.testing;

import io.nstrace.Commands;

import io.nstrace.cli.context.AppContext;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;

/** Runs the picocli model in-process with captured output, as the command line would. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun run(AppContext context, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Commands.create(context, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(rc, out.toString(), err.toString());
    }

    /** With fixed roots (a fake /proc, a copied tracefs fixture or null to locate the live one). */
    public static CliRun run(Path proc, Path tracefs, String... args) {
        try (AppContext context = new AppContext(proc, Optional.ofNullable(tracefs))) {
            return run(context, args);
        }
    }
}
