package io.nstrace.discovery;

import io.nstrace.testing.Workloads;
import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery against the live kernel: bare nested namespaces, a Docker and a Podman container. */
class DiscoveryRealTest {
    private static final Path PROC = Path.of("/proc");

    private static Snapshot scan() {
        return ContainerDiscovery.forProc(PROC).scan();
    }

    private static List<Integer> children(int pid) throws IOException {
        String text = Files.readString(PROC.resolve(pid + "/task/" + pid + "/children")).strip();
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(" ")).map(Integer::valueOf).sorted().toList();
    }

    @Test
    void nestedUnshareNamespacesTwoDeep() throws Exception {
        Require.kernel();
        Process p = Workloads.unshare("sleep 1001 & exec unshare -p -f --mount-proc sh -c 'sleep 1002 & exec sleep 1003'");
        try {
            int outerInit = awaitOne(() -> children((int) p.pid()));
            List<Integer> outerKids = await(() -> children(outerInit), 2);     // sleep 1001 and the inner init
            int innerInit = -1;
            for (int k : outerKids) {
                if (!children(k).isEmpty() || Files.readString(PROC.resolve(k + "/cmdline")).contains("1003")) {
                    innerInit = k;
                }
            }
            int inner = innerInit;
            List<Integer> innerKids = await(() -> children(inner), 1);
            List<Integer> outerPids = new ArrayList<>(List.of(outerInit));
            outerKids.stream().filter(k -> k != inner).forEach(outerPids::add);
            List<Integer> innerPids = new ArrayList<>(List.of(inner));
            innerPids.addAll(innerKids);
            innerPids.sort(null);
            outerPids.sort(null);

            Snapshot s = scan();
            Container outer = Selectors.selectOne(s, "pid:" + outerInit);
            Container in = Selectors.selectOne(s, "pid:" + inner);
            assertEquals(outerPids, outer.pids());
            assertEquals(innerPids, in.pids());
            assertEquals(outerInit, outer.initPid());
            assertEquals(inner, in.initPid());
            assertEquals(1, outer.level());
            assertEquals(2, in.level());
            assertEquals(s.host().pidnsInode(), outer.parentPidnsInode());
            assertEquals(outer.pidnsInode(), in.parentPidnsInode());
            assertEquals("none", outer.runtime());
            assertEquals(3, in.processes().stream().filter(x -> x.pid() == inner).findFirst().orElseThrow().nspid().size());
            assertNotNull(outer.pidnsId(), "6.18 has NS_GET_ID");
            assertEquals(in.pids(), ContainerDiscovery.forProc(PROC).scanNamespaces().containers().stream()
                    .filter(c -> c.pidnsInode() == in.pidnsInode()).findFirst().orElseThrow().pids());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    @Test
    void ownUtsNamespaceIsNamedByItsHostnameReadThroughSetns() throws Exception {
        Require.kernel();
        String host = "nstrace-uts-" + UUID.randomUUID().toString().substring(0, 6);
        Process p = Workloads.unshareUts("hostname " + host + " && exec sleep 1004");
        try {
            int init = awaitOne(() -> children((int) p.pid()));
            for (int i = 0; i < 50 && !Files.readString(PROC.resolve(init + "/cmdline")).startsWith("sleep"); i++) {
                sleep();
            }
            Container c = Selectors.selectOne(scan(), "pid:" + init);
            assertEquals(host, c.name());
            assertEquals(host, c.hostname());
            assertEquals("none", c.runtime());
            assertNotEquals(host, java.net.InetAddress.getLocalHost().getHostName(), "our own UTS is untouched");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    @Test
    void dockerContainerNamedWithExactlyDockerTopPids() {
        Require.docker();
        runtimeContainer(Runtimes.docker(), "docker", List.of("top", "%s", "-eo", "pid"));
    }

    @Test
    void podmanContainerNamedWithExactlyPodmanTopPids() {
        Require.podman();
        runtimeContainer(Runtimes.podman(), "podman", List.of("top", "%s", "hpid"));
    }

    private static void runtimeContainer(Runtimes rt, String runtime, List<String> topArgs) {
        String name = "nstrace-disc-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            String id = rt.runDetached(name, "sleep 1000 & sleep 1001 & wait");
            int init = rt.initPid(name);
            List<Integer> expected = awaitTop(rt, name, topArgs, 3);
            Container c = Selectors.selectOne(scan(), name);
            assertEquals(runtime, c.runtime());
            assertEquals(id, c.id());
            assertEquals(init, c.initPid());
            assertEquals(expected, c.pids());
            assertEquals(1, c.level());
            assertEquals(rt.image(), c.image());
            assertEquals(c, Selectors.selectOne(scan(), id.substring(0, 8)));
        } finally {
            rt.remove(name);
        }
    }

    private static List<Integer> awaitTop(Runtimes rt, String name, List<String> topArgs, int count) {
        String[] args = topArgs.stream().map(a -> a.replace("%s", name)).toArray(String[]::new);
        List<Integer> pids = List.of();
        for (int i = 0; i < 100 && pids.size() < count; i++) {
            pids = rt.exec(args).out().lines().skip(1).map(String::strip).filter(l -> !l.isEmpty())
                    .map(Integer::valueOf).sorted().toList();
            sleep();
        }
        assertEquals(count, pids.size(), "top: " + pids);
        return pids;
    }

    interface Probe {
        List<Integer> get() throws IOException;
    }

    private static int awaitOne(Probe probe) throws IOException {
        return await(probe, 1).getFirst();
    }

    private static List<Integer> await(Probe probe, int count) throws IOException {
        List<Integer> got = List.of();
        for (int i = 0; i < 100; i++) {
            got = probe.get();
            if (got.size() >= count) {
                sleep();
                return probe.get();
            }
            sleep();
        }
        throw new AssertionError("expected " + count + " children, got " + got);
    }

    private static void sleep() {
        try {
            Thread.sleep(Duration.ofMillis(100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
