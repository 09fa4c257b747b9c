package io.nstrace.format;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kernel's symbol table as {@code /proc/kallsyms} prints it ({@code ffffffff81363d40 T vfs_open} and
 * {@code ... t p9_fid_create\t[9p]}), for naming function-tracer addresses the way {@code %ps} does: the symbol
 * at or below the address, without offset or module. Zero addresses (per-CPU symbols, or every symbol when
 * {@code kptr_restrict} hides them) are left out, so a censored table names nothing.
 */
public final class Kallsyms {
    public static final Kallsyms EMPTY = new Kallsyms(new long[0], new String[0]);

    /** Addresses with the sign bit flipped, so signed order is the unsigned order of the addresses. */
    private long[] keys;
    private String[] names;
    /** The text still to parse ({@link #deferred}), null once parsed. */
    private byte[] text;

    private Kallsyms(long[] keys, String[] names) {
        this.keys = keys;
        this.names = names;
    }

    private Kallsyms(byte[] text) {
        this.text = text;
    }

    /**
     * The table of {@code text}, parsed on its first lookup: a text trace of events that print no kernel address
     * (most) never pays the parse, ~100 ms for the 120,000 lines of a typical kallsyms. Not thread-safe.
     */
    public static Kallsyms deferred(byte[] text) {
        return text.length == 0 ? EMPTY : new Kallsyms(text);
    }

    private void parsed() {
        if (text != null) {
            Kallsyms k = parse(text);
            keys = k.keys;
            names = k.names;
            text = null;
        }
    }

    public static Kallsyms parse(byte[] text) {
        int n = 0;
        long[] keys = new long[1024];
        String[] names = new String[1024];
        int pos = 0;
        while (pos < text.length) {
            int end = pos;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            int sp1 = indexOf(text, (byte) ' ', pos, end);
            int sp2 = sp1 < 0 ? -1 : indexOf(text, (byte) ' ', sp1 + 1, end);
            if (sp2 > 0) {
                long addr = hex(text, pos, sp1);
                int nameEnd = indexOf(text, (byte) '\t', sp2 + 1, end);
                if (addr != 0 && addr != -1) {
                    if (n == keys.length) {
                        keys = Arrays.copyOf(keys, n * 2);
                        names = Arrays.copyOf(names, n * 2);
                    }
                    keys[n] = addr ^ Long.MIN_VALUE;
                    names[n++] = new String(text, sp2 + 1, (nameEnd < 0 ? end : nameEnd) - sp2 - 1,
                            java.nio.charset.StandardCharsets.US_ASCII);
                }
            }
            pos = end + 1;
        }
        return sorted(Arrays.copyOf(keys, n), Arrays.copyOf(names, n));
    }

    private static Kallsyms sorted(long[] keys, String[] names) {
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
        long[] k = new long[keys.length];
        String[] s = new String[keys.length];
        for (int i = 0; i < order.length; i++) {
            k[i] = keys[order[i]];
            s[i] = names[order[i]];
        }
        return new Kallsyms(k, s);
    }

    public int size() {
        parsed();
        return keys.length;
    }

    /** The name of the symbol at or below {@code address}, if the table has one. */
    public Optional<String> name(long address) {
        parsed();
        int i = Arrays.binarySearch(keys, address ^ Long.MIN_VALUE);
        if (i < 0) {
            i = -i - 2; // the insertion point minus one: the greatest symbol below
        } else {
            while (i + 1 < keys.length && keys[i + 1] == keys[i]) {
                i++; // aliases at one address: the last listed, as a later definition
            }
        }
        return i < 0 ? Optional.empty() : Optional.of(names[i]);
    }

    /** The symbol name, or the address in hex ({@code 0xffffffff81363d40}) when the table has none. */
    public String nameOrHex(long address) {
        return name(address).orElseGet(() -> hex(address));
    }

    public static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static long hex(byte[] b, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(b[i], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
