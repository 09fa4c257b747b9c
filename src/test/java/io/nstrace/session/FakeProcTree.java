package io.nstrace.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A fake /proc for fixture tests: per process ns/pid link, task/ entries, status and stat. */
final class FakeProcTree {
    private final Path root;

    FakeProcTree(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** A process with its threads; nspid is the chain from host to innermost. */
    FakeProcTree process(int pid, long pidnsInode, String comm, List<Integer> nspid, int... threads) {
        try {
            List<Integer> tids = new ArrayList<>();
            tids.add(pid);
            for (int t : threads) {
                tids.add(t);
            }
            for (int t : tids) {
                Path dir = Files.createDirectories(root.resolve(Integer.toString(t)));
                Files.createDirectories(dir.resolve("ns"));
                Files.deleteIfExists(dir.resolve("ns/pid"));
                Files.createSymbolicLink(dir.resolve("ns/pid"), Path.of("pid:[" + pidnsInode + "]"));
                Files.writeString(dir.resolve("status"), "Name:\t" + comm + "\nTgid:\t" + pid + "\nPid:\t" + t
                        + "\nPPid:\t1\nNSpid:\t" + String.join("\t", nspid.stream().map(String::valueOf).toList())
                        + "\n");
                Files.writeString(dir.resolve("stat"), t + " (" + comm + ") S 1 1 1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 "
                        + (1000 + t) + " 0 0\n");
                for (int u : tids) {
                    Files.createDirectories(dir.resolve("task").resolve(Integer.toString(u)));
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process exits (its directory disappears). */
    FakeProcTree exit(int pid) {
        try (var s = Files.walk(root.resolve(Integer.toString(pid)))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
