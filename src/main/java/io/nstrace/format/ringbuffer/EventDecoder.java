package io.nstrace.format.ringbuffer;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a raw event payload into field values with the event's format: integers of every size and sign
 * ({@link Long}, or {@link BigInteger} for unsigned 64-bit values above {@code Long.MAX_VALUE}), char arrays
 * and {@code __data_loc}/{@code __rel_loc} char fields as strings, other arrays as lists.
 */
public final class EventDecoder {
    private EventDecoder() {
    }

    /** The {@code common_type} of the payload at {@code offset}. */
    public static int type(ByteBuffer buf, int offset) {
        return buf.getShort(offset) & 0xffff;
    }

    /** The {@code common_pid} (host PID) of the payload at {@code offset}. */
    public static int pid(ByteBuffer buf, int offset) {
        return buf.getInt(offset + 4);
    }

    public static Map<String, Object> decode(EventFormat format, ByteBuffer buf, int offset, int length) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (FieldFormat f : format.fields()) {
            values.put(f.name(), value(f, buf, offset, length));
        }
        return values;
    }

    static Object value(FieldFormat f, ByteBuffer buf, int base, int length) {
        if (f.offset() + f.size() > length) {
            return null;
        }
        int at = base + f.offset();
        if (f.dynamic() != FieldFormat.Dynamic.NONE) {
            long loc = buf.getInt(at) & 0xffffffffL;
            int off = (int) (loc & 0xffff);
            int len = (int) (loc >>> 16);
            int start = f.dynamic() == FieldFormat.Dynamic.DATA_LOC ? base + off : at + f.size() + off;
            if (start - base + len > length || len < 0) {
                return null;
            }
            return f.isCharType() ? string(buf, start, len) : array(buf, start, len, f.elementSize(), f.signed());
        }
        if (f.arrayLength() > 0) {
            return f.isCharType() ? string(buf, at, f.size())
                    : array(buf, at, f.size(), f.elementSize(), f.signed());
        }
        return integer(buf, at, f.size(), f.signed());
    }

    static String string(ByteBuffer buf, int start, int len) {
        int n = 0;
        while (n < len && buf.get(start + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        buf.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static List<Object> array(ByteBuffer buf, int start, int len, int elem, boolean signed) {
        List<Object> out = new ArrayList<>();
        int e = elem == 1 || elem == 2 || elem == 4 || elem == 8 ? elem : 1;
        for (int p = 0; p + e <= len; p += e) {
            out.add(integer(buf, start + p, e, signed));
        }
        return out;
    }

    static Object integer(ByteBuffer buf, int at, int size, boolean signed) {
        return switch (size) {
            case 1 -> signed ? (long) buf.get(at) : (long) (buf.get(at) & 0xff);
            case 2 -> signed ? (long) buf.getShort(at) : (long) (buf.getShort(at) & 0xffff);
            case 4 -> signed ? (long) buf.getInt(at) : buf.getInt(at) & 0xffffffffL;
            case 8 -> {
                long v = buf.getLong(at);
                yield signed || v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
            }
            default -> array(buf, at, size, 1, signed);
        };
    }

    /** The value as a Java long (two's complement for large unsigned values); 0 for non-numbers. */
    public static long asLong(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof BigInteger b) {
            return b.longValue();
        }
        if (v instanceof Integer i) {
            return i;
        }
        return 0;
    }
}
