package io.nstrace.session;

import io.nstrace.cli.context.AppContext;
import io.nstrace.discovery.Container;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import io.nstrace.testing.Storm;
import io.nstrace.testing.Tmpfs;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shell's sessions ({@link SessionTable}) against the live kernel: a spool that fills stops the session with
 * the reason in its status; bytes spooled show while it runs; forks inside are not joiners, an nsenter is; and
 * {@code reset} after a SIGKILLed recorder removes its spool with its instance.
 */
@Timeout(180)
class SpoolSessionKernelTest {
    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void cleanup() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T t) {
        open.add(t);
        return t;
    }

    private SessionTable recordings() {
        TraceFs traceFs = new TraceFs(Require.kernel());
        FencedInstances m = keep(FencedInstances.live(traceFs, LiveContainers.PROC, new StateDir(tmp.resolve("state"))));
        return keep(new SessionTable(() -> m, () -> LiveContainers.PROC));
    }

    @Test
    void aFullSpoolStopsTheSessionWithTheReasonInItsStatus() throws Exception {
        SessionTable rs = recordings();
        Tmpfs spool = keep(Tmpfs.mount(tmp.resolve("x"), "7m"));
        Storm storm = keep(Storm.dd());
        String name = rs.attach(LiveContainers.of("spool-full", (int) storm.init()), SessionOptions.defaults(),
                spool.dir());
        rs.start(name);
        SessionTable.Status s = awaitFailure(rs);
        assertEquals(SessionState.STOPPED, s.state());
        assertTrue(s.failure().startsWith("spool " + spool.dir() + " full (No space left on device): stopped after"),
                s.failure());
        assertTrue(s.lost() > 0 && s.bytes() > 0, s.toString());
        assertTrue(rs.statusLines().getFirst().startsWith(name + " failed lost "), rs.statusLines().toString());
        assertTrue(assertThrows(RuntimeException.class, () -> rs.start(name)).getMessage().contains("failed: spool"));
        rs.detach(name);
        try (Stream<Path> left = Files.list(spool.dir())) {
            assertEquals(List.of(), left.toList(), "detach removes the spool");
        }
    }

    private static SessionTable.Status awaitFailure(SessionTable rs) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            SessionTable.Status s = rs.status().getFirst();
            if (s.failure() != null && s.state() != SessionState.RUNNING) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the session did not stop on a full spool: " + rs.status());
    }

    @Test
    void statusShowsBytesWhileRunningAndCountsOnlyProcessesThatEnteredAsJoiners() throws Exception {
        SessionTable rs = recordings();
        Storm storm = keep(Storm.start("while :; do /bin/true; dd if=/dev/zero of=/dev/null bs=1 count=20000 "
                + "2>/dev/null; sleep 0.05; done"));
        String name = rs.attach(LiveContainers.of("spool-status", (int) storm.init()), SessionOptions.defaults(),
                tmp.resolve("spool"));
        rs.start(name);
        Thread.sleep(2500);
        SessionTable.Status s = rs.status().getFirst();
        assertEquals(SessionState.RUNNING, s.state());
        assertTrue(s.bytes() > 0, "bytes spooled show while running: " + s);
        assertEquals(0, s.joiners(), "dozens of forks inside are not joiners: " + s);
        Process nsenter = new ProcessBuilder("nsenter", "-t", Long.toString(storm.init()), "-p", "-m", "/bin/sleep",
                "2").start();
        for (int i = 0; i < 60 && rs.status().getFirst().joiners() == 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(1, rs.status().getFirst().joiners(), "an nsenter joiner counts");
        nsenter.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void resetAfterSigkillRemovesTheOrphansSpool() throws Exception {
        Path tracefs = Require.kernel();
        Storm storm = keep(Storm.dd());
        Path spool = tmp.resolve("spool");
        Path state = tmp.resolve("state");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp",
                System.getProperty("java.class.path"), "io.nstrace.Main", "record", storm.selector(), "--spool",
                spool.toString(), "-o", tmp.resolve("never.dat").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("NSTRACE_STATE_DIR", state.toString());
        Process recorder = pb.start();
        keep(recorder::destroyForcibly);
        Path session = null;
        for (int i = 0; i < 600 && session == null; i++) {
            session = segmentDir(spool);
            Thread.sleep(50);
        }
        assertNotNull(session, "the recorder spools");
        recorder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertTrue(Files.isDirectory(session), "SIGKILL leaves the spool behind");
        CliRun r;
        try (AppContext ctx = new AppContext(Path.of("/proc"), Optional.of(tracefs), state)) {
            r = CliRun.run(ctx, "reset");
        }
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("removed spool " + session), r.out());
        try (Stream<Path> left = Files.list(spool)) {
            assertEquals(List.of(), left.toList(), "reset removed the orphan's spool");
        }
    }

    /** The session directory in the spool root once a segment exists in it, else null. */
    private static Path segmentDir(Path spool) throws Exception {
        if (!Files.isDirectory(spool)) {
            return null;
        }
        try (Stream<Path> s = Files.list(spool)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("nstrace-")).toList()) {
                if (Files.isDirectory(p.resolve("seg-1"))) {
                    return p;
                }
            }
        }
        return null;
    }
}
