package io.nstrace.testing;

import org.junit.jupiter.api.Assertions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Perfetto trace as {@code protoc --decode=perfetto.protos.Trace} prints it against nstrace's .proto subset
 * (src/main/proto/perfetto_trace.proto), parsed into a tree: a clean decode (exit 0, nothing on stderr) is the
 * first check of every test that writes one.
 */
public final class PerfettoText {
    /** One field: a scalar ({@code value} set, unquoted) or a message ({@code children}). */
    public record Node(String name, String value, List<Node> children) {
        public List<Node> all(String child) {
            return children.stream().filter(n -> n.name.equals(child)).toList();
        }

        public Node first(String child) {
            return children.stream().filter(n -> n.name.equals(child)).findFirst().orElse(null);
        }

        public String get(String child) {
            Node n = first(child);
            return n == null ? null : n.value;
        }

        public long num(String child) {
            return Long.parseLong(get(child));
        }

        /** This node and every node below it, depth first. */
        public Stream<Node> walk() {
            return Stream.concat(Stream.of(this), children.stream().flatMap(Node::walk));
        }
    }

    private PerfettoText() {
    }

    /** Decodes {@code pftrace} with protoc (required: see {@link Require#protoc()}) and parses the text. */
    public static Node decode(Path pftrace) throws IOException, InterruptedException {
        Path protoc = Require.protoc();
        Path protoDir = Path.of(System.getProperty("nstrace.repo", "."), "src/main/proto");
        Path text = Files.createTempFile("nstrace-pf", ".txt");
        Path err = Files.createTempFile("nstrace-pf", ".err");
        try {
            Process p = new ProcessBuilder(protoc.toString(), "--decode=perfetto.protos.Trace", "-I",
                    protoDir.toString(), "perfetto_trace.proto").redirectInput(pftrace.toFile())
                    .redirectOutput(text.toFile()).redirectError(err.toFile()).start();
            Assertions.assertTrue(p.waitFor(300, TimeUnit.SECONDS), "protoc did not finish");
            String errText = Files.readString(err);
            Assertions.assertEquals(0, p.exitValue(), "protoc --decode failed: " + errText);
            Assertions.assertEquals("", errText, "protoc warned");
            return parse(Files.readAllLines(text));
        } finally {
            Files.deleteIfExists(text);
            Files.deleteIfExists(err);
        }
    }

    static Node parse(List<String> lines) {
        Node root = new Node("Trace", null, new ArrayList<>());
        Deque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("}")) {
                stack.pop();
            } else if (line.endsWith(" {")) {
                Node n = new Node(line.substring(0, line.length() - 2), null, new ArrayList<>());
                stack.peek().children().add(n);
                stack.push(n);
            } else {
                int colon = line.indexOf(": ");
                Assertions.assertTrue(colon > 0, "not a protoc text line: " + line);
                stack.peek().children().add(new Node(line.substring(0, colon), unquote(line.substring(colon + 2)),
                        List.of()));
            }
        }
        Assertions.assertEquals(1, stack.size(), "unbalanced protoc output");
        return root;
    }

    /** A protoc text value: strings lose their quotes and C escapes (octal bytes as UTF-8). */
    static String unquote(String v) {
        if (!v.startsWith("\"")) {
            return v;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char n = v.charAt(++i);
            if (n >= '0' && n <= '7') {
                int end = i;
                while (end < i + 3 && end < v.length() - 1 && v.charAt(end) >= '0' && v.charAt(end) <= '7') {
                    end++;
                }
                out.write(Integer.parseInt(v.substring(i, end), 8));
                i = end - 1;
            } else {
                out.write(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> n;
                });
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
