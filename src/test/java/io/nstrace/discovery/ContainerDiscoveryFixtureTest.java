package io.nstrace.discovery;

import io.nstrace.testing.FakeProc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.nstrace.testing.FakeProc.HOST_PIDNS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery over fake /proc trees with runtime state files beside them. */
class ContainerDiscoveryFixtureTest {
    static final String DOCKER_ID = "d0c4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2";
    static final String PODMAN_ID = "b0d4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2";
    static final String K8S_ID = "c8c4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2";
    static final String CRIO_ID = "c210e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2";

    @TempDir
    Path tmp;
    FakeProc fake;

    @BeforeEach
    void host() {
        fake = new FakeProc(tmp);
        fake.process(1).comm("init").argv("/sbin/init").unreadableNs().write();
        fake.process(2).comm("kthreadd").write();
        fake.process(10).ppid(1).comm("containerd-shim").argv("containerd-shim").write();
    }

    private ContainerDiscovery discovery(Map<Path, String> hostnames) {
        return new ContainerDiscovery(new io.nstrace.discovery.ProcFs(fake.root()), RuntimeRoots.forProc(fake.root()),
                links -> hostnames, 2);
    }

    private Snapshot scan() {
        return discovery(Map.of()).scan();
    }

    @Test
    void dockerContainerNamedFromConfigV2WithExactPidsAndTids() {
        fake.process(100).ppid(10).pidns(4026532001L).uts(4026532101L).nspid(100, 1).comm("sh")
                .argv("sh", "-c", "sleep 9").cgroup("12:pids:/docker/" + DOCKER_ID + "\n0::/\n").write();
        fake.process(105).ppid(100).pidns(4026532001L).uts(4026532101L).nspid(105, 7).comm("sleep")
                .argv("sleep", "9").tids(105, 106).write();
        fake.file("var/lib/docker/containers/" + DOCKER_ID + "/config.v2.json",
                "{\"Name\":\"/web\",\"State\":{\"Pid\":100},\"Config\":{\"Image\":\"busybox:local\"}}");
        Snapshot s = scan();
        assertEquals(1, s.containers().size());
        Container c = s.containers().getFirst();
        assertEquals("web", c.name());
        assertEquals("docker", c.runtime());
        assertEquals(DOCKER_ID, c.id());
        assertEquals("busybox:local", c.image());
        assertEquals(List.of(100, 105), c.pids());
        assertEquals(List.of(100, 105, 106), c.tids());
        assertEquals(100, c.initPid());
        assertEquals(1, c.level());
        assertEquals(HOST_PIDNS, c.parentPidnsInode());
        assertEquals(7, c.processes().get(1).containerPid());
        assertEquals("sleep 9", c.processes().get(1).cmdline());
        assertEquals(1, s.skipped(), "pid 1's ns link is unreadable: skipped and counted");
        assertEquals(List.of(2, 10), s.host().pids());
    }

    @Test
    void podmanFromContainersJsonAndVolatileFile() {
        fake.process(200).ppid(10).pidns(4026532002L).nspid(200, 1).comm("sleep")
                .cgroup("4:memory:/libpod_parent/libpod-" + PODMAN_ID + "\n0::/\n").write();
        fake.file("var/lib/containers/storage/overlay-containers/containers.json", "[]");
        fake.file("var/lib/containers/storage/overlay-containers/volatile-containers.json",
                "[{\"id\":\"" + PODMAN_ID + "\",\"names\":[\"db\"],\"image\":\"abc\",\"metadata\":"
                        + "\"{\\\"image-name\\\":\\\"localhost/busybox:local\\\",\\\"name\\\":\\\"db\\\"}\"}]");
        Container c = scan().containers().getFirst();
        assertEquals("db", c.name());
        assertEquals("podman", c.runtime());
        assertEquals("localhost/busybox:local", c.image());
    }

    @Test
    void containerdAndCrioFromBundleAnnotations() {
        fake.process(300).ppid(10).pidns(4026532003L).nspid(300, 1).comm("nginx")
                .cgroup("0::/kubepods/besteffort/pod0b7e8f5c-1d2e-4f3a-9b8c-7d6e5f4a3b2c/" + K8S_ID + "\n").write();
        fake.file("run/containerd/io.containerd.runtime.v2.task/k8s.io/" + K8S_ID + "/config.json",
                "{\"ociVersion\":\"1.0.2\",\"annotations\":{\"io.kubernetes.cri.container-name\":\"nginx\","
                        + "\"io.kubernetes.cri.container-type\":\"container\",\"io.kubernetes.cri.sandbox-name\":\"web-7d\","
                        + "\"io.kubernetes.cri.sandbox-namespace\":\"shop\",\"io.kubernetes.cri.image-name\":\"nginx:1.27\"}}");
        fake.process(400).ppid(10).pidns(4026532004L).nspid(400, 1).comm("redis")
                .cgroup("1:name=systemd:/kubepods.slice/kubepods-besteffort.slice/crio-" + CRIO_ID + ".scope\n").write();
        fake.file("run/containers/storage/overlay-containers/" + CRIO_ID + "/userdata/config.json",
                "{\"annotations\":{\"io.kubernetes.container.name\":\"redis\",\"io.kubernetes.pod.name\":\"cache-0\","
                        + "\"io.kubernetes.pod.namespace\":\"shop\",\"io.kubernetes.cri-o.ImageName\":\"redis:7\","
                        + "\"io.kubernetes.cri-o.ContainerType\":\"container\"}}");
        Snapshot s = scan();
        Container nginx = Selectors.selectOne(s, "shop/web-7d");
        assertEquals(List.of("nginx", "containerd", "nginx:1.27", "web-7d", "shop"),
                List.of(nginx.name(), nginx.runtime(), nginx.image(), nginx.pod(), nginx.k8sNamespace()));
        Container redis = Selectors.selectOne(s, "shop/cache-0/redis");
        assertEquals(List.of("redis", "cri-o", "redis:7"), List.of(redis.name(), redis.runtime(), redis.image()));
    }

    @Test
    void nspawnFromMachinesDirectoryEvenWithoutCgroupMatch() {
        fake.process(500).ppid(10).pidns(4026532005L).nspid(500, 1).comm("systemd")
                .cgroup("0::/machine.slice/machine-my\\x2dbox.scope/payload\n").write();
        fake.process(600).ppid(10).pidns(4026532006L).nspid(600, 1).comm("bash").cgroup("0::/\n").write();
        fake.file("run/systemd/machines/my-box", "NAME=my-box\nLEADER=500\nCLASS=container\n");
        fake.file("run/systemd/machines/other", "# private\nNAME=other\nLEADER=600\nCLASS=container\n");
        Snapshot s = scan();
        assertEquals(List.of("my-box", "other"), s.containers().stream().map(Container::name).toList());
        assertTrue(s.containers().stream().allMatch(c -> c.runtime().equals("nspawn")));
    }

    @Test
    void bareNamespacesNestedTwoDeepNamedFromHostnameOrCommAndPid() {
        fake.process(700).ppid(10).pidns(4026532007L).uts(4026532107L).nspid(700, 1).comm("sh").write();
        fake.process(701).ppid(700).pidns(4026532008L).nspid(701, 2, 1).comm("unshare-in").write();
        fake.process(702).ppid(701).pidns(4026532008L).nspid(702, 3, 2).comm("sleep").write();
        Path uts = fake.root().resolve("700/ns/uts");
        Snapshot s = discovery(Map.of(uts, "sandbox")).scan();
        Container outer = Selectors.selectOne(s, "sandbox");
        Container inner = Selectors.selectOne(s, "unshare-in-701");
        assertEquals("none", outer.runtime());
        assertEquals("sandbox", outer.hostname());
        assertEquals(1, outer.level());
        assertEquals(HOST_PIDNS, outer.parentPidnsInode());
        assertEquals(2, inner.level());
        assertEquals(4026532007L, inner.parentPidnsInode(), "parent derived from the parent process");
        assertEquals(List.of(701, 702), inner.pids());
        assertNull(inner.hostname(), "shares the host's UTS namespace");
        assertEquals(List.of(700), outer.pids());
    }

    @Test
    void initIsNsPidOneEvenWhenPidsWrapped() {
        fake.process(30).ppid(900).pidns(4026532009L).nspid(30, 5).comm("worker").write();
        fake.process(900).ppid(10).pidns(4026532009L).nspid(900, 1).comm("tini").write();
        for (Snapshot s : List.of(scan(), discovery(Map.of()).scanNamespaces())) {
            Container c = s.containers().getFirst();
            assertEquals(900, c.initPid());
            assertEquals("tini-900", c.name());
        }
    }

    @Test
    void namespacesOnlyScanHasSamePidsAndDetailsOnRequest() {
        fake.process(100).ppid(10).pidns(4026532001L).nspid(100, 1).comm("sh").argv("sh").write();
        fake.process(105).ppid(100).pidns(4026532001L).nspid(105, 2).comm("sleep").argv("sleep", "1").tids(105, 107).write();
        ContainerDiscovery d = discovery(Map.of());
        Snapshot brief = d.scanNamespaces();
        assertFalse(brief.detailed());
        Container c = brief.containers().getFirst();
        assertEquals(List.of(100, 105), c.pids());
        assertEquals("sh", c.processes().getFirst().comm(), "init is read in full");
        Container full = d.detailed(c);
        assertEquals(List.of(100, 105, 107), full.tids());
        assertEquals(2, full.processes().get(1).containerPid());
        assertEquals(d.scan().containers(), List.of(full));
    }

    @Test
    void nioAndFfmReadersAgree() {
        fake.process(100).ppid(10).pidns(4026532001L).nspid(100, 1).comm("a b (c)").argv("sh", "-c", "x").write();
        fake.process(105).ppid(100).pidns(4026532001L).nspid(105, 2).comm("sleep").tids(105, 106).write();
        ProcScanner scanner = new ProcScanner(fake.root(), 2);
        for (boolean full : List.of(true, false)) {
            ProcScanner.Result nio = scanner.scan(HOST_PIDNS, full, false);
            ProcScanner.Result ffm = scanner.scan(HOST_PIDNS, full, true);
            assertEquals(ffm, nio);
            assertEquals(List.of(2, 10, 100, 105), nio.processes().stream().map(ProcessInfo::pid).toList());
            assertEquals(1, nio.skipped());
        }
        ProcessInfo p = scanner.scan(HOST_PIDNS, true, false).processes().get(2);
        assertEquals(new ProcessInfo(100, 10, List.of(100, 1), List.of(100), "a b (c)", "sh -c x", 4026532001L, 100), p);
    }

    @Test
    void nameClashesGetSuffixes() {
        fake.process(100).ppid(10).pidns(4026532001L).uts(4026532101L).nspid(100, 1).comm("a").write();
        fake.process(200).ppid(10).pidns(4026532002L).uts(4026532102L).nspid(200, 1).comm("b").write();
        Snapshot s = discovery(Map.of(fake.root().resolve("100/ns/uts"), "box", fake.root().resolve("200/ns/uts"), "box"))
                .scan();
        assertEquals(List.of("box", "box-2"), s.containers().stream().map(Container::name).toList());
    }

    @Test
    void hostFromLowestOneLevelPidWhenNoPidOneNorSelf() {
        FakeProc other = new FakeProc(tmp.resolve("other"));
        other.process(5).comm("a").write();
        other.process(50).ppid(5).pidns(4026532050L).nspid(50, 1).comm("b").write();
        Snapshot s = new ContainerDiscovery(new ProcFs(other.root()), RuntimeRoots.forProc(other.root()),
                links -> Map.of(), 1).scan();
        assertEquals(HOST_PIDNS, s.host().pidnsInode());
        assertEquals(List.of(50), s.containers().getFirst().pids());
    }

    @Test
    void manyNamespacesAreReadByBothWorkersAndComeOutAsWithOne() {
        // 40 namespaces: their own reads (init, cgroup, UTS link) are shared out between 2 workers
        for (int n = 0; n < 40; n++) {
            int init = 1000 + 10 * n;
            fake.process(init).ppid(10).pidns(4026533000L + n).uts(n % 2 == 0 ? 4026534000L + n : FakeProc.HOST_UTS)
                    .nspid(init, 1).comm("sh" + n).argv("sh").cgroup("0::/user.slice/u" + n + "\n").write();
            fake.process(init + 1).ppid(init).pidns(4026533000L + n).nspid(init + 1, 2).comm("sleep").write();
        }
        Map<Path, String> names = new java.util.HashMap<>();
        for (int n = 0; n < 40; n += 2) {
            names.put(fake.root().resolve((1000 + 10 * n) + "/ns/uts"), "box" + n);
        }
        Snapshot two = discovery(names).scanNamespaces();
        Snapshot one = new ContainerDiscovery(new io.nstrace.discovery.ProcFs(fake.root()), RuntimeRoots.forProc(fake.root()),
                links -> names, 1).scanNamespaces();
        assertEquals(40, two.containers().size());
        assertEquals(one.containers().stream().map(c -> c.name() + "/" + c.initPid() + "/" + c.pids() + "/" + c.level())
                .toList(), two.containers().stream().map(c -> c.name() + "/" + c.initPid() + "/" + c.pids() + "/" + c.level())
                .toList());
        java.util.Set<String> got = new java.util.HashSet<>(two.containers().stream().map(Container::name).toList());
        assertTrue(got.contains("box0") && got.contains("box38") && got.contains("sh1-1010") && got.contains("sh39-1390"), got.toString());
    }
}
