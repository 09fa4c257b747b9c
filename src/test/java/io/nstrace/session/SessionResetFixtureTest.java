package io.nstrace.session;

import io.nstrace.cli.context.AppContext;
import io.nstrace.discovery.ProcFs;
import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** reset and reset --all on a fixture copy: live tracefs instances of other processes are never at risk. */
class SessionResetFixtureTest {
    static final long NS = 4026532001L;

    @TempDir
    Path tmp;

    record Setup(FixtureTraceFs fx, FakeProcTree proc, StateDir state) {
    }

    Setup setup() throws Exception {
        FixtureTraceFs fx = FixtureTraceFs.copy("6.18", tmp);
        FakeProcTree proc = new FakeProcTree(tmp.resolve("proc"));
        proc.process(4242, NS, "java", List.of(4242)); // a live owner: start time 1000 + 4242
        StateDir state = new StateDir(tmp.resolve("state"));
        Path inst = fx.traceFs().instancesDir();
        for (String n : List.of("nstrace-dead-999-00000001", "nstrace-watch-999-00000002",
                "nstrace-live-4242-00000003", "nstrace-norecord-1-00000004", "other-tool")) {
            Files.createDirectory(inst.resolve(n));
        }
        state.write(new OwnerRecord(999, 5, "dead", "nstrace-dead-999-00000001", fx.traceFs().root().toString()));
        state.write(new OwnerRecord(999, 5, "-", "nstrace-watch-999-00000002", fx.traceFs().root().toString()));
        state.write(new OwnerRecord(4242, 5242, "live", "nstrace-live-4242-00000003",
                fx.traceFs().root().toString()));
        state.write(new OwnerRecord(4242, 77, "reused", "nstrace-gone-4242-00000005",
                fx.traceFs().root().toString()));
        return new Setup(fx, proc, state);
    }

    @Test
    void resetRemovesOnlyInstancesWhoseOwnerIsGone() throws Exception {
        Setup s = setup();
        assertEquals("nstrace: 3 orphaned tracing sessions (owner gone); run 'nstrace reset'",
                s.state().orphanWarning(new ProcFs(s.proc().root())));
        try (AppContext ctx = new AppContext(s.proc().root(), Optional.of(s.fx().traceFs().root()), s.state().dir())) {
            CliRun r = CliRun.run(ctx, "reset", "--json");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals("{\"instances\":[\"nstrace-dead-999-00000001\",\"nstrace-watch-999-00000002\"],"
                    + "\"stateFiles\":[\"nstrace-dead-999-00000001\",\"nstrace-gone-4242-00000005\","
                    + "\"nstrace-watch-999-00000002\"],\"spools\":[]}\n", r.out());
        }
        assertEquals(List.of("nstrace-live-4242-00000003", "nstrace-norecord-1-00000004", "other-tool"),
                s.fx().traceFs().instanceNames());
        assertEquals(List.of("nstrace-live-4242-00000003"),
                s.state().records().stream().map(OwnerRecord::instance).toList());
        assertEquals("", s.state().orphanWarning(new ProcFs(s.proc().root())));
    }

    @Test
    void resetAllRemovesEveryNstraceInstanceAndNothingElse() throws Exception {
        Setup s = setup();
        try (AppContext ctx = new AppContext(s.proc().root(), Optional.of(s.fx().traceFs().root()), s.state().dir())) {
            CliRun r = CliRun.run(ctx, "reset", "--all");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals("removed instance nstrace-dead-999-00000001\nremoved instance nstrace-live-4242-00000003\n"
                    + "removed instance nstrace-norecord-1-00000004\nremoved instance nstrace-watch-999-00000002\n"
                    + "removed 4 instance(s), 4 state file(s)\n", r.out());
            assertEquals("nothing to reset\n", CliRun.run(ctx, "reset").out());
        }
        assertEquals(List.of("other-tool"), s.fx().traceFs().instanceNames());
        assertEquals(List.of(), s.state().records());
    }
}
