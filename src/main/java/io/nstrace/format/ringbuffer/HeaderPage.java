package io.nstrace.format.ringbuffer;

/**
 * The ring-buffer page header layout from {@code events/header_page}: where the timestamp and the commit word
 * are, how wide commit is (the kernel's long: 4 or 8) and where event data starts.
 */
public record HeaderPage(int timestampOffset, int commitOffset, int commitSize, int dataOffset, String text) {
    public static final long COMMIT_MASK = (1L << 27) - 1;
    public static final long MISSING_EVENTS = 1L << 31;
    public static final long MISSING_STORED = 1L << 30;

    public static HeaderPage parse(String text) {
        int ts = 0;
        int commitOff = 8;
        int commitSize = 8;
        int data = 16;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (!line.startsWith("field:")) {
                continue;
            }
            FieldFormat f = EventFormat.parseField(line);
            switch (f.name()) {
                case "timestamp" -> ts = f.offset();
                case "commit" -> {
                    commitOff = f.offset();
                    commitSize = f.size();
                }
                case "data" -> data = f.offset();
                default -> { }
            }
        }
        return new HeaderPage(ts, commitOff, commitSize, data, text);
    }

    /**
     * {@link #parse(String)} for a header read from a file: the timestamp, commit and data fields must all be
     * there and fit in front of the data of a {@code pageSize}-byte page.
     *
     * @throws IllegalArgumentException saying what is missing or impossible
     */
    public static HeaderPage parseChecked(String text, int pageSize) {
        for (String field : new String[] {" timestamp;", " commit;", " data;"}) {
            if (!text.contains(field)) {
                throw new IllegalArgumentException("header_page has no" + field.replace(";", "") + " field");
            }
        }
        HeaderPage h = parse(text);
        if (h.commitSize() != 4 && h.commitSize() != 8 || h.timestampOffset() < 0 || h.commitOffset() < 0
                || h.timestampOffset() + 8 > h.dataOffset() || h.commitOffset() + h.commitSize() > h.dataOffset()
                || h.dataOffset() >= pageSize) {
            throw new IllegalArgumentException("header_page layout is impossible (timestamp at " + h.timestampOffset()
                    + ", commit at " + h.commitOffset() + " size " + h.commitSize() + ", data at " + h.dataOffset()
                    + ", page of " + pageSize + " bytes)");
        }
        return h;
    }

    /** The header of a 64-bit little-endian kernel, as this machine's events/header_page describes it. */
    public static HeaderPage default64() {
        return parse("""
                \tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;
                \tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;
                \tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;
                \tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;
                """);
    }
}
