package io.nstrace.session;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GraphOptionTest {
    @Test
    void wordsReadAsTraceCmdsOptionsDo() {
        assertEquals(new GraphOption("retval", true), GraphOption.parse("retval"));
        assertEquals(new GraphOption("retval", true), GraphOption.parse("funcgraph-retval"));
        assertEquals(new GraphOption("irqs", false), GraphOption.parse("noirqs"));
        assertEquals(new GraphOption("irqs", false), GraphOption.parse("nofuncgraph-irqs"));
        assertEquals("options/funcgraph-irqs", GraphOption.parse("noirqs").file());
        assertEquals("nofuncgraph-irqs", GraphOption.parse("noirqs").toString());
    }

    @Test
    void namesThatCouldLeaveTheOptionsDirectoryAreRefused() {
        for (String bad : new String[] {"../tracing_on", "", "no", "a/b", "Retval", "funcgraph-"}) {
            NstraceException e = assertThrows(NstraceException.class, () -> GraphOption.parse(bad), bad);
            assertEquals(ExitCodes.USER, e.exitCode());
            assertEquals("bad graph option '" + bad + "': give a funcgraph option's name, e.g. retval, or no<name> "
                    + "to clear it, e.g. noirqs", e.getMessage());
        }
    }
}
