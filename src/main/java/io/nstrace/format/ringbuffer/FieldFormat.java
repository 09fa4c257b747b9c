package io.nstrace.format.ringbuffer;

/**
 * One {@code field:} line of an event format file.
 *
 * @param arrayLength the declared element count of a fixed array ({@code char comm[16]}), else -1
 * @param dynamic     {@code __data_loc} (offset from the record start) or {@code __rel_loc} (from the field end)
 */
public record FieldFormat(String type, String name, int offset, int size, boolean signed, int arrayLength,
                          Dynamic dynamic) {
    public enum Dynamic { NONE, DATA_LOC, REL_LOC }

    public boolean isCharType() {
        String t = type.replace("__data_loc", "").replace("__rel_loc", "").replace("const", "").strip();
        return t.startsWith("char");
    }

    public boolean isString() {
        return (arrayLength > 0 || dynamic != Dynamic.NONE) && isCharType() && !type.contains("*");
    }

    public boolean isArray() {
        return arrayLength > 0 || dynamic != Dynamic.NONE;
    }

    /** The element size of an array field (the field size for scalars). */
    public int elementSize() {
        if (arrayLength > 0) {
            return Math.max(1, size / arrayLength);
        }
        if (dynamic != Dynamic.NONE) {
            String t = type.replace("__data_loc", "").replace("__rel_loc", "").replace("[]", "").strip();
            return scalarSize(t);
        }
        return size;
    }

    public static int scalarSize(String t) {
        if (t.contains("*") || t.contains("long") || t.endsWith("64") || t.equals("size_t")) {
            return t.contains("long long") || t.contains("64") || t.contains("*") || t.contains("long") ? 8 : 4;
        }
        if (t.contains("short") || t.endsWith("16")) {
            return 2;
        }
        if (t.contains("char") || t.endsWith("8") || t.equals("bool")) {
            return 1;
        }
        return 4;
    }
}
