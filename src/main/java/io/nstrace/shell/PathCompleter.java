package io.nstrace.shell;

import org.jline.reader.Candidate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * File-name completion for options that take a path ({@code dump -o FILE}): the entries of the directory the word
 * names so far, directories with a trailing slash (and no space, so TAB goes on into them). A leading {@code ~/}
 * means the home directory. Relative words resolve against {@code base}.
 */
final class PathCompleter {
    private final Path base;
    private final Path home;

    PathCompleter(Path base, Path home) {
        this.base = base;
        this.home = home;
    }

    void complete(String word, List<Candidate> candidates) {
        int slash = word.lastIndexOf('/');
        String dirPart = slash < 0 ? "" : word.substring(0, slash + 1);
        Path dir = resolve(dirPart);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.sorted().forEach(p -> {
                String name = p.getFileName().toString();
                boolean isDir = Files.isDirectory(p);
                String value = dirPart + name + (isDir ? "/" : "");
                candidates.add(new Candidate(value, name + (isDir ? "/" : ""), null, null, null, null, !isDir));
            });
        } catch (IOException e) {
            // an unreadable directory offers nothing
        }
    }

    private Path resolve(String dirPart) {
        if (dirPart.isEmpty()) {
            return base;
        }
        if (dirPart.startsWith("~/")) {
            return home.resolve(dirPart.substring(2));
        }
        return base.resolve(dirPart);
    }
}
