package io.nstrace.format.ringbuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds ring-buffer pages byte by byte the way the kernel lays them out (64-bit, little-endian). */
final class PageBuilder {
    private final ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    private int pos = 16;

    PageBuilder(long timestamp) {
        page.putLong(0, timestamp);
    }

    private void header(int typeLen, long delta) {
        page.putInt(pos, (int) ((delta << 5) | typeLen));
        pos += 4;
    }

    /** A small data event: type_len = payload words, payload = common header + {@code extra} ints. */
    PageBuilder event(long delta, int type, int pid, int... extra) {
        int len = 8 + 4 * extra.length;
        header(len / 4, delta);
        payload(type, pid, extra);
        return this;
    }

    /** A type_len 0 event: array[0] = payload length + 4. */
    PageBuilder longEvent(long delta, int type, int pid, int... extra) {
        int len = 8 + 4 * extra.length;
        header(0, delta);
        page.putInt(pos, len + 4);
        pos += 4;
        payload(type, pid, extra);
        return this;
    }

    private void payload(int type, int pid, int[] extra) {
        page.putShort(pos, (short) type);
        page.putInt(pos + 4, pid);
        pos += 8;
        for (int v : extra) {
            page.putInt(pos, v);
            pos += 4;
        }
    }

    PageBuilder timeExtend(long delta) {
        header(30, delta & ((1 << 27) - 1));
        page.putInt(pos, (int) (delta >>> 27));
        pos += 4;
        return this;
    }

    PageBuilder absolute(long ts) {
        header(31, ts & ((1 << 27) - 1));
        page.putInt(pos, (int) (ts >>> 27));
        pos += 4;
        return this;
    }

    /** A discarded event turned into padding: array[0] = its size, time_delta non-zero. */
    PageBuilder discarded(int size) {
        header(29, 1);
        page.putInt(pos, size);
        pos += size;
        return this;
    }

    /** Padding with delta 0: the rest of the page is empty. */
    PageBuilder endPadding() {
        header(29, 0);
        return this;
    }

    ByteBuffer build(long flags, Long storedLost) {
        long commit = (pos - 16) | flags;
        page.putLong(8, commit);
        if (storedLost != null) {
            page.putLong(pos, storedLost);
        }
        return page;
    }

    ByteBuffer build() {
        return build(0, null);
    }
}
