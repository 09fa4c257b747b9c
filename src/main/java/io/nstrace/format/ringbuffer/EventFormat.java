package io.nstrace.format.ringbuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code events/<system>/<event>/format} file: name, ID, the fields with their layout, and the print
 * fmt. {@link #text()} keeps the original bytes for writing into trace.dat.
 */
public record EventFormat(String system, String name, int id, List<FieldFormat> fields, String printFmt,
                          String text) {
    private static final Pattern FIELD = Pattern.compile(
            "field:(.*?);\\s*offset:(\\d+);\\s*size:(\\d+);\\s*(?:signed:(-?\\d+);)?");

    public String fullName() {
        return system + ":" + name;
    }

    public Optional<FieldFormat> field(String fieldName) {
        for (FieldFormat f : fields) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Parses a format file; {@code system} comes from its directory (the file does not name it). */
    public static EventFormat parse(String system, String text) {
        String name = null;
        int id = -1;
        String printFmt = "";
        List<FieldFormat> fields = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("name:")) {
                name = line.substring(5).strip();
            } else if (line.startsWith("ID:")) {
                id = Integer.parseInt(line.substring(3).strip());
            } else if (line.startsWith("field:")) {
                fields.add(parseField(line));
            } else if (line.startsWith("print fmt:")) {
                printFmt = line.substring(10).strip();
            }
        }
        if (name == null || id < 0) {
            throw new IllegalArgumentException("not an event format file (no name or ID) for system " + system);
        }
        return new EventFormat(system, name, id, List.copyOf(fields), printFmt, text);
    }

    static FieldFormat parseField(String line) {
        Matcher m = FIELD.matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException("bad field line: " + line);
        }
        String decl = m.group(1).strip();
        int offset = Integer.parseInt(m.group(2));
        int size = Integer.parseInt(m.group(3));
        boolean signed = m.group(4) != null && !m.group(4).equals("0");
        FieldFormat.Dynamic dyn = decl.startsWith("__data_loc") ? FieldFormat.Dynamic.DATA_LOC
                : decl.startsWith("__rel_loc") ? FieldFormat.Dynamic.REL_LOC : FieldFormat.Dynamic.NONE;
        int arrayLength = -1;
        String d = decl;
        int bracket = d.lastIndexOf('[');
        if (bracket > 0 && d.endsWith("]")) {
            String inside = d.substring(bracket + 1, d.length() - 1).strip();
            d = d.substring(0, bracket).strip();
            if (!inside.isEmpty() && dyn == FieldFormat.Dynamic.NONE) {
                try {
                    arrayLength = Integer.parseInt(inside);
                } catch (NumberFormatException e) {
                    arrayLength = Math.max(1, size); // symbolic length: treat as bytes
                }
            }
        }
        int sp = Math.max(d.lastIndexOf(' '), d.lastIndexOf('*'));
        String fieldName = d.substring(sp + 1);
        String type = d.substring(0, sp + 1).strip();
        if (bracket > 0 && dyn != FieldFormat.Dynamic.NONE) {
            type = type + "[]";
        }
        return new FieldFormat(type, fieldName, offset, size, signed, arrayLength, dyn);
    }
}
