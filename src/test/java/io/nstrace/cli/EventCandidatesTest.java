package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventCandidatesTest {
    @Test
    void systemsFirstThenEventsBlankLinesSkipped() {
        assertEquals(List.of("sched:", "irq:", "sched:sched_switch", "irq:irq_handler_entry", "sched:sched_wakeup"),
                EventCandidates.candidates(List.of("sched:sched_switch", "", "irq:irq_handler_entry",
                        "sched:sched_wakeup ", "garbage")));
    }

    @Test
    void readsAvailableEventsAfreshOnEveryIteration(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("events"));
        Path available = Files.writeString(tmp.resolve("available_events"), "sched:sched_switch\n");
        try (AppContext context = new AppContext(Path.of("/proc"), Optional.of(tmp))) {
            EventCandidates events = new EventCandidates(context.services());
            assertEquals(List.of("sched:", "sched:sched_switch"), list(events));
            Files.writeString(available, "signal:signal_deliver\n");
            assertEquals(List.of("signal:", "signal:signal_deliver"), list(events));
        }
    }

    @Test
    void nothingWhenTracefsIsNotThere(@TempDir Path tmp) {
        try (AppContext context = new AppContext(Path.of("/proc"), Optional.of(tmp.resolve("absent")))) {
            assertEquals(List.of(), list(new EventCandidates(context.services())));
        }
    }

    @Test
    void containerCandidatesAskTheSupplierEachTime() {
        try (AppContext context = new AppContext(Path.of("/proc"), Optional.empty())) {
            ContainerCandidates names = new ContainerCandidates(context.shell());
            context.shell().containerNames(List::of);
            assertEquals(List.of(), list(names));
            int[] calls = {0};
            context.shell().containerNames(() -> List.of("web-" + ++calls[0]));
            assertEquals(List.of("web-1"), list(names));
            assertEquals(List.of("web-2"), list(names));
        }
    }

    @Test
    void byDefaultContainerNamesComeFromAFreshDiscoveryPass(@TempDir Path tmp) {
        io.nstrace.testing.FakeProc fake = new io.nstrace.testing.FakeProc(tmp);
        fake.process(1).comm("init").write();
        fake.process(300).ppid(1).pidns(4026532009L).nspid(300, 1).comm("app").write();
        try (AppContext context = new AppContext(fake.root(), Optional.empty())) {
            assertEquals(List.of("app-300"), list(new ContainerCandidates(context.shell())));
            fake.process(400).ppid(1).pidns(4026532010L).nspid(400, 1).comm("late").write();
            assertEquals(List.of("app-300", "late-400"), list(new ContainerCandidates(context.shell())));
        }
        try (AppContext context = new AppContext(tmp.resolve("no-proc"), Optional.empty())) {
            assertEquals(List.of(), list(new ContainerCandidates(context.shell())), "no /proc: nothing, no error");
        }
    }

    private static List<String> list(Iterable<String> it) {
        return StreamSupport.stream(it.spliterator(), false).toList();
    }
}
