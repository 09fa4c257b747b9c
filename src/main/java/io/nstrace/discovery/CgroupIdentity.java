package io.nstrace.discovery;

import java.util.ArrayList;
import java.util.List;

/**
 * Who runs a process, from its cgroup path (the patterns of container-identity.md §1.1). The path is walked
 * from its last component backwards, so the innermost container id wins (Docker-in-Docker, kind). Monitor
 * cgroups (conmon, lxc.monitor, incus.monitor) are never a match. Pure: no I/O.
 *
 * @param runtime docker, podman, containerd, cri-o, lxc, incus, libvirt-lxc, nspawn, mesos, garden, bpm
 * @param id      the runtime's container id, or null where the runtime names instead (lxc, nspawn, ...)
 * @param name    the name the path itself carries (lxc, incus, libvirt-lxc, nspawn), or null
 * @param podUid  the Kubernetes pod uid (dashes, not underscores), or null
 */
public record CgroupIdentity(String runtime, String id, String name, String podUid) {

    /** The container path of a /proc/PID/cgroup text: v2 {@code 0::}, then v1 {@code name=systemd}, then the rest. */
    public static List<String> paths(String cgroupFile) {
        List<String> v2 = new ArrayList<>();
        List<String> systemd = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String line : cgroupFile.split("\n")) {
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0) {
                continue;
            }
            String controllers = line.substring(a + 1, b);
            String path = line.substring(b + 1);
            if (line.startsWith("0::")) {
                v2.add(path);
            } else if (controllers.equals("name=systemd")) {
                systemd.add(path);
            } else {
                rest.add(path);
            }
        }
        List<String> all = new ArrayList<>(v2);
        all.addAll(systemd);
        all.addAll(rest);
        return all;
    }

    /** The first path of a /proc/PID/cgroup text that names a container, or null. */
    public static CgroupIdentity ofFile(String cgroupFile) {
        for (String path : paths(cgroupFile)) {
            CgroupIdentity id = ofPath(path);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    /** Matches one cgroup path; null when no pattern does. */
    public static CgroupIdentity ofPath(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            String parent = i > 0 ? parts[i - 1] : "";
            String grandparent = i > 1 ? parts[i - 2] : "";
            CgroupIdentity m = component(parts[i], parent, grandparent, i == parts.length - 1);
            if (m != null) {
                return m.runtime.equals("none") ? null : m.withPod(podUid(parts, i));
            }
        }
        return null;
    }

    private CgroupIdentity withPod(String uid) {
        return new CgroupIdentity(runtime, id, name, uid);
    }

    private static CgroupIdentity component(String c, String parent, String grandparent, boolean last) {
        if (c.isEmpty()) {
            return null;
        }
        if (c.contains("conmon") || c.startsWith("lxc.monitor") || parent.equals("incus.monitor")
                || parent.equals("lxc.monitor")) {
            return new CgroupIdentity("none", null, null, null);
        }
        String s = strip(c, ".scope");
        int cri = s.indexOf(":cri-containerd:");
        if (cri >= 0 && isHex64(s.substring(cri + 16))) {
            return of("containerd", s.substring(cri + 16));
        }
        CgroupIdentity prefixed = prefixed(s);
        if (prefixed != null) {
            return prefixed;
        }
        CgroupIdentity named = named(c, s, parent, grandparent);
        if (named != null) {
            return named;
        }
        return bare(s, parent, last);
    }

    private static CgroupIdentity prefixed(String s) {
        String[][] table = {{"docker-", "docker"}, {"cri-containerd-", "containerd"}, {"crio-", "cri-o"},
                {"libpod-payload-", "podman"}, {"libpod-", "podman"}};
        for (String[] row : table) {
            if (s.startsWith(row[0]) && isHex64(s.substring(row[0].length()))) {
                return of(row[1], s.substring(row[0].length()));
            }
        }
        if (s.startsWith("bpm-") && s.length() > 4) {
            return of("bpm", s.substring(4));
        }
        return null;
    }

    private static CgroupIdentity named(String c, String s, String parent, String grandparent) {
        if (parent.equals("lxc") && grandparent.equals("libvirt")) {
            return name("libvirt-lxc", c);
        }
        if (s.startsWith("lxc.payload.") && s.length() > 12) {
            return name("lxc", s.substring(12));
        }
        if (parent.equals("lxc.payload") || parent.equals("lxc")) {
            return name("lxc", c);
        }
        if (parent.equals("incus.payload")) {
            return name("incus", c);
        }
        if (c.endsWith(".libvirt-lxc")) {
            return name("libvirt-lxc", c.substring(0, c.length() - 12));
        }
        if (s.startsWith("machine-") && c.endsWith(".scope")) {
            String machine = unescape(s.substring(8));
            if (machine.startsWith("lxc-")) {
                int dash = machine.indexOf('-', 4);
                return name("libvirt-lxc", dash < 0 ? machine.substring(4) : machine.substring(dash + 1));
            }
            return machine.startsWith("qemu-") ? null : name("nspawn", machine);
        }
        return null;
    }

    private static CgroupIdentity bare(String s, String parent, boolean last) {
        if (isHex64(s)) {
            if (parent.equals("docker") || parent.equals("actions_job")) {
                return of("docker", s);
            }
            if (parent.startsWith("podman-") || parent.endsWith(".service")) {
                return of("podman", s);
            }
            if (parent.startsWith("pod") || parent.equals("default") || parent.startsWith("kubepods")) {
                return of("containerd", s);
            }
        }
        if (parent.equals("mesos") && s.length() == 36 && isUuid(s, new int[] {8, 13, 18, 23})) {
            return of("mesos", s);
        }
        if (parent.equals("default") && !s.endsWith(".slice") && !s.endsWith(".service") && s.length() >= 4) {
            return of("containerd", s);
        }
        if (last && s.length() == 28 && isUuid(s, new int[] {8, 13, 18, 23})) {
            return of("garden", s);
        }
        return null;
    }

    private static CgroupIdentity of(String runtime, String id) {
        return new CgroupIdentity(runtime, id, null, null);
    }

    private static CgroupIdentity name(String runtime, String name) {
        return new CgroupIdentity(runtime, null, name, null);
    }

    /** The pod uid from the nearest ancestor like {@code pod<uid>} or {@code kubepods-burstable-pod<uid>.slice}. */
    static String podUid(String[] parts, int below) {
        for (int i = below - 1; i >= 0; i--) {
            String c = strip(parts[i], ".slice");
            int at = c.lastIndexOf("pod");
            if (at >= 0 && (at == 0 || c.charAt(at - 1) == '-') && c.length() - at - 3 == 36) {
                return c.substring(at + 3).replace('_', '-');
            }
        }
        return null;
    }

    /** systemd unit-name unescaping: {@code \x2d} and friends. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x'
                    && hex(s.charAt(i + 2)) >= 0 && hex(s.charAt(i + 3)) >= 0) {
                out.append((char) (hex(s.charAt(i + 2)) * 16 + hex(s.charAt(i + 3))));
                i += 3;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }

    private static String strip(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }

    static boolean isHex64(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            if (hex(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Hex digits with dashes exactly at {@code dashes}: 8-4-4-4-12 (uuid) or 8-4-4-4-4 (garden). */
    private static boolean isUuid(String s, int[] dashes) {
        int d = 0;
        for (int i = 0; i < s.length(); i++) {
            if (d < dashes.length && i == dashes[d]) {
                if (s.charAt(i) != '-') {
                    return false;
                }
                d++;
            } else if (hex(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
