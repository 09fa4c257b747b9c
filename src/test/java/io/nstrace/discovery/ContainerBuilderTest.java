package io.nstrace.discovery;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ContainerBuilderTest {
    private static final ProcessInfo P = new ProcessInfo(7, 1, List.of(7, 1), List.of(7), "sh", "sh", 42, 0);

    @Test
    void toBuilderKeepsEveryFieldItIsNotTold() {
        Container c = new Container("db", "docker", "0123456789abcdef", 42, 9L, 41, 2, 7, List.of(P), "img", "pod",
                "ns", "host");
        assertEquals(c, c.toBuilder().build());
        Container renamed = c.toBuilder().name("run-x").build();
        assertEquals(new Container("run-x", "docker", "0123456789abcdef", 42, 9L, 41, 2, 7, List.of(P), "img", "pod",
                "ns", "host"), renamed);
        assertEquals(List.of(), c.withProcesses(List.of()).processes());
        assertEquals("img", c.withProcesses(List.of()).image());
        Container bare = c.toBuilder().withoutRuntimeDetails().build();
        assertNull(bare.id());
        assertNull(bare.hostname());
        assertEquals(2, bare.level());
    }

    @Test
    void builderDefaults() {
        Container c = Container.builder("x", 5).build();
        assertEquals(new Container("x", "none", null, 5, null, 0, 1, 0, List.of(), null, null, null, null), c);
    }
}
