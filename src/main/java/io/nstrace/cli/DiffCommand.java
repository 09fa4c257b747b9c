package io.nstrace.cli;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.format.diff.Gate;
import io.nstrace.format.diff.Metrics;
import io.nstrace.format.diff.TraceDiff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nstrace diff BASE NEW [--fail-on RULE]...}: what changed per container between two summaries or
 * profiles (JSON), and a CI gate: exit 1 when a rule fires, naming it. A bad rule is a usage error (exit 2).
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two JSON summaries or profiles (run/record --summary-json or --profile FILE.json, "
                + "report --format profile -o FILE.json): per container, what changed, largest relative change first.",
                "With --fail-on, exit 1 when a rule fires (a CI gate), naming the rule."})
public final class DiffCommand implements Callable<Integer> {
    /** How the diff is written. */
    public enum Format { text, markdown, json }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASE", description = "The baseline (e.g. the main branch's summary.json).")
    Path base;

    @Parameters(index = "1", paramLabel = "NEW", description = "The one to judge.")
    Path now;

    @Option(names = "--fail-on", paramLabel = "RULE", description = {"Exit 1 when RULE holds: "
            + "[CONTAINER:]METRIC OP VALUE, e.g. 'syscalls.fsync.count>+20%%', 'sched.latency.p99>2ms', 'execs>+10'.",
            "OP: > >= < <=; VALUE: +N%% or -N%% (relative change), +N or -N (absolute change), N (NEW's value); "
                    + "durations in ns, us, ms, s. Repeatable."})
    List<String> rules = new ArrayList<>();

    @Option(names = "--format", defaultValue = "text", description = "text, markdown or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the diff here instead of stdout.")
    Path output;

    @Option(names = "--summary", paramLabel = "FILE",
            description = "Also append the diff as Markdown here (e.g. $GITHUB_STEP_SUMMARY).")
    Path summary;

    @Override
    public Integer call() {
        List<Gate> gates = new ArrayList<>();
        for (String r : rules) {
            try {
                gates.add(Gate.parse(r));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        for (Path p : new Path[] {output, summary}) {
            if (p != null) {
                OutputFiles.require(p, ExitCodes.USAGE);
            }
        }
        TraceDiff diff = new TraceDiff(read(base), read(now));
        List<TraceDiff.Firing> fired;
        try {
            fired = diff.check(gates);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String text = switch (format) {
            case text -> diff.text(fired);
            case markdown -> diff.markdown(fired);
            case json -> diff.json(fired);
        };
        if (output != null) {
            write(output, text, false);
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.print(text);
            out.flush();
        }
        if (summary != null) {
            write(summary, diff.markdown(fired), true);
        }
        PrintWriter err = spec.commandLine().getErr();
        fired.forEach(f -> err.println(spec.qualifiedName() + ": " + f.describe()));
        err.flush();
        return fired.isEmpty() ? ExitCodes.OK : ExitCodes.GATE_FAILED;
    }

    private static Metrics read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw NstraceException.user("no such file: " + file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw NstraceException.user(file + " is not a JSON summary or profile (not UTF-8 text)");
        } catch (IOException e) {
            throw NstraceException.user("cannot read " + file + ": " + OutputFiles.reason(e));
        }
        try {
            return Metrics.parse(text, file.toString());
        } catch (IllegalArgumentException e) {
            throw NstraceException.user(e.getMessage());
        }
    }

    private static void write(Path file, String text, boolean append) {
        try (OutputStream os = append ? OutputFiles.append(file) : OutputFiles.open(file)) {
            os.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw NstraceException.user("cannot write " + file + ": " + OutputFiles.reason(e));
        }
    }
}
