package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import io.nstrace.format.json.Json;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import io.nstrace.testing.Storm;
import io.nstrace.testing.Tmpfs;
import io.nstrace.tracefs.TraceFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spool faults and lost counts against the live kernel: a tmpfs spool that fills during a syscall storm, one too
 * small for a single chunk, and overruns of a tiny ring buffer; every output must give the same lost count.
 */
@Timeout(180)
class SpoolFaultKernelTest {
    private static final Pattern STDERR_COUNTS = Pattern.compile(": ([\\d,]+) events(?: \\([^)]*\\))?, ([\\d,]+) lost");

    @TempDir
    Path tmp;

    private CliRun nstrace(String... args) {
        try (AppContext ctx = new AppContext(Path.of("/proc"), Optional.empty(), tmp.resolve("state"))) {
            return CliRun.run(ctx, args);
        }
    }

    @Test
    void aFullSpoolStopsAtOnceKeepsWhatWasCapturedAndExits3() throws Exception {
        Path tracefs = Require.kernel();
        try (Tmpfs spool = Tmpfs.mount(tmp.resolve("x"), "7m"); Storm storm = Storm.dd()) {
            Path dat = tmp.resolve("full.dat");
            long t0 = System.nanoTime();
            CliRun r = nstrace("record", storm.selector(), "-d", "60s", "--spool", spool.dir().toString(), "-o",
                    dat.toString(), "--summary", tmp.resolve("s.md").toString(), "--summary-json",
                    tmp.resolve("s.json").toString());
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertEquals(3, r.exitCode(), r.err());
            assertTrue(seconds < 30, "stopped when the spool filled, not when -d ended: " + seconds + " s");
            assertTrue(r.err().contains("nstrace record: spool " + spool.dir()
                    + " full (No space left on device): stopped after "), r.err());
            assertTrue(r.err().strip().endsWith("MiB; events after that are lost"), r.err());
            assertEquals(0, traceCmd("report", dat.toString()).exit, "trace-cmd reads what was kept");
            long lost = agreedLost(r, dat);
            assertTrue(lost > 0, "the events after the failure are counted lost");
            assertNothingLeft(spool.dir(), tracefs, storm);
        }
    }

    @Test
    void aSpoolTooSmallForOneChunkFailsAtOnce() throws Exception {
        Path tracefs = Require.kernel();
        try (Tmpfs spool = Tmpfs.mount(tmp.resolve("tiny"), "16k"); Storm storm = Storm.dd()) {
            long t0 = System.nanoTime();
            CliRun r = nstrace("record", storm.selector(), "-d", "60s", "--spool", spool.dir().toString(), "-o",
                    tmp.resolve("tiny.dat").toString());
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertEquals(3, r.exitCode(), r.err());
            assertTrue(seconds < 40, "failed at once, not after -d (60 s): " + seconds + " s");
            assertTrue(r.err().contains("full (No space left on device)"), r.err());
            assertTrue(Files.isRegularFile(tmp.resolve("tiny.dat")), "the (empty) trace is still written");
            assertNothingLeft(spool.dir(), tracefs, storm);
        }
    }

    @Test
    void lostCountsFromOverrunsAgreeInEveryOutput() throws Exception {
        Path tracefs = Require.kernel();
        try (Storm storm = Storm.dd()) {
            Path dat = tmp.resolve("overrun.dat");
            CliRun r = nstrace("record", storm.selector(), "-b", "16", "-d", "4s", "--spool",
                    tmp.resolve("spool").toString(), "-o", dat.toString(), "--summary", tmp.resolve("s.md").toString(),
                    "--summary-json", tmp.resolve("s.json").toString());
            assertEquals(0, r.exitCode(), r.err());
            long lost = agreedLost(r, dat);
            assertTrue(lost > 0, "a 16 KB buffer under a dd storm overruns: " + r.err());
            assertNothingLeft(tmp.resolve("spool"), tracefs, storm);
        }
    }

    /**
     * The lost count on stderr, in the Markdown and JSON summaries, in {@code report --format summary} and in the
     * file's own per-CPU stats as trace-cmd prints them (overrun + dropped + nstrace's discarded, per CPU) must be
     * one number; returns it.
     */
    private long agreedLost(CliRun r, Path dat) throws Exception {
        Matcher m = STDERR_COUNTS.matcher(r.err());
        assertTrue(m.find(), r.err());
        long stderrLost = Long.parseLong(m.group(2).replace(",", ""));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(tmp.resolve("s.json")));
        assertEquals(stderrLost, ((Number) json.get("lost")).longValue(), "summary json");
        assertEquals(0L, ((Number) json.get("lost_uncounted_pages")).longValue(), "the kernel's counters cover all");
        String md = Files.readString(tmp.resolve("s.md"));
        assertTrue(md.contains(String.format("%,d lost", stderrLost)) && !md.contains("uncounted"), md);
        CliRun report = nstrace("report", dat.toString(), "--format", "summary");
        assertTrue(report.out().contains("lost: " + stderrLost + " "), report.out());
        assertEquals(stderrLost, statsLost(traceCmd("report", "--stat", dat.toString()).out), "the file's stats");
        return stderrLost;
    }

    /** Sum over the CPU stats trace-cmd prints of overrun, dropped events and nstrace discarded. */
    private static long statsLost(String stat) {
        long sum = 0;
        Matcher m = Pattern.compile("(?m)^(overrun|dropped events|nstrace discarded): (\\d+)").matcher(stat);
        while (m.find()) {
            sum += Long.parseLong(m.group(2));
        }
        return sum;
    }

    private void assertNothingLeft(Path spool, Path tracefs, Storm storm) throws IOException {
        try (Stream<Path> s = Files.list(spool)) {
            assertEquals(List.of(), s.toList(), "the spool is removed");
        }
        try (Stream<Path> s = Files.list(tmp.resolve("state"))) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".session")).toList(), "no state file left");
        }
        List<String> ours = new ArrayList<>(TraceFs.locate(Path.of("/proc"), Optional.of(tracefs)).instanceNames());
        ours.removeIf(n -> !n.contains("-" + storm.init() + "-") && !n.contains("-" + ProcessHandle.current().pid()
                + "-"));
        assertEquals(List.of(), ours, "no instance of this test left");
    }

    private record Out(int exit, String out) {
    }

    private static Out traceCmd(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("trace-cmd"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Out(p.exitValue(), out);
    }
}
