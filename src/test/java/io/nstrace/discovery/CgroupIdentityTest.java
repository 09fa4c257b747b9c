package io.nstrace.discovery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CgroupIdentityTest {
    static final String ID = "3f4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";
    static final String ID2 = "aaaa1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";
    static final String UID = "0b7e8f5c-1d2e-4f3a-9b8c-7d6e5f4a3b2c";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/docker/ID | docker | ID | | ",
            "/system.slice/docker-ID.scope | docker | ID | | ",
            "/actions_job/ID | docker | ID | | ",
            "/system.slice/docker-ID2.scope/docker/ID | docker | ID | | ",
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podUIDU.slice/cri-containerd-ID.scope | containerd | ID | | UID",
            "/kubepods/besteffort/podUID/ID | containerd | ID | | UID",
            "/kubepods/burstable/podUID/ID | containerd | ID | | UID",
            "/kubepods/podUID/ID | containerd | ID | | UID",
            "/system.slice/containerd.service/kubepods-besteffort-podUIDU.slice:cri-containerd:ID | containerd | ID | | ",
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podUIDU.slice/crio-ID.scope | cri-o | ID | | UID",
            "/kubepods/besteffort/podUID/crio-ID | cri-o | ID | | UID",
            "/kubepods.slice/kubepods-podUIDU.slice/docker-ID.scope | docker | ID | | UID",
            "/machine.slice/libpod-ID.scope | podman | ID | | ",
            "/machine.slice/libpod-ID.scope/container | podman | ID | | ",
            "/libpod_parent/libpod-ID | podman | ID | | ",
            "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-ID.scope/container | podman | ID | | ",
            "/user.slice/user-1000.slice/user@1000.service/user.slice/podman-4242.scope/ID | podman | ID | | ",
            "/user.slice/user-1000.slice/user@1000.service/app.slice/web.service/ID | podman | ID | | ",
            "/system.slice/web.service/libpod-payload-ID | podman | ID | | ",
            "/lxc.payload.web1 | lxc | | web1 | ",
            "/lxc/web1 | lxc | | web1 | ",
            "/lxc.payload/web1 | lxc | | web1 | ",
            "/incus.payload/web1 | incus | | web1 | ",
            "/machine.slice/machine-lxc\\x2d4242\\x2dweb1.scope/libvirt | libvirt-lxc | | web1 | ",
            "/machine.slice/web1.libvirt-lxc | libvirt-lxc | | web1 | ",
            "/libvirt/lxc/web1 | libvirt-lxc | | web1 | ",
            "/machine.slice/machine-my\\x2dbox.scope | nspawn | | my-box | ",
            "/machine.slice/machine-my\\x2dbox.scope/payload | nspawn | | my-box | ",
            "/mesos/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d | mesos | 0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d | | ",
            "/system.slice/garden.service/garden/0a1b2c3d-4e5f-6a7b-8c9d-0e1f | garden | 0a1b2c3d-4e5f-6a7b-8c9d-0e1f | | ",
            "/system.slice/bpm-web1.scope | bpm | web1 | | ",
            "/default/redis1 | containerd | redis1 | | ",
    })
    void everyPattern(String path, String runtime, String id, String name, String pod) {
        CgroupIdentity m = CgroupIdentity.ofPath(expand(path));
        assertEquals(new CgroupIdentity(runtime, expand(id), name, expand(pod)), m, path);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/", "/user.slice/user-0.slice/session-1.scope", "/system.slice/sshd.service",
            "/machine.slice/libpod-conmon-ID.scope", "/kubepods.slice/kubepods-podUIDU.slice/crio-conmon-ID.scope",
            "/lxc.monitor.web1", "/incus.monitor/web1", "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope",
            "/default/app.service", "/docker/notanid",
    })
    void notAContainer(String path) {
        assertNull(CgroupIdentity.ofPath(expand(path)), path);
    }

    @Test
    void v2LineFirstThenNamedSystemdThenControllers() {
        String hybrid = "12:pids:/docker/" + ID2 + "\n1:name=systemd:/docker/" + ID2 + "\n0::/docker/" + ID + "\n";
        assertEquals(List.of("/docker/" + ID, "/docker/" + ID2, "/docker/" + ID2), CgroupIdentity.paths(hybrid));
        assertEquals("docker", CgroupIdentity.ofFile(hybrid).runtime());
        assertEquals(ID, CgroupIdentity.ofFile(hybrid).id());
    }

    @Test
    void v1OnlyAndHostV2FallsBackToControllers() {
        String v1 = "9:name=systemd:/\n4:memory:/libpod_parent/libpod-" + ID + "\n0::/\n";
        CgroupIdentity m = CgroupIdentity.ofFile(v1);
        assertEquals("podman", m.runtime());
        assertEquals(ID, m.id());
        String systemdOnly = "1:name=systemd:/system.slice/docker-" + ID + ".scope\n";
        assertEquals("docker", CgroupIdentity.ofFile(systemdOnly).runtime());
        assertNull(CgroupIdentity.ofFile("0::/\n1:name=systemd:/init.scope\n"));
    }

    @Test
    void unescapesSystemdNames() {
        assertEquals("a-b/c", CgroupIdentity.unescape("a\\x2db\\x2fc"));
        assertEquals("plain\\xZZ", CgroupIdentity.unescape("plain\\xZZ"));
    }

    private static String expand(String s) {
        return s == null ? null : s.replace("UIDU", UID.replace('-', '_')).replace("UID", UID)
                .replace("ID2", ID2).replace("ID", ID);
    }
}
