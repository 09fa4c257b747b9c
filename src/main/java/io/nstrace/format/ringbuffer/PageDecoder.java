package io.nstrace.format.ringbuffer;

import java.nio.ByteBuffer;

/**
 * Walks one ring-buffer page (a sub-buffer as read from {@code trace_pipe_raw}): page header, then compressed
 * event headers with padding, time extends, absolute time stamps, small and long ({@code type_len 0}) events.
 * The buffer must have the kernel's byte order set; positions are absolute from index 0 (the page start).
 */
public final class PageDecoder {
    public static final int TYPE_PADDING = 29;
    public static final int TYPE_TIME_EXTEND = 30;
    public static final int TYPE_TIME_STAMP = 31;
    static final long ABS_TS_KEEP = 0xf8L << 56;

    /** Receives each data event: its timestamp and where its payload lies in the page. */
    @FunctionalInterface
    public interface Visitor {
        void event(long timestamp, ByteBuffer page, int payloadOffset, int payloadLength);
    }

    /**
     * What the page header said and how many data events the page held.
     *
     * @param lost events lost before this page: the stored count, -1 when only flagged (count unknown), else 0
     */
    public record PageInfo(long timestamp, int dataLength, boolean missedEvents, long lost, int events) {
    }

    private PageDecoder() {
    }

    /**
     * Events lost before the page at {@code base}, from its header alone: 0 when none, -1 when the kernel flagged
     * a loss without storing the count. Allocation-free, for the recorder's hot path.
     */
    public static long lostBefore(ByteBuffer page, int base, HeaderPage header) {
        long commit = commit(page, base, header);
        if ((commit & HeaderPage.MISSING_EVENTS) == 0) {
            return 0;
        }
        int end = base + header.dataOffset() + (int) (commit & HeaderPage.COMMIT_MASK);
        if ((commit & HeaderPage.MISSING_STORED) != 0 && end + header.commitSize() <= page.limit()) {
            return header.commitSize() == 8 ? page.getLong(end) : page.getInt(end) & 0xffffffffL;
        }
        return -1;
    }

    private static long commit(ByteBuffer page, int base, HeaderPage header) {
        return header.commitSize() == 8 ? page.getLong(base + header.commitOffset())
                : page.getInt(base + header.commitOffset()) & 0xffffffffL;
    }

    /** The number of data events in the page at {@code base}; allocation-free. */
    public static int countEvents(ByteBuffer page, int base, HeaderPage header) {
        int data = base + header.dataOffset();
        int end = Math.min(data + (int) (commit(page, base, header) & HeaderPage.COMMIT_MASK), page.limit());
        int events = 0;
        int pos = data;
        while (pos + 4 <= end) {
            int word = page.getInt(pos);
            int typeLen = word & 0x1f;
            if (typeLen == 0) {
                events++;
                pos += 8 + ((page.getInt(pos + 4) - 4 + 3) & ~3);
            } else if (typeLen <= 28) {
                events++;
                pos += 4 + typeLen * 4;
            } else if (typeLen == TYPE_PADDING) {
                pos = (word >>> 5) == 0 ? end : pos + 4 + page.getInt(pos + 4);
            } else {
                pos += 8;
            }
        }
        return events;
    }

    /**
     * {@link #countEvents(ByteBuffer, int, HeaderPage)} on a page copied into an int array in native order
     * (every field of the walk is 4-byte aligned), starting at word {@code baseWord}; {@code lost} receives
     * {@link #lostBefore(ByteBuffer, int, HeaderPage)} at index 0. Array reads stay cheap even in C1-compiled
     * code, where each ByteBuffer read is a call; this is the recorder's per-event hot path.
     */
    public static int countEvents(int[] words, int baseWord, HeaderPage header, long[] lost) {
        long commit = header.commitSize() == 8 ? wordLong(words, baseWord + header.commitOffset() / 4)
                : words[baseWord + header.commitOffset() / 4] & 0xffffffffL;
        int data = baseWord + header.dataOffset() / 4;
        int end = Math.min(data + (int) ((commit & HeaderPage.COMMIT_MASK) >>> 2), words.length);
        lost[0] = 0;
        if ((commit & HeaderPage.MISSING_EVENTS) != 0) {
            boolean stored = (commit & HeaderPage.MISSING_STORED) != 0 && end + header.commitSize() / 4 <= words.length;
            lost[0] = !stored ? -1 : header.commitSize() == 8 ? wordLong(words, end) : words[end] & 0xffffffffL;
        }
        int events = 0;
        int pos = data;
        while (pos < end) {
            int word = words[pos];
            int typeLen = word & 0x1f;
            if (typeLen == 0) {
                events++;
                pos += 2 + ((words[pos + 1] - 4 + 3) >>> 2);
            } else if (typeLen <= 28) {
                events++;
                pos += 1 + typeLen;
            } else if (typeLen == TYPE_PADDING) {
                pos = (word >>> 5) == 0 ? end : pos + 1 + (words[pos + 1] >>> 2);
            } else {
                pos += 2;
            }
        }
        return events;
    }

    private static long wordLong(int[] words, int at) {
        long a = words[at] & 0xffffffffL;
        long b = words[at + 1] & 0xffffffffL;
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? a | b << 32 : b | a << 32;
    }

    /** Decodes the page starting at index {@code base} of {@code page}; {@code visitor} may be null (count only). */
    public static PageInfo decode(ByteBuffer page, int base, HeaderPage header, Visitor visitor) {
        long ts = page.getLong(base + header.timestampOffset());
        long commit = header.commitSize() == 8 ? page.getLong(base + header.commitOffset())
                : page.getInt(base + header.commitOffset()) & 0xffffffffL;
        int length = (int) (commit & HeaderPage.COMMIT_MASK);
        int data = base + header.dataOffset();
        int end = Math.min(data + length, page.limit());
        boolean missed = (commit & HeaderPage.MISSING_EVENTS) != 0;
        long lost = 0;
        if (missed) {
            lost = -1;
            if ((commit & HeaderPage.MISSING_STORED) != 0 && end + header.commitSize() <= page.limit()) {
                lost = header.commitSize() == 8 ? page.getLong(end) : page.getInt(end) & 0xffffffffL;
            }
        }
        int events = 0;
        int pos = data;
        while (pos + 4 <= end) {
            int word = page.getInt(pos);
            int typeLen = word & 0x1f;
            long delta = (word >>> 5) & 0x7ffffffL;
            switch (typeLen) {
                case TYPE_PADDING -> {
                    if (delta == 0) {
                        pos = end;
                    } else {
                        pos += 4 + page.getInt(pos + 4);
                    }
                }
                case TYPE_TIME_EXTEND -> {
                    ts += ((page.getInt(pos + 4) & 0xffffffffL) << 27) | delta;
                    pos += 8;
                }
                case TYPE_TIME_STAMP -> {
                    ts = (((page.getInt(pos + 4) & 0xffffffffL) << 27) | delta) | (ts & ABS_TS_KEEP);
                    pos += 8;
                }
                case 0 -> {
                    int len = page.getInt(pos + 4) - 4;
                    ts += delta;
                    if (len < 0 || pos + 8 + len > end) {
                        throw new IllegalArgumentException("corrupt long event at page offset " + (pos - base));
                    }
                    if (visitor != null) {
                        visitor.event(ts, page, pos + 8, len);
                    }
                    events++;
                    pos += 8 + ((len + 3) & ~3);
                }
                default -> {
                    int len = typeLen * 4;
                    ts += delta;
                    if (visitor != null) {
                        visitor.event(ts, page, pos + 4, Math.min(len, end - pos - 4));
                    }
                    events++;
                    pos += 4 + len;
                }
            }
        }
        return new PageInfo(page.getLong(base + header.timestampOffset()), length, missed, lost, events);
    }
}
