package io.nstrace.format;

import io.nstrace.format.ringbuffer.EventFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tracefs files captured from the kernel this was developed on (tracefs-fixtures/6.18.44-fc-v669). */
public final class Fixtures {
    public static final Path ROOT = Path.of("tracefs-fixtures/6.18.44-fc-v669");

    private Fixtures() {
    }

    public static String text(String relative) {
        try {
            return Files.readString(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EventFormat format(String system, String event) {
        return EventFormat.parse(system, text("events/" + system + "/" + event + "/format"));
    }
}
