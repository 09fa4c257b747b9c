package io.nstrace.testing;

import io.nstrace.cli.context.AppContext;
import io.nstrace.discovery.ProcFs;
import io.nstrace.session.FixtureTraceFs;
import io.nstrace.session.FencedInstances;
import io.nstrace.session.StateDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A fake host for session command tests: a fake /proc with two Docker containers, {@code web} (pids 100, 101
 * with threads 101 and 102) and {@code db} (pid 200), and a copy of the captured 6.18 tracefs where plain files
 * stand in for the kernel's. The context's sessions use it (no joiner watcher) and it runs "in the shell".
 */
public record FixtureHost(AppContext context, FixtureTraceFs traceFs, Path spool) {
    public static final String WEB = "aaaa11b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2";
    public static final String DB = "bbbb22b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2";

    public static FixtureHost create(Path tmp) {
        FakeProc fake = new FakeProc(tmp.resolve("host"));
        fake.process(1).comm("init").write();
        fake.process(100).ppid(1).pidns(4026532001L).nspid(100, 1).comm("sh").cgroup("0::/docker/" + WEB + "\n")
                .write();
        fake.process(101).ppid(100).pidns(4026532001L).nspid(101, 2).comm("sleep").tids(101, 102).write();
        fake.process(200).ppid(1).pidns(4026532002L).nspid(200, 1).comm("sh").cgroup("0::/docker/" + DB + "\n")
                .write();
        fake.file("var/lib/docker/containers/" + WEB + "/config.v2.json", "{\"Name\":\"/web\"}");
        fake.file("var/lib/docker/containers/" + DB + "/config.v2.json", "{\"Name\":\"/db\"}");
        FixtureTraceFs fx = FixtureTraceFs.copy("6.18", tmp);
        AppContext context = new AppContext(fake.root(), Optional.of(fx.traceFs().root()), tmp.resolve("state"));
        context.services().sessions(new FencedInstances(fx.traceFs(), new ProcFs(fake.root()), new StateDir(tmp.resolve("state")),
                fx, false));
        context.shell().inShell(true);
        return new FixtureHost(context, fx, tmp.resolve("spool"));
    }

    /** The instance directories that exist now. */
    public List<String> instances() {
        try (Stream<Path> s = Files.list(traceFs.traceFs().root().resolve("instances"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts a page captured on this kernel (26 events) in the instance's cpu0 trace_pipe_raw, for the recorder. */
    public void feedPage(io.nstrace.tracefs.TraceInstance instance) {
        try {
            Files.copy(Path.of("tracefs-fixtures/6.18.44-fc-v669/pages/cpu0-page.raw"),
                    instance.file("per_cpu/cpu0/trace_pipe_raw"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
