package io.nstrace.format.tracedat;

import io.nstrace.format.DamagedTraceException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Positioned reads of fixed-size integers and strings from a file channel, or from bytes in memory (a decompressed
 * section of a trace.dat version 7; {@code name} then says which, for messages).
 */
final class BinIn {
    private final FileChannel ch;
    private final byte[] mem;
    private final String name;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private long pos;

    BinIn(FileChannel ch, String name) {
        this.ch = ch;
        this.mem = null;
        this.name = name;
    }

    private BinIn(byte[] mem, String name, ByteOrder order) {
        this.ch = null;
        this.mem = mem;
        this.name = name;
        this.order = order;
    }

    /** Reads of {@code data} (positions count from its start), in {@code order}. */
    static BinIn of(byte[] data, String name, ByteOrder order) {
        return new BinIn(data, name, order);
    }

    String name() {
        return name;
    }

    void order(ByteOrder o) {
        this.order = o;
    }

    long size() throws IOException {
        return ch == null ? mem.length : ch.size();
    }

    long pos() {
        return pos;
    }

    void seek(long p) {
        pos = p;
    }

    byte[] bytes(long n) throws IOException {
        long size = size();
        if (pos < 0 || pos > size) {
            throw new DamagedTraceException(name + ": points to byte " + pos + ", past the end of the "
                    + (ch == null ? "data" : "file") + " (" + size + " bytes)");
        }
        if (n < 0 || n > size - pos || n > Integer.MAX_VALUE - 16) {
            throw new DamagedTraceException(name + ": needs " + Long.toUnsignedString(n) + " bytes at byte " + pos
                    + ", the " + (ch == null ? "data" : "file") + " ends at byte " + size);
        }
        if (ch == null) {
            byte[] b = java.util.Arrays.copyOfRange(mem, (int) pos, (int) (pos + n));
            pos += n;
            return b;
        }
        ByteBuffer b = ByteBuffer.allocate((int) n);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new DamagedTraceException(name + ": file shrank while being read, at byte " + pos);
            }
        }
        pos += n;
        return b.array();
    }

    private ByteBuffer num(int n) throws IOException {
        return ByteBuffer.wrap(bytes(n)).order(order);
    }

    int u8() throws IOException {
        return bytes(1)[0] & 0xff;
    }

    int u16() throws IOException {
        return num(2).getShort() & 0xffff;
    }

    long u32() throws IOException {
        return num(4).getInt() & 0xffffffffL;
    }

    long u64() throws IOException {
        return num(8).getLong();
    }

    String cstr() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            int c = u8();
            if (c == 0) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.write(c);
            if (out.size() > 1 << 20) {
                throw new DamagedTraceException(name + ": unterminated string at byte " + pos);
            }
        }
    }

    String text(long n) throws IOException {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }
}
