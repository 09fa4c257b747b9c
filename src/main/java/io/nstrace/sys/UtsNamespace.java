package io.nstrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;


/**
 * Reads the hostname of other UTS namespaces. setns(2) with CLONE_NEWUTS moves only the calling thread (the
 * UTS namespace hangs off the task's nsproxy, and UTS has no single-threaded restriction, unlike user or mount
 * namespaces), so the work runs on a short-lived platform thread of its own: it joins each namespace, calls
 * uname(2), and then ends, so no other Java thread ever sees a foreign namespace. Root (CAP_SYS_ADMIN) is needed.
 */
public final class UtsNamespace {
    private static final int CLONE_NEWUTS = 0x04000000;
    private static final long UTS_FIELD = 65;

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
            fd = NsCalls.open(link.toString());
        } catch (NativeException e) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            NsCalls.setns(fd, CLONE_NEWUTS, link.toString());
            MemorySegment uts = arena.allocate(UTS_FIELD * 6);
            NsCalls.uname(uts, link.toString());
            return Optional.of(uts.asSlice(UTS_FIELD, UTS_FIELD).getString(0));
        } catch (NativeException e) {
            return Optional.empty();
        } finally {
            NsCalls.close(fd);
        }
    }
}
