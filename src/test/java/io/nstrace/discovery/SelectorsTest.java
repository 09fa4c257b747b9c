package io.nstrace.discovery;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectorsTest {
    static Container c(String name, String id, long inode, Long nsId, String pod, String ns, int... pids) {
        List<ProcessInfo> procs = java.util.Arrays.stream(pids)
                .mapToObj(p -> new ProcessInfo(p, 1, List.of(p, 1), List.of(p), "x", "", inode, 0)).toList();
        return Container.builder(name, inode).runtime(id == null ? "none" : "docker").id(id).pidnsId(nsId)
                .parentPidnsInode(4026531836L).initPid(pids[0]).processes(procs).pod(pod).k8sNamespace(ns).build();
    }

    static final Snapshot SNAP = new Snapshot(List.of(
            c("web-1", "abcd1234aaaa", 4026532001L, 11L, null, null, 100, 101),
            c("web-2", "abcd5678bbbb", 4026532002L, 12L, null, null, 200),
            c("db", "ef001234cccc", 4026532003L, null, null, null, 300),
            c("nginx", null, 4026532004L, 14L, "front-0", "shop", 400),
            c("sidecar", null, 4026532005L, 15L, "front-0", "shop", 500)),
            c("host", null, 4026531836L, 4L, null, null, 2), 0);

    static List<String> names(List<Container> cs) {
        return cs.stream().map(Container::name).toList();
    }

    static List<String> pick(boolean many, String... s) {
        return names(Selectors.select(SNAP, List.of(s), many));
    }

    @Test
    void everyKindOfSelector() {
        assertEquals(List.of("db"), pick(false, "db"));
        assertEquals(List.of("web-2"), pick(false, "abcd5678"));
        assertEquals(List.of("db"), pick(false, "ef001234cccc"));
        assertEquals(List.of("web-1"), pick(false, "pid:101"));
        assertEquals(List.of("web-2"), pick(false, "ns:4026532002"));
        assertEquals(List.of("web-2"), pick(false, "ns:12"));
        assertEquals(List.of("sidecar"), pick(false, "shop/front-0/sidecar"));
        assertEquals(List.of("web-1", "web-2"), pick(true, "web-*"));
        assertEquals(List.of("web-1", "db"), pick(true, "web-[!2]", "d?"));
        assertEquals(List.of("web-1"), pick(true, "web-1", "pid:100"), "duplicates removed");
    }

    @Test
    void unknownAndAmbiguousAreUserErrorsListingCandidates() {
        NstraceException e = assertThrows(NstraceException.class, () -> pick(false, "nope"));
        assertEquals(ExitCodes.USER, e.exitCode());
        assertEquals("no container matches 'nope'; containers: web-1, web-2, db, nginx, sidecar", e.getMessage());
        e = assertThrows(NstraceException.class, () -> pick(false, "abcd"));
        assertEquals("'abcd' is ambiguous: it matches web-1, web-2", e.getMessage());
        e = assertThrows(NstraceException.class, () -> pick(false, "shop/front-0"));
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
        assertThrows(NstraceException.class, () -> pick(false, "web-*"), "globs only where several are allowed");
        assertThrows(NstraceException.class, () -> pick(false, "abc"), "prefixes need 4 characters");
        e = assertThrows(NstraceException.class, () -> pick(false, "pid:x1"));
        assertEquals("not a number in selector 'pid:x1'", e.getMessage());
        assertThrows(NstraceException.class, () -> pick(false, "pid:2"), "the host is not a container");
    }

    @Test
    void globs() {
        assertTrue(Selectors.glob("w*-?", 0, "web-1", 0));
        assertTrue(Selectors.glob("[a-c]*", 0, "bob", 0));
        assertFalse(Selectors.glob("[a-c]*", 0, "dan", 0));
        assertFalse(Selectors.glob("web", 0, "web-1", 0));
    }
}
