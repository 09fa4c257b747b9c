package io.nstrace.cli;

import io.nstrace.error.ExitCodes;
import io.nstrace.format.json.Json;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.FakeProc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nstrace ps} through the CLI over a fake /proc with Docker state beside it. */
class PsCommandTest {
    static final String ID = "d0c4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2";

    @TempDir
    Path tmp;
    FakeProc fake;

    @BeforeEach
    void tree() {
        fake = new FakeProc(tmp);
        fake.process(1).comm("init").argv("/sbin/init").write();
        fake.process(10).ppid(1).comm("shim").write();
        fake.process(100).ppid(10).pidns(4026532001L).nspid(100, 1).comm("sh").argv("sh", "-c", "sleep 1000")
                .cgroup("0::/docker/" + ID + "\n").write();
        fake.process(101).ppid(100).pidns(4026532001L).nspid(101, 2).comm("sleep").argv("sleep", "1000")
                .tids(101, 102).write();
        fake.process(150).ppid(100).pidns(4026532002L).nspid(150, 3, 1).comm("inner").argv("inner").write();
        fake.file("var/lib/docker/containers/" + ID + "/config.v2.json",
                "{\"Name\":\"/web\",\"Config\":{\"Image\":\"busybox:local\"}}");
    }

    private CliRun ps(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "ps";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.run(fake.root(), null, all);
    }

    @Test
    void tableListsContainersWithShortIds() {
        CliRun r = ps();
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("NAME", "RUNTIME", "ID", "PIDNS", "PIDS", "INIT", "COMMAND"),
                List.of(lines.get(0).split("\\s+")));
        assertEquals(List.of("web", "docker", ID.substring(0, 12), "4026532001", "2", "100", "sh", "-c", "sleep", "1000"),
                List.of(lines.get(1).split("\\s+")));
        assertTrue(lines.get(2).startsWith("inner-150 "), lines.get(2));
        assertEquals(3, lines.size());
    }

    @Test
    void treeAndAllNestUnderTheHost() {
        List<String> lines = ps("--tree", "--all").out().lines().toList();
        assertTrue(lines.get(1).startsWith("host "), lines.get(1));
        assertTrue(lines.get(2).startsWith("  web "), lines.get(2));
        assertTrue(lines.get(3).startsWith("    inner-150 "), lines.get(3));
    }

    @Test
    void jsonHasEveryDocumentedField() {
        CliRun r = ps("--json");
        assertEquals(0, r.exitCode(), r.err());
        List<?> list = (List<?>) Json.parse(r.out());
        Map<?, ?> web = (Map<?, ?>) list.getFirst();
        assertEquals("web", web.get("name"));
        assertEquals("docker", web.get("runtime"));
        assertEquals(ID, web.get("id"));
        assertEquals(4026532001L, web.get("pidnsInode"));
        assertTrue(web.containsKey("pidnsId"));
        assertEquals(FakeProc.HOST_PIDNS, web.get("parentPidnsInode"));
        assertEquals(1L, web.get("level"));
        assertEquals(100L, web.get("initPid"));
        assertEquals(List.of(100L, 101L), web.get("pids"));
        assertEquals("busybox:local", web.get("image"));
        assertTrue(web.containsKey("pod") && web.get("pod") == null);
        assertTrue(web.containsKey("k8sNamespace"));
        Map<?, ?> inner = (Map<?, ?>) list.get(1);
        assertEquals(null, inner.get("id"));
        assertEquals(2L, inner.get("level"));
        assertEquals(4026532001L, inner.get("parentPidnsInode"));
    }

    @Test
    void selectorListsProcessesWithInContainerPids() {
        CliRun r = ps("web");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("PID", "CPID", "PPID", "THREADS", "COMM", "COMMAND"), List.of(lines.get(0).split("\\s+")));
        assertEquals(List.of("101", "2", "100", "2", "sleep", "sleep", "1000"), List.of(lines.get(2).split("\\s+")));
        List<?> json = (List<?>) Json.parse(ps("--json", "pid:101").out());
        assertEquals(Map.of("pid", 101L, "containerPid", 2L, "nspid", List.of(101L, 2L), "ppid", 100L,
                "tids", List.of(101L, 102L), "comm", "sleep", "cmdline", "sleep 1000"), json.get(1));
    }

    @Test
    void unknownSelectorIsOneLineExitOne() {
        CliRun r = ps("nope");
        assertEquals(ExitCodes.USER, r.exitCode());
        assertEquals("nstrace ps: no container matches 'nope'; containers: web, inner-150\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void badOptionIsUsageError() {
        CliRun r = ps("--bogus");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("nstrace ps: unknown option: '--bogus'"), r.err());
    }
}
