package io.nstrace.discovery;

import io.nstrace.testing.FakeProc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Docker API over a unix socket, served by the test; state files are the fallback. */
class RuntimeApiTest {
    static final String ID = ContainerDiscoveryFixtureTest.DOCKER_ID;

    @TempDir
    Path tmp;

    /** Serves {@code replies} to successive connections on a unix socket and records the request lines. */
    static final class FakeApi implements AutoCloseable {
        final ServerSocketChannel server;
        final List<String> requests = new ArrayList<>();
        final Thread thread;

        FakeApi(Path socket, List<String> replies) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = Thread.ofPlatform().daemon(true).start(() -> serve(replies));
        }

        private void serve(List<String> replies) {
            for (String reply : replies) {
                try (SocketChannel c = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    String req = "";
                    while (!req.contains("\r\n\r\n") && c.read(in) > 0) {
                        req = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                    }
                    synchronized (requests) {
                        requests.add(req.lines().findFirst().orElse(""));
                    }
                    c.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void dockerNamesComeFromOneApiListingPerScan() throws Exception {
        FakeProc fake = new FakeProc(tmp);
        fake.process(2).comm("kthreadd").write();
        fake.process(100).ppid(2).pidns(4026532001L).nspid(100, 1).comm("sh").cgroup("0::/docker/" + ID + "\n").write();
        String other = ID.replace('d', 'e');
        fake.process(200).ppid(2).pidns(4026532002L).nspid(200, 1).comm("sh").cgroup("0::/docker/" + other + "\n").write();
        Path socket = Files.createDirectories(tmp.resolve("var/run")).resolve("docker.sock");
        String body = "[{\"Id\":\"" + ID + "\",\"Names\":[\"/api-web\"],\"Image\":\"busybox:local\",\"Labels\":{}},"
                + "{\"Id\":\"" + other + "\",\"Names\":[\"/api-db\"],\"Image\":\"busybox:local\",\"Labels\":{}}]";
        try (FakeApi api = new FakeApi(socket, List.of(ok(body)))) {
            Snapshot s = new ContainerDiscovery(new ProcFs(fake.root()), RuntimeRoots.forProc(fake.root()),
                    links -> Map.of(), 1).scan();
            assertEquals(List.of("api-db", "api-web"), s.containers().stream().map(Container::name).toList());
            assertEquals(List.of("GET /containers/json HTTP/1.1"), api.requests);
        }
    }

    @Test
    void deadSocketFallsBackToConfigV2() throws Exception {
        FakeProc fake = new FakeProc(tmp);
        fake.process(2).comm("kthreadd").write();
        fake.process(100).ppid(2).pidns(4026532001L).nspid(100, 1).comm("sh").cgroup("0::/docker/" + ID + "\n").write();
        fake.file("var/lib/docker/containers/" + ID + "/config.v2.json", "{\"Name\":\"/from-file\",\"Config\":{}}");
        Path socket = Files.createDirectories(tmp.resolve("var/run")).resolve("docker.sock");
        try (FakeApi api = new FakeApi(socket, List.of("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"))) {
            Snapshot s = new ContainerDiscovery(new ProcFs(fake.root()), RuntimeRoots.forProc(fake.root()),
                    links -> Map.of(), 1).scan();
            assertEquals("from-file", s.containers().getFirst().name());
        }
    }

    @Test
    void stateFilesNameContainersWithoutAskingTheApi() throws Exception {
        FakeProc fake = new FakeProc(tmp);
        fake.process(2).comm("kthreadd").write();
        fake.process(100).ppid(2).pidns(4026532001L).nspid(100, 1).comm("sh").cgroup("0::/docker/" + ID + "\n").write();
        String other = ID.replace('d', 'e');
        fake.process(200).ppid(2).pidns(4026532002L).nspid(200, 1).comm("sh").cgroup("0::/docker/" + other + "\n").write();
        fake.file("var/lib/docker/containers/" + ID + "/config.v2.json", "{\"Name\":\"/from-file\",\"Config\":{}}");
        fake.file("var/lib/docker/containers/" + other + "/config.v2.json", "{\"Name\":\"/db-file\",\"Config\":{}}");
        Path socket = Files.createDirectories(tmp.resolve("var/run")).resolve("docker.sock");
        String body = "[{\"Id\":\"" + ID + "\",\"Names\":[\"/api-web\"],\"Image\":\"busybox:local\",\"Labels\":{}}]";
        try (FakeApi api = new FakeApi(socket, List.of(ok(body)))) {
            Snapshot s = new ContainerDiscovery(new ProcFs(fake.root()), RuntimeRoots.forProc(fake.root()),
                    links -> Map.of(), 1).scan();
            assertEquals(List.of("db-file", "from-file"), s.containers().stream().map(Container::name).toList());
            assertEquals(List.of(), api.requests); // the daemon was never asked
        }
    }

    @Test
    void silentServerTimesOut() throws Exception {
        Path socket = tmp.resolve("slow.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            long t0 = System.nanoTime();
            Optional<String> r = UnixHttp.get(socket, "/containers/json", Duration.ofMillis(200));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(r.isEmpty());
            assertTrue(ms < 2000, "gave up after " + ms + " ms");
        }
    }

    @Test
    void chunkedRepliesAreJoined() {
        String reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n[{\"I\r\n8\r\nd\":\"x\"}]\r\n0\r\n\r\n";
        assertEquals(Optional.of("[{\"Id\":\"x\"}]"), UnixHttp.parse(reply.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), UnixHttp.parse("HTTP/1.1 404 Not Found\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void apiLabelsOfCriDockerdGivePodAndContainerName() {
        Map<String, RuntimeRecords.Info> m = RuntimeRecords.ApiRecords.parse("[{\"Id\":\"x\",\"Names\":[\"/k8s_app_web-1_shop_u_0\"],"
                + "\"Image\":\"app:1\",\"Labels\":{\"io.kubernetes.pod.name\":\"web-1\",\"io.kubernetes.pod.namespace\":\"shop\","
                + "\"io.kubernetes.container.name\":\"app\"}}]");
        assertEquals(new RuntimeRecords.Info("app", "app:1", "web-1", "shop"), m.get("x"));
    }
}
