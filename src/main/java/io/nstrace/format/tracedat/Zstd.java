package io.nstrace.format.tracedat;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;

/**
 * zstd blocks as trace-cmd's zstd plugin writes and reads them: each block one zstd frame, its sizes kept by the
 * caller (trace.dat stores them next to it). aircompressor's pure-Java codec (level 3, libzstd's default), so
 * nothing native ships with nstrace.
 */
final class Zstd {
    static final String NAME = "zstd";
    /**
     * Written after the name in a version 7 header. trace-cmd accepts any version of "zstd" (its plugin checks the
     * name only) and prints this one in {@code trace-cmd dump}; the frames are those of libzstd 1.5.
     */
    static final String VERSION = "1.5.0";

    private final ZstdCompressor compressor = new ZstdCompressor();
    private final ZstdDecompressor decompressor = new ZstdDecompressor();

    /** The largest compressed size of {@code length} bytes: the size of the output buffer to give. */
    int bound(int length) {
        return compressor.maxCompressedLength(length);
    }

    /** Compresses {@code in[off, off+len)} into {@code out} (at least {@link #bound} bytes); returns its length. */
    int compress(byte[] in, int off, int len, byte[] out) {
        return compressor.compress(in, off, len, out, 0, out.length);
    }

    /**
     * The {@code expected} bytes that {@code in[off, off+len)} decompresses to. Damaged data, or data of another
     * length, throws {@link IllegalArgumentException} saying what is wrong.
     */
    byte[] decompress(byte[] in, int off, int len, int expected) {
        byte[] out = new byte[expected];
        int n;
        try {
            n = decompressor.decompress(in, off, len, out, 0, expected);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException("damaged zstd data (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            // the codec's own checks of a damaged frame end in index or state errors too
            throw new IllegalArgumentException("damaged zstd data (" + e.getClass().getSimpleName() + ")");
        }
        if (n != expected) {
            throw new IllegalArgumentException("zstd data decompresses to " + n + " bytes, " + expected
                    + " declared");
        }
        return out;
    }
}
