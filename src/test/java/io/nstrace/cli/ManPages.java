package io.nstrace.cli;

import io.nstrace.Commands;

import io.nstrace.cli.context.AppContext;

import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Build step (exec-maven-plugin, process-test-classes): writes one AsciiDoc man page per command into the
 * directory given, from the same model the CLI and the shell use ({@link Cli#create}: its subcommands are added
 * in code, so picocli's annotation-driven generator alone would see none of them).
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws Exception {
        try (AppContext context = new AppContext(Path.of("/proc"), Optional.empty())) {
            PrintWriter sink = new PrintWriter(new StringWriter());
            int rc = ManPageGenerator.generateManPage(new File(args[0]), null, new boolean[0], false,
                    Commands.create(context, sink, sink).getCommandSpec());
            if (rc != 0) {
                throw new IllegalStateException("man page generation failed: " + rc);
            }
        }
    }
}
