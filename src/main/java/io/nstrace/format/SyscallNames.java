package io.nstrace.format;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names of syscall numbers as {@code raw_syscalls:sys_enter}'s {@code id} field carries them. The tracefs event
 * formats do not hold the numbers, so the x86_64 table is generated from the kernel headers' unistd_64.h
 * ({@code scripts/gen-syscall-table}); other architectures (or unknown numbers) read {@code syscall_N}.
 */
public final class SyscallNames {
    private static final Map<Integer, String> X86_64 = load("syscalls-x86_64.txt");
    private static final Set<String> OTHER_MACHINES = Set.of("aarch64", "arm64", "arm", "armv7l", "armv6l", "i386",
            "i686", "x86", "riscv64", "ppc64", "ppc64le", "s390x", "mips64", "loongarch64");

    private final Map<Integer, String> table;

    private SyscallNames(Map<Integer, String> table) {
        this.table = table;
    }

    /**
     * The table for the machine a trace's uname text names ({@code uname -a} style, or ending in Java's os.arch
     * as nstrace writes it): x86_64/amd64, or an unnamed machine, get the x86_64 table; another known machine none.
     */
    public static SyscallNames forUname(String uname) {
        List<String> words = uname == null ? List.of() : List.of(uname.strip().split("\\s+"));
        boolean x86 = words.contains("x86_64") || words.contains("amd64")
                || words.stream().noneMatch(OTHER_MACHINES::contains);
        return new SyscallNames(x86 ? X86_64 : Map.of());
    }

    public static SyscallNames x86_64() {
        return new SyscallNames(X86_64);
    }

    public String name(int nr) {
        String n = table.get(nr);
        return n != null ? n : "syscall_" + nr;
    }

    private static Map<Integer, String> load(String resource) {
        Map<Integer, String> m = new HashMap<>();
        try (InputStream in = SyscallNames.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                int sp = line.indexOf(' ');
                if (sp > 0) {
                    m.put(Integer.parseInt(line.substring(0, sp)), line.substring(sp + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }
}
