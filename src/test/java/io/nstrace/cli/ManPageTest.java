package io.nstrace.cli;

import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build generates one AsciiDoc man page per command into target/man before the tests run. */
class ManPageTest {
    @Test
    void pagesForTheTopCommandAndTheShell() throws IOException {
        Path man = Path.of(System.getProperty("nstrace.repo", "."), "target", "man");
        String top = Files.readString(man.resolve("nstrace.adoc"));
        assertTrue(top.contains(":doctype: manpage") && top.contains("= nstrace(1)"), top);
        assertTrue(top.contains("*--proc*=_DIR_"), top);
        String shell = Files.readString(man.resolve("nstrace-shell.adoc"));
        assertTrue(shell.contains("= nstrace-shell(1)") && shell.contains("--history"), shell);
    }

    @Test
    void roffPagesWhereAsciidoctorIsInstalled() throws IOException {
        Require.asciidoctor(); // the build's man-roff profile ran
        Path man = Path.of(System.getProperty("nstrace.repo", "."), "target", "man");
        String roff = Files.readString(man.resolve("nstrace-shell.1"));
        assertTrue(roff.contains(".TH \"NSTRACE\\-SHELL\" \"1\""), roff);
    }
}
