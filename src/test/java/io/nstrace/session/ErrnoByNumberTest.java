package io.nstrace.session;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.sys.Errno;
import io.nstrace.sys.NativeException;
import io.nstrace.tracefs.TraceFs;
import io.nstrace.tracefs.TraceFsWriteException;
import io.nstrace.tracefs.TraceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decisions on a failed system call look at errno, never at the text of a message. */
class ErrnoByNumberTest {
    @Test
    void removeRetriesOnEbusyByNumberOnly(@TempDir Path tmp) {
        TraceInstance instance = new TraceFs(tmp).instance("x");
        AtomicInteger calls = new AtomicInteger();
        FencedInstances.InstanceStore busyTwice = new FencedInstances.InstanceStore() {
            @Override
            public TraceInstance create(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void remove(TraceInstance i) {
                if (calls.incrementAndGet() <= 2) {
                    throw NstraceException.environment("cannot remove " + i.name(),
                            new NativeException("rmdir", i.name(), Errno.EBUSY));
                }
            }
        };
        FencedInstances.removeRetrying(busyTwice, instance);
        assertEquals(3, calls.get());

        // the same words without EBUSY underneath are not retried
        NstraceException text = NstraceException.environment("x: Device or resource busy");
        calls.set(0);
        FencedInstances.InstanceStore wordsOnly = new FencedInstances.InstanceStore() {
            @Override
            public TraceInstance create(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void remove(TraceInstance i) {
                calls.incrementAndGet();
                throw text;
            }
        };
        assertSame(text, assertThrows(NstraceException.class, () -> FencedInstances.removeRetrying(wordsOnly, instance)));
        assertEquals(1, calls.get());
    }

    @Test
    void refusedWriteCarriesErrno(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("instances/x"));
        TraceInstance instance = new TraceFs(tmp).instance("x");
        TraceFsWriteException e = assertThrows(TraceFsWriteException.class, () -> instance.write("missing", "1"));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals(ExitCodes.USER, e.exitCode());
        assertFalse(e.notPermitted());
        assertTrue(e.getMessage().endsWith("/instances/x/missing: no such file"), e.getMessage());
        assertTrue(new TraceFsWriteException(tmp, "1", Errno.EPERM, "").notPermitted());
        assertEquals(ExitCodes.ENVIRONMENT, new TraceFsWriteException(tmp, "1", Errno.EPERM, "").exitCode());
    }
}
