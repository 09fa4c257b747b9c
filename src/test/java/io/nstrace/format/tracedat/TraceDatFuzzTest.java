package io.nstrace.format.tracedat;

import io.nstrace.Commands;

import io.nstrace.cli.context.AppContext;
import io.nstrace.cli.Cli;
import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Thousands of cut and bit-flipped copies of a real recording ({@link RealTrace}), each read by
 * {@code nstrace report} (text, JSON or summary in turn) and by a salvaging read. Never an internal error or
 * another exception than {@link java.io.IOException}, never more than a few seconds for one case, never more
 * events than the intact file holds; a cut file is never exit 0 without salvage, and salvaging it gives exactly
 * the events of the whole pages before the cut. The seed is random and printed on failure; rerun one with
 * {@code -Dfuzz.seed=N}; {@code -Dfuzz.cases=N} changes the number of cases of each kind.
 */
class TraceDatFuzzTest {
    private static final String[] FORMATS = {"text", "json", "summary"};
    private static ExecutorService worker;
    private static AppContext context;
    private static final StringWriter OUT = new StringWriter();
    private static final StringWriter ERR = new StringWriter();
    private static CommandLine report;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        // one model for every case, as the shell does: building it costs more than a report of this file
        context = new AppContext(Path.of("/proc"), Optional.empty());
        report = Commands.forArgs(context, new PrintWriter(OUT, true), new PrintWriter(ERR, true), new String[] {"report"});
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true); // a hung case must not keep the test JVM alive
            return t;
        });
    }

    @AfterAll
    static void stop() {
        worker.shutdownNow();
        context.close();
    }

    private static CliRun report(String... args) {
        OUT.getBuffer().setLength(0);
        ERR.getBuffer().setLength(0);
        String[] all = new String[args.length + 1];
        all[0] = "report";
        System.arraycopy(args, 0, all, 1, args.length);
        int rc = report.execute(all);
        return new CliRun(rc, OUT.toString(), ERR.toString());
    }

    private static long seed() {
        String s = System.getProperty("fuzz.seed");
        return s != null ? Long.parseLong(s) : System.nanoTime();
    }

    private static int cases() {
        return Integer.getInteger("fuzz.cases", 1000);
    }

    @Test
    void cutCopiesAreRefusedAndSalvagedToTheirWholePages() throws Exception {
        long seed = seed();
        byte[] intact = RealTrace.bytes();
        List<RealTrace.Page> pages = RealTrace.pages();
        long firstData = pages.getFirst().offset();
        Random random = new Random(seed);
        Path file = tmp.resolve("cut.dat");
        for (int i = 0; i < cases(); i++) {
            int cut = random.nextInt(intact.length);
            String what = "seed " + seed + " case " + i + ": cut at byte " + cut;
            Files.write(file, Arrays.copyOf(intact, cut));
            CliRun r = bounded(what, () -> report("--format", FORMATS[cut % 3], "-o", tmp.resolve("out").toString(),
                    file.toString()));
            assertEquals(1, r.exitCode(), what + ": " + r.err());
            assertTrue(r.err().startsWith("nstrace report: " + file + ": ") && r.err().lines().count() == 1,
                    what + ": " + r.err());
            long expected = pages.stream().filter(p -> p.offset() + 4096 <= cut)
                    .mapToLong(RealTrace.Page::events).sum();
            long[] salvaged = bounded(what, () -> salvage(file, what));
            if (salvaged == null) {
                assertTrue(cut < firstData, what + ": salvage refused a file cut after its headers");
            } else {
                assertEquals(expected, salvaged[0], what + ": salvaged events");
                assertTrue(salvaged[1] > 0, what + ": nothing marked lost");
            }
        }
    }

    @Test
    void bitFlippedCopiesNeverFailInternallyHangOrGainEvents() throws Exception {
        flip(RealTrace.bytes(), (int) RealTrace.pages().getFirst().offset(), cases());
    }

    /**
     * The same for the recording as a trace.dat version 7 compressed with zstd (nstrace's default): flips in the
     * compressed sections and chunks must be found by the zstd decoder or the checks after it, or be harmless.
     */
    @Test
    void bitFlippedVersion7CopiesNeverFailInternallyHangOrGainEvents() throws Exception {
        Path v7 = tmp.resolve("v7.dat");
        try (java.io.OutputStream out = Files.newOutputStream(v7)) {
            TraceDatWriter.write(TraceDatReader.read(RealTrace.FILE), out, TraceDatWriter.Settings.of(7, tmp));
        }
        int firstData = (int) TraceDatV7Test.sections(v7).stream().filter(x -> x[0] == 3).findFirst()
                .orElseThrow()[1];
        flip(Files.readAllBytes(v7), firstData, Math.max(1, cases() / 2));
    }

    /** {@code cases} copies of {@code intact} with 1-3 bits flipped, half of them after {@code firstData}. */
    private void flip(byte[] intact, int firstData, int cases) throws Exception {
        long seed = seed();
        Random random = new Random(seed);
        Path file = tmp.resolve("flipped.dat");
        for (int i = 0; i < cases; i++) {
            byte[] b = intact.clone();
            StringBuilder what = new StringBuilder("seed " + seed + " case " + i + ": flipped");
            int flips = 1 + random.nextInt(3);
            // half of the cases flip bits in the CPU data, where most of the file is; the rest anywhere
            int from = i % 2 == 0 ? 0 : firstData;
            for (int f = 0; f < flips; f++) {
                int at = from + random.nextInt(b.length - from);
                int bit = random.nextInt(8);
                b[at] ^= (byte) (1 << bit);
                what.append(" byte ").append(at).append(" bit ").append(bit);
            }
            Files.write(file, b);
            String format = i % 10 == 0 ? FORMATS[i / 10 % 2] : "summary"; // text and JSON are the slow ones
            Path out = tmp.resolve("out");
            CliRun r = bounded(what.toString(), () -> report("--format", format, "-o", out.toString(),
                    file.toString()));
            assertTrue(r.exitCode() == 0 || r.exitCode() == 1, what + ": exit " + r.exitCode() + ": " + r.err());
            assertFalse(r.err().contains("internal error"), what + ": " + r.err());
            if (r.exitCode() == 0) { // the damage went unseen (a flip in a field value, a symbol, padding)
                long events = eventsIn(format, out);
                assertTrue(events <= RealTrace.EVENTS, what + ": " + events + " events");
                continue; // nothing for salvage to leave out
            }
            assertTrue(r.err().lines().count() == 1, what + ": " + r.err());
            long[] salvaged = bounded(what.toString(), () -> salvage(file, what.toString()));
            if (salvaged != null) {
                assertTrue(salvaged[0] <= RealTrace.EVENTS, what + ": salvaged " + salvaged[0] + " events");
            }
        }
    }

    /** The events a report wrote (lost markers and the text header excluded). */
    private static long eventsIn(String format, Path out) throws IOException {
        List<String> lines = Files.readAllLines(out);
        return switch (format) {
            case "summary" -> Long.parseLong(lines.getFirst().split("\\s+")[1]);
            case "json" -> lines.stream().filter(l -> !l.contains("\"lost\":")).count();
            default -> lines.stream().filter(l -> !l.startsWith("cpus=") && !l.startsWith("CPU:")).count();
        };
    }

    /** The salvaged counts, or null when the file is refused even so (damaged headers): only as an IOException. */
    private static long[] salvage(Path file, String what) {
        try {
            return RealTrace.count(TraceDatReader.salvage(file));
        } catch (IOException refused) {
            assertTrue(refused.getMessage().startsWith(file + ": "), what + ": " + refused.getMessage());
            return null;
        }
    }

    private interface Case<T> {
        T run() throws Exception;
    }

    /** Runs one case on the worker thread; fails with the case named when it takes more than 10 s. */
    private static <T> T bounded(String what, Case<T> c) throws Exception {
        Future<T> f = worker.submit(c::run);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = Executors.newSingleThreadExecutor();
            return fail(what + ": did not finish in 10 s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError(what + ": " + e.getCause(), e.getCause());
        }
    }
}
