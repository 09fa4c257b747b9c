package io.nstrace.cli;

import io.nstrace.testing.NstraceProcess;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RootHelpTest {
    @Test
    void theBuiltTextIsPicoclisLiveRendering() throws Exception {
        String built;
        try (InputStream in = Cli.class.getResourceAsStream(Cli.ROOT_HELP)) {
            assertNotNull(in, Cli.ROOT_HELP + " missing: the root-help build step did not run");
            built = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(RootHelpText.live("--help"), built);
        assertEquals(RootHelpText.live("-h"), built);
        assertTrue(built.startsWith("Usage: nstrace "), built);
        assertTrue(built.contains("\n  ps  "), built);
        // off a terminal (this JVM's stdout is a pipe) the root's --help and -h are the built text, no model built
        assertEquals(java.util.Optional.of(built), Cli.rootHelpOnly(new String[] {"--help"}));
        assertEquals(java.util.Optional.of(built), Cli.rootHelpOnly(new String[] {"-h"}));
    }

    @Test
    void nstraceHelpPrintsItAndExitsZero() throws Exception {
        for (String flag : List.of("--help", "-h")) {
            Run r = run(List.of(), flag);
            assertEquals(0, r.rc, r.err);
            assertEquals(RootHelpText.live(flag), r.out);
        }
    }

    @Test
    void withColoursPicocliRendersItLive() throws Exception {
        // picocli.ansi=true: the built text has no colours, so picocli must render this one itself
        Run r = run(List.of("-Dpicocli.ansi=true"), "--help");
        assertEquals(0, r.rc, r.err);
        assertTrue(r.out.contains("\u001b["), r.out);
        assertEquals(RootHelpText.live("--help"), r.out.replaceAll("\u001b\\[[0-9;]*m", ""));
        // and a help that is not the root's alone is never the built text
        Run ps = run(List.of(), "ps", "--help");
        assertEquals(0, ps.rc, ps.err);
        assertTrue(ps.out.startsWith("Usage: nstrace ps "), ps.out);
        assertFalse(Cli.rootHelpOnly(new String[] {"--help", "--verbose"}).isPresent());
        assertFalse(Cli.rootHelpOnly(new String[] {"ps", "--help"}).isPresent());
    }

    private record Run(int rc, String out, String err) {
    }

    private static Run run(List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(NstraceProcess.command(args));
        cmd.addAll(1, jvmOptions);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }
}
