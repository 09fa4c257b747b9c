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
