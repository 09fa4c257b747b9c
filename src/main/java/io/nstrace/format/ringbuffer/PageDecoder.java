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
     * @param lost          events lost before this page: the stored count, -1 when only flagged (count unknown), else 0
     * @param lastTimestamp the clock after the page's last event, time extend or time stamp
     */
    public record PageInfo(long timestamp, int dataLength, boolean missedEvents, long lost, int events,
                           long lastTimestamp) {
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
        while (pos + 8 <= end) { // kernel pages: no event is shorter than 8 bytes but a 4-byte end padding
            int word = page.getInt(pos);
            int typeLen = word & 0x1f;
            int step;
            if (typeLen == 0) {
                events++;
                step = 8 + ((page.getInt(pos + 4) - 4 + 3) & ~3);
            } else if (typeLen <= 28) {
                events++;
                step = 4 + typeLen * 4;
            } else if (typeLen == TYPE_PADDING) {
                step = (word >>> 5) == 0 ? end - pos : 4 + page.getInt(pos + 4);
            } else {
                step = 8;
            }
            if (step <= 0) {
                break; // a damaged length: never loop or walk backwards (decode() says what is wrong)
            }
            pos += step;
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

    /**
     * A page that cannot be what the kernel wrote: its commit length exceeds the page or has unknown flags, or an
     * event header or length, a padding or a time stamp runs past the committed data. The message says what,
     * with offsets relative to the page.
     */
    public static final class DamagedPageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DamagedPageException(String message) {
            super(message);
        }
    }

    /**
     * Decodes the page starting at index {@code base} of {@code page}, which extends to {@code page.limit()};
     * {@code visitor} may be null (count only). Every length is checked against the committed data before it is
     * used, so a damaged page throws {@link DamagedPageException} before the visitor sees any event past the
     * damage, and never loops or reads outside the page.
     */
    public static PageInfo decode(ByteBuffer page, int base, HeaderPage header, Visitor visitor) {
        int data = base + header.dataOffset();
        if (data > page.limit() || base + header.commitOffset() + header.commitSize() > page.limit()
                || base + header.timestampOffset() + 8 > page.limit()) {
            throw new DamagedPageException("page of " + (page.limit() - base) + " bytes is shorter than its header");
        }
        long pageTs = page.getLong(base + header.timestampOffset());
        // the kernel sets the flags with local_add of an int: on a 64-bit kernel the upper half is their sign
        long commit = commit(page, base, header) & 0xffffffffL;
        if ((commit & ~(HeaderPage.COMMIT_MASK | HeaderPage.MISSING_EVENTS | HeaderPage.MISSING_STORED)) != 0) {
            throw new DamagedPageException("commit word 0x" + Long.toHexString(commit) + " has unknown flags");
        }
        int length = (int) (commit & HeaderPage.COMMIT_MASK);
        int end = data + length;
        if (length > page.limit() - data) {
            throw new DamagedPageException("commit length " + length + " exceeds the page's "
                    + (page.limit() - data) + " data bytes");
        }
        boolean missed = (commit & HeaderPage.MISSING_EVENTS) != 0;
        long lost = 0;
        if (missed) {
            lost = -1;
            if ((commit & HeaderPage.MISSING_STORED) != 0) {
                if (end + header.commitSize() > page.limit()) {
                    throw new DamagedPageException("lost-events count stored past the end of the page");
                }
                lost = header.commitSize() == 8 ? page.getLong(end) : page.getInt(end) & 0xffffffffL;
            }
        }
        long ts = pageTs;
        int events = 0;
        int pos = data;
        while (pos < end) {
            need(pos, 4, end, base, "event header");
            int word = page.getInt(pos);
            int typeLen = word & 0x1f;
            long delta = (word >>> 5) & 0x7ffffffL;
            switch (typeLen) {
                case TYPE_PADDING -> {
                    if (delta == 0) {
                        pos = end;
                    } else {
                        need(pos, 8, end, base, "padding");
                        int size = page.getInt(pos + 4);
                        if (size < 4 || (size & 3) != 0) {
                            throw damaged(pos, base, "padding of " + size + " bytes");
                        }
                        need(pos, 4L + size, end, base, "padding");
                        pos += 4 + size;
                    }
                }
                case TYPE_TIME_EXTEND -> {
                    need(pos, 8, end, base, "time extend");
                    ts += ((page.getInt(pos + 4) & 0xffffffffL) << 27) | delta;
                    pos += 8;
                }
                case TYPE_TIME_STAMP -> {
                    need(pos, 8, end, base, "time stamp");
                    // an absolute stamp sets the clock: not checked against the running one (see PageScan)
                    ts = (((page.getInt(pos + 4) & 0xffffffffL) << 27) | delta) | (ts & ABS_TS_KEEP);
                    pos += 8;
                }
                case 0 -> {
                    need(pos, 8, end, base, "event header");
                    long len = (page.getInt(pos + 4) & 0xffffffffL) - 4;
                    if (len < 0) {
                        throw damaged(pos, base, "event length " + len);
                    }
                    need(pos, 8 + ((len + 3) & ~3L), end, base, "event of " + len + " bytes");
                    ts += delta;
                    if (visitor != null) {
                        visitor.event(ts, page, pos + 8, (int) len);
                    }
                    events++;
                    pos += 8 + (int) ((len + 3) & ~3L);
                }
                default -> {
                    int len = typeLen * 4;
                    need(pos, 4 + len, end, base, "event of " + len + " bytes");
                    ts += delta;
                    if (visitor != null) {
                        visitor.event(ts, page, pos + 4, len);
                    }
                    events++;
                    pos += 4 + len;
                }
            }
        }
        return new PageInfo(pageTs, length, missed, lost, events, ts);
    }

    private static void need(int pos, long bytes, int end, int base, String what) {
        if (pos + bytes > end) {
            throw new DamagedPageException(what + " at page offset " + (pos - base)
                    + " runs past the committed data, which ends at page offset " + (end - base));
        }
    }

    private static DamagedPageException damaged(int pos, int base, String what) {
        return new DamagedPageException(what + " at page offset " + (pos - base));
    }
}
