package io.nstrace.format.profile;

import io.nstrace.format.TraceData;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** Profiles a {@link TraceData} and writes it: what report, dump, record and run share for profiles. */
public final class ProfileOutput {
    private ProfileOutput() {
    }

    /**
     * Writes the profile of {@code data} to {@code out} (not closed); {@code container}, when not null, keeps that
     * container only (every event is still read: a task's switch-in is recorded in another task's event).
     * Returns the events read.
     */
    public static long write(TraceData data, ProfileWriter.Rendering how, OutputStream out, String container,
                             String trace) throws IOException {
        TraceProfile p = TraceProfile.of(data);
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        ProfileWriter.write(p, how, container, trace, w);
        w.flush();
        return p.summary().events();
    }
}
