package io.nstrace.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Memory a {@link RawFile} reads into, so callers outside sys never touch java.lang.foreign: an {@code int[]}
 * (a heap segment: pread copies straight into the array) or aligned native memory owned by the buffer.
 */
public final class ReadBuffer implements AutoCloseable {
    private final Arena arena;
    final MemorySegment segment;

    private ReadBuffer(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
    }

    /** The array itself as the target of reads (no copy). */
    public static ReadBuffer of(int[] words) {
        return new ReadBuffer(null, MemorySegment.ofArray(words));
    }

    /** {@code size} bytes of native memory aligned to {@code alignment}, for the calling thread only. */
    public static ReadBuffer aligned(long size, long alignment) {
        Arena arena = Arena.ofConfined();
        return new ReadBuffer(arena, arena.allocate(size, alignment));
    }

    /** A view of the whole buffer (position 0, limit = size). */
    public ByteBuffer asByteBuffer() {
        return segment.asByteBuffer();
    }

    /** Copies the first {@code count} ints of this buffer into {@code words}. */
    public void copyTo(int[] words, int count) {
        MemorySegment.copy(segment, java.lang.foreign.ValueLayout.JAVA_INT, 0, words, 0, count);
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
