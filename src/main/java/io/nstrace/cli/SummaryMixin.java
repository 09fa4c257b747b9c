package io.nstrace.cli;

import io.nstrace.error.NstraceException;
import io.nstrace.format.output.SummaryWriter;
import io.nstrace.format.TraceData;
import io.nstrace.format.output.TraceSummary;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.nio.file.Path;

/** {@code --summary FILE} (Markdown for $GITHUB_STEP_SUMMARY) and {@code --summary-json FILE}: CI artifacts. */
public final class SummaryMixin {
    @Option(names = "--summary", paramLabel = "FILE",
            description = "Write a Markdown summary here (per container: duration, events per type, top processes "
                    + "and syscalls, lost events). Appended to when the file exists, e.g. $GITHUB_STEP_SUMMARY.")
    Path markdown;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "Write the same summary as JSON here.")
    Path json;

    /** Fails with {@code exitCode} naming the first summary file that cannot be written (before tracing). */
    public void check(int exitCode) {
        for (Path p : new Path[] {markdown, json}) {
            if (p != null) {
                OutputFiles.require(p, exitCode);
            }
        }
    }

    public boolean wanted() {
        return markdown != null || json != null;
    }

    /** Counts {@code data}'s events and writes the requested summaries; {@code run} may be null. */
    public void write(TraceData data, SummaryWriter.RunOutcome run, Path trace) {
        if (wanted()) {
            write(summarise(data), run, trace);
        }
    }

    /** The summary of {@code data}: the counts record's and run's stderr lines give too. */
    public static TraceSummary summarise(TraceData data) {
        try {
            return TraceSummary.of(data);
        } catch (IOException e) {
            throw NstraceException.user("cannot read the trace for its summary: " + e.getMessage());
        }
    }

    /** Writes the requested summaries of {@code s}. */
    public void write(TraceSummary s, SummaryWriter.RunOutcome run, Path trace) {
        if (!wanted()) {
            return;
        }
        String traceName = trace == null ? null : trace.toString();
        if (markdown != null) {
            try (Writer w = new OutputStreamWriter(OutputFiles.append(markdown), StandardCharsets.UTF_8)) {
                SummaryWriter.markdown(s, run, traceName, w);
            } catch (IOException e) {
                throw NstraceException.user("cannot write " + markdown + ": " + OutputFiles.reason(e));
            }
        }
        if (json != null) {
            try (Writer w = new OutputStreamWriter(OutputFiles.open(json), StandardCharsets.UTF_8)) {
                SummaryWriter.json(s, run, traceName, w);
            } catch (IOException e) {
                throw NstraceException.user("cannot write " + json + ": " + OutputFiles.reason(e));
            }
        }
    }
}
