package io.nstrace.format.ringbuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds ring-buffer pages byte by byte the way the kernel lays them out (64-bit, little-endian). */
public final class PageBuilder {
    private final ByteBuffer page;
    private int pos = 16;

    public PageBuilder(long timestamp) {
        this(timestamp, 4096);
    }

    /** A page (sub-buffer) of {@code size} bytes, as the kernel makes with {@code buffer_subbuf_size_kb}. */
    public PageBuilder(long timestamp, int size) {
        page = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        page.putLong(0, timestamp);
    }

    private void header(int typeLen, long delta) {
        page.putInt(pos, (int) ((delta << 5) | typeLen));
        pos += 4;
    }

    /** A small data event: type_len = payload words, payload = common header + {@code extra} ints. */
    public PageBuilder event(long delta, int type, int pid, int... extra) {
        int len = 8 + 4 * extra.length;
        header(len / 4, delta);
        payload(type, pid, extra);
        return this;
    }

    /** A type_len 0 event: array[0] = payload length + 4. */
    public PageBuilder longEvent(long delta, int type, int pid, int... extra) {
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

    public PageBuilder timeExtend(long delta) {
        header(30, delta & ((1 << 27) - 1));
        page.putInt(pos, (int) (delta >>> 27));
        pos += 4;
        return this;
    }

    public PageBuilder absolute(long ts) {
        header(31, ts & ((1 << 27) - 1));
        page.putInt(pos, (int) (ts >>> 27));
        pos += 4;
        return this;
    }

    /** A discarded event turned into padding: array[0] = its size, time_delta non-zero. */
    public PageBuilder discarded(int size) {
        header(29, 1);
        page.putInt(pos, size);
        pos += size;
        return this;
    }

    /** Padding with delta 0: the rest of the page is empty. */
    public PageBuilder endPadding() {
        header(29, 0);
        return this;
    }

    public ByteBuffer build(long flags, Long storedLost) {
        long commit = (pos - 16) | flags;
        page.putLong(8, commit);
        if (storedLost != null) {
            page.putLong(pos, storedLost);
        }
        return page;
    }

    public ByteBuffer build() {
        return build(0, null);
    }
}
