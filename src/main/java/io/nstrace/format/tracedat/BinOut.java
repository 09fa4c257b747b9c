package io.nstrace.format.tracedat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A growable byte array with fixed-size integers in a chosen byte order. */
final class BinOut {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ByteOrder order;

    BinOut(ByteOrder order) {
        this.order = order;
    }

    BinOut u8(int v) {
        bytes.write(v);
        return this;
    }

    BinOut u16(int v) {
        return num(v, 2);
    }

    BinOut u32(long v) {
        return num(v, 4);
    }

    BinOut u64(long v) {
        return num(v, 8);
    }

    private BinOut num(long v, int size) {
        for (int i = 0; i < size; i++) {
            int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (size - 1 - i);
            bytes.write((int) (v >>> shift) & 0xff);
        }
        return this;
    }

    BinOut raw(byte[] b) {
        bytes.writeBytes(b);
        return this;
    }

    /** The string's bytes followed by NUL. */
    BinOut cstr(String s) {
        raw(s.getBytes(StandardCharsets.UTF_8));
        return u8(0);
    }

    BinOut zeros(int n) {
        bytes.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return bytes.size();
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
