package io.nstrace.discovery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A minimal HTTP/1.1 GET over a unix socket (the Docker and Podman APIs), with one deadline for the whole
 * exchange. Any failure (no socket, refused, timeout, non-200, malformed reply) is an empty answer: the
 * caller falls back to the runtime's state files.
 */
final class UnixHttp {
    private UnixHttp() {
    }

    /** The body of a 200 reply to {@code GET path}, or empty. */
    static Optional<String> get(Path socket, String path, Duration timeout) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ch.register(selector, SelectionKey.OP_WRITE);
            while (request.hasRemaining()) {
                await(selector, deadline);
                ch.write(request);
            }
            ch.register(selector, SelectionKey.OP_READ);
            return parse(readAll(ch, selector, deadline));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static byte[] readAll(SocketChannel ch, Selector selector, long deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(16384);
        while (true) {
            await(selector, deadline);
            int n = ch.read(buf);
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }

    private static void await(Selector selector, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || selector.select(left) == 0 && System.nanoTime() >= deadline) {
            throw new IOException("timed out");
        }
        selector.selectedKeys().clear();
    }

    /** Splits a whole HTTP/1.1 reply; the body is de-chunked when sent chunked. Empty unless status 200. */
    static Optional<String> parse(byte[] reply) {
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0 || !text.startsWith("HTTP/1.") || !text.substring(9, Math.min(12, text.length())).equals("200")) {
            return Optional.empty();
        }
        String headers = text.substring(0, headerEnd).toLowerCase(java.util.Locale.ROOT);
        byte[] body = java.util.Arrays.copyOfRange(reply, headerEnd + 4, reply.length);
        if (headers.contains("transfer-encoding: chunked")) {
            try {
                body = dechunk(body);
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int eol = i;
            while (eol + 1 < body.length && !(body[eol] == '\r' && body[eol + 1] == '\n')) {
                eol++;
            }
            String sizeText = new String(body, i, eol - i, StandardCharsets.US_ASCII);
            int semi = sizeText.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).strip(), 16);
            if (size == 0) {
                break;
            }
            out.write(body, eol + 2, size);
            i = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }
}
