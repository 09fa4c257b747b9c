package io.nstrace.format.perfetto;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One message being built with protobuf-java's {@link CodedOutputStream}, kept to be written as a length-delimited
 * field of its parent once complete (protobuf needs a sub-message's length before its bytes). Reused: {@link
 * #reset()} keeps the allocated bytes.
 */
final class ProtoBuffer {
    private final Bytes bytes = new Bytes();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes, 1024);

    CodedOutputStream out() {
        return out;
    }

    private long base;

    void reset() {
        flush();
        bytes.reset();
        base = out.getTotalBytesWritten();
    }

    /** The bytes written so far. */
    int size() {
        return (int) (out.getTotalBytesWritten() - base);
    }

    /** Writes this message as field {@code field} of the message {@code to} is building. */
    void writeAsField(CodedOutputStream to, int field) throws IOException {
        flush();
        to.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        to.writeUInt32NoTag(bytes.size());
        to.writeRawBytes(bytes.array(), 0, bytes.size());
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /** A byte array stream whose array can be written out without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }
    }
}
