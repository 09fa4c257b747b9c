package io.nstrace.discovery;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ProcFileParserTest {
    private static final String STATUS = """
            Name:\tsleep
            Umask:\t0022
            State:\tS (sleeping)
            Tgid:\t20382
            Ngid:\t0
            Pid:\t20382
            PPid:\t20370
            TracerPid:\t0
            NStgid:\t20382\t7\t1
            NSpid:\t20382\t7\t1
            NSpgid:\t20370\t1\t0
            Threads:\t1
            """;

    @Test
    void nspidChainHostFirstInnermostLast() {
        assertEquals(List.of(20382, 7, 1), ProcFileParser.parseNsPid(STATUS));
        assertEquals(List.of(5), ProcFileParser.parseNsPid("Name:\tx\nNSpid:\t5\n"));
    }

    @Test
    void nspidNotConfusedWithNstgidAndMissingIsEmpty() {
        assertEquals(List.of(), ProcFileParser.parseNsPid("Name:\tx\nNStgid:\t3\t1\n"));
        assertEquals(List.of(9, 1), ProcFileParser.parseNsPid("NSpid:\t9\t1"));
    }

    @Test
    void statCountsFieldsFromTheLastParenthesis() {
        ProcFileParser.Stat s = ProcFileParser.parseStat(
                "4242 (we (i) rd ) S 17 4242 4242 0 -1 4194560 96 0 0 0 0 0 0 0 20 0 3 0 98765 2297856 204\n");
        assertEquals(new ProcFileParser.Stat(4242, "we (i) rd ", 17, 3, 98765), s);
    }

    @Test
    void truncatedStatIsRejected() {
        assertNull(ProcFileParser.parseStat("12 (sh) S 1 1 1"));
        assertNull(ProcFileParser.parseStat("garbage"));
    }

    @Test
    void cmdlineJoinsArgumentsAndDropsTrailingNul() {
        byte[] b = "sh\0-c\0sleep 5\0".getBytes(StandardCharsets.UTF_8);
        assertEquals("sh -c sleep 5", ProcFileParser.parseCmdline(b, b.length));
        assertEquals("", ProcFileParser.parseCmdline(new byte[0], 0));
    }

    @Test
    void nsLinkInode() {
        byte[] b = "pid:[4026532001]".getBytes(StandardCharsets.US_ASCII);
        assertEquals(4026532001L, ProcFileParser.parseNsLink(b, b.length));
        byte[] bad = "pid:4026532001".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1, ProcFileParser.parseNsLink(bad, bad.length));
    }
}
