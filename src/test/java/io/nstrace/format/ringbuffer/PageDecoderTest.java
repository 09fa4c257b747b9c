package io.nstrace.format.ringbuffer;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageDecoderTest {
    private static final HeaderPage HP = HeaderPage.default64();

    private record Seen(long ts, int type, int pid, int length) {
    }

    private static List<Seen> decode(ByteBuffer page, PageDecoder.PageInfo[] info) {
        List<Seen> out = new ArrayList<>();
        info[0] = PageDecoder.decode(page, 0, HP, (ts, buf, off, len) ->
                out.add(new Seen(ts, EventDecoder.type(buf, off), EventDecoder.pid(buf, off), len)));
        return out;
    }

    @Test
    void smallEventsAddTheirDeltasToThePageTimestamp() {
        ByteBuffer page = new PageBuilder(1000).event(5, 7, 42).event(10, 8, 43, 99).build();
        PageDecoder.PageInfo[] info = new PageDecoder.PageInfo[1];
        assertEquals(List.of(new Seen(1005, 7, 42, 8), new Seen(1015, 8, 43, 12)), decode(page, info));
        assertEquals(2, info[0].events());
        assertFalse(info[0].missedEvents());
        assertEquals(0, info[0].lost());
    }

    @Test
    void timeExtendAndAbsoluteTimestampMoveTheClock() {
        long big = (3L << 27) + 17;
        ByteBuffer page = new PageBuilder(1000).timeExtend(big).event(1, 7, 1)
                .absolute(5_000_000_000L).event(2, 7, 2).build();
        List<Seen> seen = decode(page, new PageDecoder.PageInfo[1]);
        assertEquals(1000 + big + 1, seen.get(0).ts());
        assertEquals(5_000_000_002L, seen.get(1).ts());
    }

    @Test
    void absoluteTimestampKeepsTheTopBitsOfTheRunningClock() {
        long top = 0x18L << 56;
        ByteBuffer page = new PageBuilder(top | 10).absolute(77).event(0, 7, 1).build();
        assertEquals(top | 77, decode(page, new PageDecoder.PageInfo[1]).getFirst().ts());
    }

    @Test
    void typeLenZeroCarriesItsLengthInArrayZero() {
        int[] payload = new int[40]; // 8 + 160 bytes > RB_MAX_SMALL_DATA
        payload[39] = 123;
        ByteBuffer page = new PageBuilder(0).longEvent(3, 9, 77, payload).event(1, 7, 78).build();
        List<Seen> seen = decode(page, new PageDecoder.PageInfo[1]);
        assertEquals(new Seen(3, 9, 77, 168), seen.get(0));
        assertEquals(new Seen(4, 7, 78, 8), seen.get(1));
    }

    @Test
    void discardedEventsAreSkippedAndZeroPaddingEndsThePage() {
        ByteBuffer page = new PageBuilder(0).event(1, 7, 1).discarded(20).event(1, 7, 2).endPadding()
                .event(1, 7, 3).build();
        List<Seen> seen = decode(page, new PageDecoder.PageInfo[1]);
        assertEquals(List.of(1, 2), seen.stream().map(Seen::pid).toList());
    }

    @Test
    void missingEventsWithAStoredCount() {
        ByteBuffer page = new PageBuilder(0).event(1, 7, 1)
                .build(HeaderPage.MISSING_EVENTS | HeaderPage.MISSING_STORED, 4242L);
        PageDecoder.PageInfo[] info = new PageDecoder.PageInfo[1];
        decode(page, info);
        assertTrue(info[0].missedEvents());
        assertEquals(4242, info[0].lost());
        assertEquals(1, info[0].events());
        assertEquals(12, info[0].dataLength());
    }

    @Test
    void missingEventsWithoutACountIsMinusOne() {
        ByteBuffer page = new PageBuilder(0).event(1, 7, 1).build(HeaderPage.MISSING_EVENTS, null);
        PageDecoder.PageInfo[] info = new PageDecoder.PageInfo[1];
        decode(page, info);
        assertEquals(-1, info[0].lost());
    }

    @Test
    void allocationFreeCountsAgreeWithTheFullDecode() {
        int[] payload = new int[40];
        ByteBuffer page = new PageBuilder(0).event(1, 7, 1).timeExtend(1L << 30).longEvent(3, 9, 77, payload)
                .discarded(20).absolute(99).event(1, 7, 2).endPadding().event(1, 7, 3)
                .build(HeaderPage.MISSING_EVENTS | HeaderPage.MISSING_STORED, 17L);
        PageDecoder.PageInfo info = PageDecoder.decode(page, 0, HP, null);
        assertEquals(3, info.events());
        assertEquals(info.events(), PageDecoder.countEvents(page, 0, HP));
        assertEquals(17, PageDecoder.lostBefore(page, 0, HP));
        assertEquals(0, PageDecoder.lostBefore(new PageBuilder(0).event(1, 7, 1).build(), 0, HP));
    }

    @Test
    void wordCountsAgreeWithTheByteBufferCounts() {
        int[] payload = new int[40];
        ByteBuffer page = new PageBuilder(0).event(1, 7, 1).timeExtend(1L << 30).longEvent(3, 9, 77, payload)
                .discarded(20).absolute(99).event(1, 7, 2).endPadding().event(1, 7, 3)
                .build(HeaderPage.MISSING_EVENTS | HeaderPage.MISSING_STORED, 17L);
        ByteBuffer flagged = new PageBuilder(0).event(1, 7, 1).event(1, 7, 2).build(HeaderPage.MISSING_EVENTS, null);
        ByteBuffer clean = new PageBuilder(0).event(1, 7, 1).build();
        int[] words = new int[3 * page.capacity() / 4]; // three pages back to back, as in a spliced chunk
        page.duplicate().order(page.order()).asIntBuffer().get(words, 0, page.capacity() / 4);
        flagged.duplicate().order(flagged.order()).asIntBuffer().get(words, page.capacity() / 4, page.capacity() / 4);
        clean.duplicate().order(clean.order()).asIntBuffer().get(words, page.capacity() / 2, page.capacity() / 4);
        long[] lost = new long[1];
        assertEquals(PageDecoder.countEvents(page, 0, HP), PageDecoder.countEvents(words, 0, HP, lost));
        assertEquals(17, lost[0]);
        assertEquals(2, PageDecoder.countEvents(words, page.capacity() / 4, HP, lost));
        assertEquals(-1, lost[0]);
        assertEquals(1, PageDecoder.countEvents(words, page.capacity() / 2, HP, lost));
        assertEquals(0, lost[0]);
    }

    @Test
    void headerPageGivesTheCommitWidth() {
        HeaderPage hp32 = HeaderPage.parse("""
                \tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;
                \tfield: local_t commit;\toffset:8;\tsize:4;\tsigned:1;
                \tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;
                \tfield: char data;\toffset:12;\tsize:4084;\tsigned:1;
                """);
        assertEquals(4, hp32.commitSize());
        assertEquals(12, hp32.dataOffset());
        assertEquals(8, HP.commitSize());
        assertEquals(16, HP.dataOffset());
    }

    private static String damage(ByteBuffer page) {
        return assertThrows(PageDecoder.DamagedPageException.class, () -> PageDecoder.decode(page, 0, HP, null))
                .getMessage();
    }

    @Test
    void damagedLengthsThrowInsteadOfLoopingOrReadingPastTheCommit() {
        ByteBuffer negativePadding = new PageBuilder(0).event(1, 7, 1).discarded(8).build();
        negativePadding.putInt(16 + 12 + 4, -4); // the padding's size word
        assertEquals("padding of -4 bytes at page offset 28", damage(negativePadding));
        assertEquals(0, PageDecoder.countEvents(negativePadding, 0, HP) - 1, "the allocation-free walk stops too");

        ByteBuffer longPastCommit = new PageBuilder(0).longEvent(1, 7, 1, new int[40]).build();
        longPastCommit.putInt(16 + 4, 4000);
        assertEquals("event of 3996 bytes at page offset 16 runs past the committed data, which ends at page offset 192",
                damage(longPastCommit));

        ByteBuffer smallPastCommit = new PageBuilder(0).event(1, 7, 1, 5, 6).build();
        smallPastCommit.putLong(8, 12); // commit cuts the 20-byte event short
        assertEquals("event of 16 bytes at page offset 16 runs past the committed data, which ends at page offset 28",
                damage(smallPastCommit));

        ByteBuffer tooLong = new PageBuilder(0).event(1, 7, 1).build();
        tooLong.putLong(8, 4081);
        assertEquals("commit length 4081 exceeds the page's 4080 data bytes", damage(tooLong));

        ByteBuffer flags = new PageBuilder(0).event(1, 7, 1).build();
        flags.putLong(8, flags.getLong(8) | 1L << 28);
        assertTrue(damage(flags).startsWith("commit word 0x100000"), damage(flags));
    }

    @Test
    void theKernelsSignExtendedMissedFlagsAreNotDamage() {
        ByteBuffer page = new PageBuilder(0).event(1, 7, 1).build(HeaderPage.MISSING_EVENTS | HeaderPage.MISSING_STORED,
                5L);
        page.putLong(8, page.getLong(8) | 0xffffffffL << 32); // local_add of an int flag on a 64-bit long
        PageDecoder.PageInfo info = PageDecoder.decode(page, 0, HP, null);
        assertEquals(5, info.lost());
        assertEquals(1, info.events());
    }
}
