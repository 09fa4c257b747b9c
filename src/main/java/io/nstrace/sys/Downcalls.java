package io.nstrace.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The FFM plumbing {@link Libc} and {@link NsCalls} share: downcalls into the C library that capture errno, and
 * the layout errno is read from. Holds no handle of its own, so using it binds nothing.
 */
final class Downcalls {
    static final Linker LINKER = Linker.nativeLinker();
    /** Where a call leaves its errno: allocate one per call and read it with {@link #ERRNO}. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private Downcalls() {
    }

    /** A handle to the C library's {@code name}, capturing errno; {@code extra} options after that. */
    static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }
}
