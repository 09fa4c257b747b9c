package io.nstrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Reads the hostname of other UTS namespaces. setns(2) with CLONE_NEWUTS moves only the calling thread (the
 * UTS namespace hangs off the task's nsproxy, and UTS has no single-threaded restriction, unlike user or mount
 * namespaces), so the work runs on a short-lived platform thread of its own: it joins each namespace, calls
 * uname(2), and then ends, so no other Java thread ever sees a foreign namespace. Root (CAP_SYS_ADMIN) is needed.
 */
public final class UtsNamespace {
    private static final int CLONE_NEWUTS = 0x04000000;
    private static final long UTS_FIELD = 65;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().find("setns").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    private static final MethodHandle UNAME = LINKER.downcallHandle(LINKER.defaultLookup().find("uname").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS), CAPTURE);

    private UtsNamespace() {
    }

    /**
     * The hostname of each UTS namespace link given (e.g. {@code /proc/<pid>/ns/uts}); a link that cannot be
     * joined (gone, not permitted, not a namespace) is absent from the answer.
     */
    public static Map<Path, String> hostnames(List<Path> utsLinks) {
        if (utsLinks.isEmpty()) {
            return Map.of();
        }
        AtomicReference<Map<Path, String>> result = new AtomicReference<>(Map.of());
        Thread worker = Thread.ofPlatform().name("nstrace-uts").daemon(true)
                .unstarted(() -> result.set(readAll(new ArrayList<>(utsLinks))));
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result.get();
    }

    /** Runs on the throw-away thread only. */
    private static Map<Path, String> readAll(List<Path> links) {
        Map<Path, String> out = new HashMap<>();
        for (Path link : links) {
            read(link).ifPresent(name -> out.put(link, name));
        }
        return out;
    }

    private static Optional<String> read(Path link) {
        int fd;
        try {
            fd = Libc.open(link.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        } catch (NativeException e) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) SETNS.invokeExact(state, fd, CLONE_NEWUTS) < 0) {
                return Optional.empty();
            }
            MemorySegment uts = arena.allocate(UTS_FIELD * 6);
            if ((int) UNAME.invokeExact(state, uts) < 0) {
                return Optional.empty();
            }
            return Optional.of(uts.asSlice(UTS_FIELD, UTS_FIELD).getString(0));
        } catch (Throwable t) {
            throw new IllegalStateException("setns/uname " + link, t);
        } finally {
            Libc.close(fd);
        }
    }
}
